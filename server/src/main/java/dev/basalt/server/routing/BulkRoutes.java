package dev.basalt.server.routing;

import com.sun.net.httpserver.HttpExchange;
import dev.basalt.KeyInfo;
import dev.basalt.KvNamespace;
import dev.basalt.ListOptions;
import dev.basalt.ListResult;
import dev.basalt.PutOptions;
import dev.basalt.ValueType;
import dev.basalt.ValueWithMetadata;
import dev.basalt.server.envelope.ApiException;
import dev.basalt.server.envelope.Envelope;
import dev.basalt.server.envelope.KvErrors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The bulk endpoints: write up to 10,000 pairs ({@code PUT .../bulk}), delete up to 10,000 keys
 * ({@code POST .../bulk/delete}, and the older {@code DELETE .../bulk}), get up to 100 keys
 * ({@code POST .../bulk/get}). Every entry is checked before the first write, so a bad entry
 * refuses the whole request and nothing is written. Writes then go one by one: a storage error
 * halfway leaves the earlier ones written (the engine has no multi-key transaction).
 * Stateless; thread-safe.
 */
final class BulkRoutes {
    private record Pair(String key, byte[] value, PutOptions options) {
    }

    /** {@code PUT .../bulk} with {@code [{key, value, base64?, expiration?, expiration_ttl?, metadata?}]}. */
    void write(HttpExchange exchange, KvNamespace namespace) throws IOException {
        JsonNode body = Bodies.json(exchange, KvLimits.MAX_BULK_BODY_BYTES, "bulk write body");
        if (!body.isArray()) {
            throw KvErrors.badRequest(KvErrors.MALFORMED_BODY, "a bulk write body must be a JSON array of pairs");
        }
        if (body.size() > KvLimits.MAX_BULK_WRITE_PAIRS) {
            throw KvErrors.tooLarge("bulk write has " + body.size() + " pairs; the limit is "
                    + KvLimits.MAX_BULK_WRITE_PAIRS);
        }
        List<Pair> pairs = new ArrayList<>(body.size());
        for (int i = 0; i < body.size(); i++) {
            pairs.add(pair(body.get(i), i));
        }
        for (Pair pair : pairs) {
            namespace.put(pair.key(), pair.value(), pair.options());
        }
        Envelope.success(exchange, counts(pairs.size()));
    }

    private static Pair pair(JsonNode entry, int index) {
        if (!entry.isObject()) {
            throw KvErrors.badRequest(KvErrors.MALFORMED_BODY, "bulk entry " + index + " is not an object");
        }
        JsonNode key = entry.get("key");
        JsonNode value = entry.get("value");
        if (key == null || !key.isString()) {
            throw KvErrors.badRequest(KvErrors.INVALID_KEY, "bulk entry " + index + " has no \"key\" string");
        }
        if (value == null || !value.isString()) {
            throw KvErrors.badRequest(KvErrors.MALFORMED_BODY, "bulk entry " + index + " has no \"value\" string");
        }
        EntryRules.checkKey(key.asString());
        byte[] bytes;
        if (entry.path("base64").asBoolean(false)) {
            try {
                bytes = Base64.getDecoder().decode(value.asString());
            } catch (IllegalArgumentException e) {
                throw KvErrors.badRequest(KvErrors.MALFORMED_BODY, "bulk entry " + index + " (key "
                        + KvErrors.quote(key.asString()) + ") has base64 set but its value is not base64: "
                        + e.getMessage());
            }
        } else {
            bytes = value.asString().getBytes(StandardCharsets.UTF_8);
        }
        if (bytes.length > KvLimits.MAX_VALUE_BYTES) {
            throw KvErrors.tooLarge("value of key " + KvErrors.quote(key.asString()) + " is " + bytes.length
                    + " bytes; the limit is " + KvLimits.MAX_VALUE_BYTES);
        }
        JsonNode metadata = entry.get("metadata");
        EntryRules.checkMetadata(metadata);
        Long expiration = number(entry, "expiration", index);
        Long expirationTtl = number(entry, "expiration_ttl", index);
        return new Pair(key.asString(), bytes, EntryRules.options(expiration, expirationTtl, metadata, true));
    }

    private static Long number(JsonNode entry, String field, int index) {
        JsonNode node = entry.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.canConvertToExactIntegral() || !node.canConvertToLong()) {
            throw KvErrors.badRequest(KvErrors.INVALID_EXPIRATION, "bulk entry " + index + " has " + field + " "
                    + node + "; it must be a whole number of seconds");
        }
        return node.asLong();
    }

    /** {@code POST .../bulk/delete} (and {@code DELETE .../bulk}) with {@code ["key", ...]}. */
    void delete(HttpExchange exchange, KvNamespace namespace) throws IOException {
        JsonNode body = Bodies.json(exchange, KvLimits.MAX_BULK_BODY_BYTES, "bulk delete body");
        if (!body.isArray()) {
            throw KvErrors.badRequest(KvErrors.MALFORMED_BODY, "a bulk delete body must be a JSON array of keys");
        }
        if (body.size() > KvLimits.MAX_BULK_DELETE_KEYS) {
            throw KvErrors.tooLarge("bulk delete has " + body.size() + " keys; the limit is "
                    + KvLimits.MAX_BULK_DELETE_KEYS);
        }
        List<String> keys = new ArrayList<>(body.size());
        for (int i = 0; i < body.size(); i++) {
            JsonNode key = body.get(i);
            if (!key.isString()) {
                throw KvErrors.badRequest(KvErrors.INVALID_KEY, "bulk delete entry " + i + " is not a string");
            }
            EntryRules.checkKey(key.asString());
            keys.add(key.asString());
        }
        for (String key : keys) {
            namespace.delete(key);
        }
        Envelope.success(exchange, counts(keys.size()));
    }

    /** {@code POST .../bulk/get} with {@code {"keys": [...], "type": "text"|"json", "withMetadata": bool}}. */
    void get(HttpExchange exchange, KvNamespace namespace) throws IOException {
        JsonNode body = Bodies.json(exchange, KvLimits.MAX_SMALL_BODY_BYTES, "bulk get body");
        JsonNode keysNode = body.path("keys");
        if (!keysNode.isArray() || keysNode.isEmpty()) {
            throw KvErrors.badRequest(KvErrors.MALFORMED_BODY, "a bulk get body needs \"keys\": a non-empty array");
        }
        Set<String> keys = new LinkedHashSet<>();
        for (int i = 0; i < keysNode.size(); i++) {
            JsonNode key = keysNode.get(i);
            if (!key.isString()) {
                throw KvErrors.badRequest(KvErrors.INVALID_KEY, "bulk get key " + i + " is not a string");
            }
            EntryRules.checkKey(key.asString());
            keys.add(key.asString());
        }
        if (keys.size() > KvLimits.MAX_BULK_GET_KEYS) {
            throw KvErrors.badRequest(KvErrors.MALFORMED_BODY, "bulk get has " + keys.size()
                    + " distinct keys; the limit is " + KvLimits.MAX_BULK_GET_KEYS);
        }
        String type = body.path("type").isString() ? body.path("type").asString() : "text";
        if (!type.equals("text") && !type.equals("json")) {
            throw KvErrors.badRequest(KvErrors.MALFORMED_BODY, "type is " + KvErrors.quote(type)
                    + "; it must be text or json");
        }
        boolean withMetadata = body.path("withMetadata").asBoolean(false);
        ObjectNode values = Envelope.object();
        long total = 0;
        for (String key : keys) {
            ValueWithMetadata<byte[]> found = namespace.getWithMetadata(key, ValueType.BYTES);
            if (found.value() == null) {
                values.putNull(key);
                continue;
            }
            total += found.value().length;
            if (total > KvLimits.MAX_BULK_GET_VALUE_BYTES) {
                throw KvErrors.tooLarge("bulk get values add up to more than " + KvLimits.MAX_BULK_GET_VALUE_BYTES
                        + " bytes; the limit is " + KvLimits.MAX_BULK_GET_VALUE_BYTES);
            }
            JsonNode value = decode(key, found.value(), type);
            if (withMetadata) {
                ObjectNode entry = values.putObject(key);
                entry.set("value", value);
                entry.set("metadata", found.metadata() == null ? Envelope.object().nullNode() : found.metadata());
                Long expiration = expiration(namespace, key);
                if (expiration != null) {
                    entry.put("expiration", expiration);
                }
            } else {
                values.set(key, value);
            }
        }
        ObjectNode result = Envelope.object();
        result.set("values", values);
        Envelope.success(exchange, result);
    }

    private static JsonNode decode(String key, byte[] value, String type) {
        if (type.equals("text")) {
            return Envelope.object().stringNode(new String(value, StandardCharsets.UTF_8));
        }
        try {
            JsonNode node = Envelope.MAPPER.readTree(value);
            if (node == null || node.isMissingNode()) {
                throw new ApiException(400, KvErrors.MALFORMED_BODY, "value of key " + KvErrors.quote(key)
                        + " is empty, which is not JSON");
            }
            return node;
        } catch (JacksonException e) {
            throw KvErrors.badRequest(KvErrors.MALFORMED_BODY, "value of key " + KvErrors.quote(key)
                    + " is not valid JSON: " + e.getOriginalMessage());
        }
    }

    /** The key's expiration, from a one-key list page (the value read does not carry it). */
    private static Long expiration(KvNamespace namespace, String key) {
        ListResult page = namespace.list(ListOptions.prefix(key).withLimit(1));
        for (KeyInfo info : page.keys()) {
            if (info.name().equals(key)) {
                return info.expiration();
            }
        }
        return null;
    }

    private static ObjectNode counts(int successful) {
        ObjectNode result = Envelope.object();
        result.put("successful_key_count", successful);
        result.putArray("unsuccessful_keys");
        return result;
    }
}
