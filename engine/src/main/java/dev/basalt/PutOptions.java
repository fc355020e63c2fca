package dev.basalt;

import dev.basalt.internal.env.Limits;
import java.util.Objects;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Options of one {@code put}: when the key expires and what metadata it carries. The
 * counterpart of the {@code options} argument of Workers KV's {@code put}.
 *
 * <pre>{@code
 * ns.put("session:42", token, PutOptions.expirationTtl(3600).withMetadata(Map.of("user", 42)));
 * }</pre>
 *
 * <p><b>Expiration.</b> {@link #expirationTtl(long) expirationTtl} is seconds from the
 * engine clock's current epoch second; {@link #expiration(long) expiration} is an absolute
 * epoch second. Both may be given; then {@code expirationTtl} wins and {@code expiration} is
 * ignored, not even validated. The one that counts is checked when the {@code put} runs,
 * against the engine's clock, before anything is written: a TTL must be at least 1 second and
 * at least {@link BasaltOptions#minExpirationTtl() minExpirationTtl} (default 60 s); an
 * absolute expiration must be at least that far after now. Otherwise the {@code put} throws
 * {@link IllegalArgumentException} naming the figure and the minimum. Without either the key
 * never expires. A key is gone for every read from its expiration second on.
 *
 * <p><b>Metadata.</b> Any value Jackson can serialize, or a {@link JsonNode}. A Java
 * {@code String} is stored as a JSON string, not parsed as JSON text. {@code null} and a JSON
 * {@code null} node both mean no metadata. The compact JSON must be at most 1024 bytes of
 * UTF-8. An object is serialized when the {@code put} runs, so do not mutate it while a put
 * that uses these options is running; a {@code JsonNode} is copied when it is given.
 *
 * <p>Instances are immutable and thread-safe: every {@code with} method returns a new
 * instance, and one instance may be shared by many puts.
 */
public final class PutOptions {
    private static final PutOptions NONE = new PutOptions(null, null, null);

    private final Long expirationEpochSeconds;
    private final Long expirationTtlSeconds;
    private final Object metadata;

    private PutOptions(Long expirationEpochSeconds, Long expirationTtlSeconds, Object metadata) {
        this.expirationEpochSeconds = expirationEpochSeconds;
        this.expirationTtlSeconds = expirationTtlSeconds;
        this.metadata = metadata;
    }

    /**
     * No expiration and no metadata: what a {@code put} without options does.
     *
     * @return options with no expiration and no metadata
     */
    public static PutOptions none() {
        return NONE;
    }

    /**
     * Expire at the absolute {@code epochSeconds}; see the class comment for the rules.
     *
     * @param epochSeconds the expiration in seconds since the epoch: at least minExpirationTtl (default 60
     *     s) ahead when written
     * @return options with that absolute expiration
     */
    public static PutOptions expiration(long epochSeconds) {
        return NONE.withExpiration(epochSeconds);
    }

    /**
     * Expire {@code seconds} after the engine clock's now; see the class comment.
     *
     * @param seconds the time to live in seconds: at least minExpirationTtl (default 60 s)
     * @return options with that time to live
     */
    public static PutOptions expirationTtl(long seconds) {
        return NONE.withExpirationTtl(seconds);
    }

    /**
     * These options with an absolute expiration; an {@code expirationTtl} still wins.
     *
     * @param epochSeconds the expiration in seconds since the epoch: at least minExpirationTtl (default 60
     *     s) ahead when written
     * @return a copy of these options with the change
     */
    public PutOptions withExpiration(long epochSeconds) {
        return new PutOptions(epochSeconds, expirationTtlSeconds, metadata);
    }

    /**
     * These options with a relative expiration, which wins over any absolute one.
     *
     * @param seconds the time to live in seconds: at least minExpirationTtl (default 60 s)
     * @return a copy of these options with the change
     */
    public PutOptions withExpirationTtl(long seconds) {
        return new PutOptions(expirationEpochSeconds, seconds, metadata);
    }

    /**
     * These options with {@code jsonSerializable} as metadata, replacing any before;
     * {@code null} (or a JSON null node) clears it.
     *
     * @param jsonSerializable the metadata: anything Jackson serialises, at most 1024 bytes of compact JSON
     *     (Workers KV's limit)
     * @return a copy of these options with the change
     */
    public PutOptions withMetadata(Object jsonSerializable) {
        Object snapshot = jsonSerializable instanceof JsonNode node ? node.deepCopy() : jsonSerializable;
        return new PutOptions(expirationEpochSeconds, expirationTtlSeconds, snapshot);
    }

    /**
     * The absolute expiration in epoch seconds, or null when not set.
     *
     * @return options with that absolute expiration
     */
    public Long expiration() {
        return expirationEpochSeconds;
    }

    /**
     * The relative expiration in seconds, or null when not set.
     *
     * @return options with that time to live
     */
    public Long expirationTtl() {
        return expirationTtlSeconds;
    }

    /**
     * The metadata as given (a {@code JsonNode} as copied), or null when none.
     *
     * @return the metadata as given, or null
     */
    public Object metadata() {
        return metadata;
    }

    /**
     * The epoch second at which the key expires, or 0 when it never does.
     *
     * @param nowEpochSeconds the engine clock's current epoch second, rounded down
     * @param minExpirationTtlSeconds the engine's minimum, 0 or more; a TTL must be at least
     *     1 second even when this is 0
     * @return the expiration in epoch seconds, or 0 when none
     * @throws IllegalArgumentException naming the figure and the limit when the expiration
     *     that counts is too soon, or lies beyond the largest representable epoch second
     */
    public long resolveExpirationEpochSeconds(long nowEpochSeconds, long minExpirationTtlSeconds) {
        if (minExpirationTtlSeconds < 0) {
            throw new IllegalArgumentException(
                    "minExpirationTtl is " + minExpirationTtlSeconds + " seconds; it must be >= 0");
        }
        long minimumSeconds = Math.max(1, minExpirationTtlSeconds);
        if (expirationTtlSeconds != null) {
            return resolveTtl(expirationTtlSeconds, nowEpochSeconds, minimumSeconds);
        }
        if (expirationEpochSeconds != null) {
            return checkAbsolute(expirationEpochSeconds, nowEpochSeconds, minimumSeconds);
        }
        return Limits.NO_EXPIRATION;
    }

    private static long resolveTtl(long ttlSeconds, long nowEpochSeconds, long minimumSeconds) {
        if (ttlSeconds < minimumSeconds) {
            throw new IllegalArgumentException(
                    "expirationTtl is " + ttlSeconds + " seconds; the minimum is " + minimumSeconds);
        }
        try {
            return Math.addExact(nowEpochSeconds, ttlSeconds);
        } catch (ArithmeticException overflow) {
            throw new IllegalArgumentException("expirationTtl is " + ttlSeconds
                    + " seconds; the maximum is " + (Long.MAX_VALUE - nowEpochSeconds)
                    + " (the largest epoch second, " + Long.MAX_VALUE + ", minus now, "
                    + nowEpochSeconds + ")", overflow);
        }
    }

    private static long checkAbsolute(long expirationEpochSeconds, long nowEpochSeconds,
                                      long minimumSeconds) {
        boolean tooSoon = expirationEpochSeconds <= nowEpochSeconds
                || expirationEpochSeconds - nowEpochSeconds < minimumSeconds;
        if (tooSoon) {
            throw new IllegalArgumentException("expiration " + expirationEpochSeconds + " is "
                    + distanceFromNow(expirationEpochSeconds, nowEpochSeconds)
                    + " now (" + nowEpochSeconds + "); the minimum is " + minimumSeconds);
        }
        return expirationEpochSeconds;
    }

    /** "12 seconds after" or "5 seconds before"; the difference may not fit a long. */
    private static String distanceFromNow(long epochSeconds, long nowEpochSeconds) {
        if (epochSeconds >= nowEpochSeconds) {
            return (epochSeconds - nowEpochSeconds) + " seconds after";
        }
        try {
            return Math.subtractExact(nowEpochSeconds, epochSeconds) + " seconds before";
        } catch (ArithmeticException overflow) {
            return "more than " + Long.MAX_VALUE + " seconds before";
        }
    }

    /**
     * Checks the metadata as {@code put} will, without writing anything: returns the bytes of
     * compact JSON it takes (0 when there is none).
     *
     * @return the bytes of compact JSON the metadata takes (0 when none)
     * @throws IllegalArgumentException when the JSON exceeds 1024 bytes or cannot be written
     */
    public int checkMetadata() {
        byte[] json = metadataJson(CHECKING_MAPPER);
        return json == null ? 0 : json.length;
    }

    /** Jackson's default mapper, as the engine's own: the same bytes, so the same verdict. */
    private static final ObjectMapper CHECKING_MAPPER = tools.jackson.databind.json.JsonMapper.builder().build();

    /**
     * The metadata as the compact JSON bytes {@code mapper} writes, or null when there is none
     * (no metadata, {@code null}, or a JSON null or missing node).
     *
     * @throws IllegalArgumentException when the JSON exceeds 1024 bytes, or Jackson cannot
     *     serialize the metadata (the message names its type and Jackson's reason)
     */
    byte[] metadataJson(ObjectMapper mapper) {
        Objects.requireNonNull(mapper, "mapper");
        if (metadata == null
                || metadata instanceof JsonNode node && (node.isNull() || node.isMissingNode())) {
            return null;
        }
        byte[] json;
        try {
            json = mapper.writeValueAsBytes(metadata);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("metadata of type " + metadata.getClass().getName()
                    + " cannot be serialized as JSON: " + e.getOriginalMessage(), e);
        }
        if (json.length > Limits.MAX_METADATA_BYTES) {
            throw new IllegalArgumentException("metadata is " + json.length
                    + " bytes of JSON; the limit is " + Limits.MAX_METADATA_BYTES);
        }
        return json;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PutOptions that
                && Objects.equals(expirationEpochSeconds, that.expirationEpochSeconds)
                && Objects.equals(expirationTtlSeconds, that.expirationTtlSeconds)
                && Objects.equals(metadata, that.metadata);
    }

    @Override
    public int hashCode() {
        return Objects.hash(expirationEpochSeconds, expirationTtlSeconds, metadata);
    }

    @Override
    public String toString() {
        return "PutOptions[expiration=" + expirationEpochSeconds
                + ", expirationTtl=" + expirationTtlSeconds + ", metadata=" + metadata + "]";
    }
}
