package dev.basalt.internal.tooling;

import dev.basalt.internal.store.Keys;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The argument rules of a put (API.md, "Behaviour"), callable without writing anything, so a
 * bulk file can be checked whole before its first entry is stored. Each check throws
 * {@link IllegalArgumentException} with the engine's wording.
 *
 * <p>The key rule is the engine's own ({@link Keys#encode}). The expiration rule repeats
 * {@code PutOptions.resolveExpirationEpochSeconds}, which is package-private in the public API;
 * the two must change together (the tools' tests import a file the engine then accepts).
 */
public final class PutChecks {
    /** The largest metadata, in bytes of compact JSON (Workers KV's limit). */
    public static final int MAX_METADATA_BYTES = 1024;

    private PutChecks() {
    }

    /** Checks a key: 1..512 bytes of UTF-8, no unpaired surrogate, not "." or "..". */
    public static void key(String key) {
        Keys.encode(key);
    }

    /** Checks metadata (null or JSON null means none): at most 1024 bytes of compact JSON. */
    public static void metadata(JsonNode metadata, ObjectMapper mapper) {
        if (metadata == null || metadata.isNull() || metadata.isMissingNode()) {
            return;
        }
        int bytes = mapper.writeValueAsBytes(metadata).length;
        if (bytes > MAX_METADATA_BYTES) {
            throw new IllegalArgumentException("metadata is " + bytes + " bytes of JSON; the limit is "
                    + MAX_METADATA_BYTES);
        }
    }

    /**
     * Checks an expiration and returns the epoch second it resolves to (0 for none). The TTL
     * wins when both are given; the one that counts must be at least
     * {@code max(1, minExpirationTtlSeconds)} ahead of {@code nowEpochSeconds}.
     */
    public static long expiration(Long expirationEpochSeconds, Long expirationTtlSeconds, long nowEpochSeconds,
            long minExpirationTtlSeconds) {
        long minimum = Math.max(1, minExpirationTtlSeconds);
        if (expirationTtlSeconds != null) {
            if (expirationTtlSeconds < minimum) {
                throw new IllegalArgumentException("expirationTtl is " + expirationTtlSeconds
                        + " seconds; the minimum is " + minimum);
            }
            if (expirationTtlSeconds > Long.MAX_VALUE - nowEpochSeconds) {
                throw new IllegalArgumentException("expirationTtl is " + expirationTtlSeconds
                        + " seconds; the maximum is " + (Long.MAX_VALUE - nowEpochSeconds));
            }
            return nowEpochSeconds + expirationTtlSeconds;
        }
        if (expirationEpochSeconds != null) {
            if (expirationEpochSeconds <= nowEpochSeconds || expirationEpochSeconds - nowEpochSeconds < minimum) {
                throw new IllegalArgumentException("expiration " + expirationEpochSeconds + " is "
                        + (expirationEpochSeconds - nowEpochSeconds) + " seconds from now (" + nowEpochSeconds
                        + "); the minimum is " + minimum);
            }
            return expirationEpochSeconds;
        }
        return 0;
    }

    /** Checks a value's length against the engine's maximum. */
    public static void valueLength(long lengthBytes, long maxValueSizeBytes) {
        if (lengthBytes > maxValueSizeBytes) {
            throw new IllegalArgumentException("value is " + lengthBytes + " bytes; the limit is " + maxValueSizeBytes);
        }
    }
}
