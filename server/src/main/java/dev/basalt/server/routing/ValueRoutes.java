package dev.basalt.server.routing;

import com.sun.net.httpserver.HttpExchange;
import dev.basalt.KvNamespace;
import dev.basalt.ListOptions;
import dev.basalt.ListResult;
import dev.basalt.PutOptions;
import dev.basalt.ValueType;
import dev.basalt.server.envelope.ApiException;
import dev.basalt.server.envelope.Envelope;
import dev.basalt.server.envelope.KvErrors;
import dev.basalt.server.multipart.MalformedMultipartException;
import dev.basalt.server.multipart.MultipartReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Locale;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * One key: read its value (raw bytes), write it (raw body or multipart form with {@code value}
 * and {@code metadata}), delete it, read its metadata. Stateless; thread-safe.
 */
final class ValueRoutes {
    /** {@code GET .../values/KEY}: the value's bytes as application/octet-stream, streamed from the store. */
    void get(HttpExchange exchange, KvNamespace namespace, String key) throws IOException {
        EntryRules.checkKey(key);
        try (InputStream value = namespace.get(key, ValueType.STREAM)) {
            if (value == null) {
                throw KvErrors.keyNotFound(key);
            }
            int length = value.available(); // the engine's value stream knows its exact length
            exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
            exchange.sendResponseHeaders(200, length == 0 ? -1 : length);
            try (OutputStream out = exchange.getResponseBody()) {
                value.transferTo(out);
            }
        }
    }

    /**
     * {@code PUT .../values/KEY?expiration=&expiration_ttl=}. A multipart body is read whole
     * (the value up to 25 MiB, then the rest of the form) before anything is written, since its
     * metadata part may come after the value; any other body is streamed straight into the
     * store, which keeps nothing if the body breaks off.
     */
    void put(HttpExchange exchange, KvNamespace namespace, String key, Query query) throws IOException {
        EntryRules.checkKey(key);
        Long expiration = query.longValue("expiration", KvErrors.INVALID_EXPIRATION);
        Long expirationTtl = query.longValue("expiration_ttl", KvErrors.INVALID_EXPIRATION);
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        if (contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
            putForm(exchange, namespace, key, contentType, expiration, expirationTtl);
        } else {
            PutOptions options = EntryRules.options(expiration, expirationTtl, null, false);
            try (InputStream body = Bodies.limited(exchange, KvLimits.MAX_VALUE_BYTES, "value")) {
                namespace.put(key, body, options);
            }
        }
        Envelope.success(exchange, Envelope.object());
    }

    private void putForm(HttpExchange exchange, KvNamespace namespace, String key, String contentType,
                         Long expiration, Long expirationTtl) throws IOException {
        // The form may carry a bit more than the value: field names, metadata, boundaries.
        long bodyLimit = KvLimits.MAX_VALUE_BYTES + KvLimits.MAX_METADATA_FIELD_BYTES + 64 * 1024;
        byte[] value = null;
        JsonNode metadata = null;
        FormMetadata bracketed = new FormMetadata();
        String what = "multipart body (a value of at most " + KvLimits.MAX_VALUE_BYTES + " bytes, its metadata and"
                + " the form's framing)";
        try (InputStream body = Bodies.limited(exchange, bodyLimit, what)) {
            MultipartReader reader = new MultipartReader(body, MultipartReader.boundaryOf(contentType));
            for (MultipartReader.Part part = reader.next(); part != null; part = reader.next()) {
                String name = part.name();
                if (name.equals("value")) {
                    if (value != null) {
                        throw KvErrors.badRequest(KvErrors.MALFORMED_BODY, "the form has more than one value part");
                    }
                    value = readUpTo(part.body(), KvLimits.MAX_VALUE_BYTES, "value");
                } else if (name.equals("metadata")) {
                    metadata = parseMetadata(readUpTo(part.body(), KvLimits.MAX_METADATA_FIELD_BYTES, "metadata"));
                } else if (name.startsWith("metadata[")) {
                    bracketed.add(name, new String(readUpTo(part.body(), KvLimits.MAX_METADATA_FIELD_BYTES, "metadata"),
                            java.nio.charset.StandardCharsets.UTF_8));
                }
                // Other fields are ignored, as unknown JSON properties are.
            }
        } catch (MalformedMultipartException e) {
            throw KvErrors.badRequest(KvErrors.MALFORMED_BODY, "malformed multipart body: " + e.getMessage());
        }
        if (value == null) {
            throw KvErrors.badRequest(KvErrors.MALFORMED_BODY, "the multipart form has no \"value\" part");
        }
        if (metadata == null) {
            metadata = bracketed.node();
        }
        namespace.put(key, value, EntryRules.options(expiration, expirationTtl, metadata, false));
    }

    /** {@code DELETE .../values/KEY}: no error when the key is absent, as in Cloudflare. */
    void delete(HttpExchange exchange, KvNamespace namespace, String key) throws IOException {
        EntryRules.checkKey(key);
        namespace.delete(key);
        Envelope.success(exchange, Envelope.object());
    }

    /** {@code GET .../metadata/KEY}: the metadata (JSON null when the key has none); 404 when absent. */
    void metadata(HttpExchange exchange, KvNamespace namespace, String key) throws IOException {
        EntryRules.checkKey(key);
        // A one-key list page carries the metadata without reading a value of up to 25 MiB.
        ListResult page = namespace.list(ListOptions.prefix(key).withLimit(1));
        if (page.keys().isEmpty() || !page.keys().get(0).name().equals(key)) {
            throw KvErrors.keyNotFound(key);
        }
        Envelope.success(exchange, page.keys().get(0).metadata());
    }

    static JsonNode parseMetadata(byte[] json) {
        try {
            JsonNode node = Envelope.MAPPER.readTree(json);
            if (node == null || node.isMissingNode()) {
                throw KvErrors.badRequest(KvErrors.INVALID_METADATA, "metadata is empty; it must be JSON");
            }
            return node;
        } catch (JacksonException e) {
            throw KvErrors.badRequest(KvErrors.INVALID_METADATA, "metadata is not valid JSON: " + e.getOriginalMessage());
        }
    }

    /** Reads a part whole, refusing it one byte past {@code limit}. */
    private static byte[] readUpTo(InputStream part, long limit, String what) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        byte[] chunk = new byte[64 * 1024];
        long total = 0;
        int n;
        while ((n = part.read(chunk, 0, (int) Math.min(chunk.length, limit + 1 - total))) > 0) {
            total += n;
            if (total > limit) {
                if (what.equals("metadata")) {
                    throw new ApiException(413, KvErrors.INVALID_METADATA, "metadata is more than " + limit
                            + " bytes; the limit is " + KvLimits.MAX_METADATA_BYTES + " bytes of JSON");
                }
                throw Bodies.tooLarge(what, "is more than " + limit + " bytes", limit);
            }
            bytes.write(chunk, 0, n);
        }
        return bytes.toByteArray();
    }
}
