package dev.basalt.server.routing;

import dev.basalt.PutOptions;
import dev.basalt.server.envelope.ApiException;
import dev.basalt.server.envelope.Envelope;
import dev.basalt.server.envelope.KvErrors;
import java.nio.charset.StandardCharsets;
import tools.jackson.databind.JsonNode;

/**
 * The checks of a key, metadata and expiration made before anything is written, where one
 * request writes many keys (a bulk write must refuse the whole request, not stop halfway).
 * The figures and messages are the engine's (API.md), which checks every put again; single
 * writes rely on the engine alone.
 */
final class EntryRules {
    private EntryRules() {
    }

    /** @throws ApiException as the engine would refuse {@code key} */
    static void checkKey(String key) {
        if (key == null || key.isEmpty()) {
            throw KvErrors.badRequest(KvErrors.INVALID_KEY, "key is 0 bytes of UTF-8; it must be 1..512");
        }
        if (key.equals(".") || key.equals("..")) {
            throw KvErrors.badRequest(KvErrors.INVALID_KEY, "key \"" + key + "\" is reserved; \".\" and \"..\" are"
                    + " not legal keys");
        }
        int bytes = key.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > KvLimits.MAX_KEY_BYTES) {
            throw new ApiException(414, KvErrors.INVALID_KEY, "key is " + bytes + " bytes of UTF-8; the limit is "
                    + KvLimits.MAX_KEY_BYTES);
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            boolean paired = Character.isHighSurrogate(c) && i + 1 < key.length()
                    && Character.isLowSurrogate(key.charAt(i + 1));
            if (paired) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw KvErrors.badRequest(KvErrors.INVALID_KEY, "key has an unpaired surrogate at index " + i);
            }
        }
    }

    /** @throws ApiException when the metadata's compact JSON is over 1024 bytes */
    static void checkMetadata(JsonNode metadata) {
        if (metadata == null || metadata.isNull() || metadata.isMissingNode()) {
            return;
        }
        int bytes = Envelope.MAPPER.writeValueAsBytes(metadata).length;
        if (bytes > KvLimits.MAX_METADATA_BYTES) {
            throw new ApiException(413, KvErrors.INVALID_METADATA, "metadata is " + bytes
                    + " bytes of JSON; the limit is " + KvLimits.MAX_METADATA_BYTES);
        }
    }

    /**
     * Put options for the given expiration (absolute epoch seconds), TTL (seconds) and metadata,
     * any of them null; the TTL wins when both are given, as in Cloudflare.
     *
     * @param check whether to check the expiration here (bulk) or leave it to the engine
     */
    static PutOptions options(Long expiration, Long expirationTtl, JsonNode metadata, boolean check) {
        PutOptions options = PutOptions.none();
        if (expirationTtl != null) {
            if (check && expirationTtl < KvLimits.MIN_EXPIRATION_TTL_SECONDS) {
                throw KvErrors.badRequest(KvErrors.INVALID_EXPIRATION, "expirationTtl is " + expirationTtl
                        + " seconds; the minimum is " + KvLimits.MIN_EXPIRATION_TTL_SECONDS);
            }
            options = options.withExpirationTtl(expirationTtl);
        } else if (expiration != null) {
            long now = System.currentTimeMillis() / 1000;
            if (check && expiration - now < KvLimits.MIN_EXPIRATION_TTL_SECONDS) {
                throw KvErrors.badRequest(KvErrors.INVALID_EXPIRATION, "expiration " + expiration + " is "
                        + (expiration - now) + " seconds after now (" + now + "); the minimum is "
                        + KvLimits.MIN_EXPIRATION_TTL_SECONDS);
            }
            options = options.withExpiration(expiration);
        }
        if (metadata != null && !metadata.isNull() && !metadata.isMissingNode()) {
            options = options.withMetadata(metadata);
        }
        return options;
    }
}
