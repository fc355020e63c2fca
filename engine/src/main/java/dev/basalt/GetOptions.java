package dev.basalt;

import java.util.OptionalLong;

/**
 * Options of one read: the counterpart of the options object of Workers KV's {@code get} and
 * {@code getWithMetadata} ({@code { type, cacheTtl }}). The {@code type} travels as the
 * {@link ValueType} argument beside these options, so only {@code cacheTtl} lives here.
 *
 * <pre>{@code
 * // Workers KV:  await env.CONFIG.get("flags", { type: "json", cacheTtl: 300 })
 * JsonNode flags = config.get("flags", ValueType.JSON, GetOptions.cacheTtl(300));
 * }</pre>
 *
 * <p><b>cacheTtl.</b> On Workers KV it is how long, in seconds, an edge location may keep the
 * result of a read before asking the central store again. A local store has no edge cache: every
 * read sees every completed write, so Basalt accepts the figure, checks it exactly as Workers KV
 * does (an integer of at least {@value #MIN_CACHE_TTL_SECONDS} seconds), and otherwise ignores
 * it. Code ported from a Worker therefore compiles, rejects the same bad figures, and returns the
 * same values, only fresher.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class GetOptions {
    /**
     * The smallest {@code cacheTtl} Workers KV accepts, in seconds. Cloudflare lowered it from 60
     * to 30; older references (and some client libraries) still say 60.
     */
    public static final long MIN_CACHE_TTL_SECONDS = 30;

    /** Sentinel: no cacheTtl given. */
    private static final long NO_CACHE_TTL = -1;

    private static final GetOptions NONE = new GetOptions(NO_CACHE_TTL);

    private final long cacheTtlSeconds;

    private GetOptions(long cacheTtlSeconds) {
        this.cacheTtlSeconds = cacheTtlSeconds;
    }

    /**
     * No options: what a read without them does.
     *
     * @return options with no cache TTL
     */
    public static GetOptions none() {
        return NONE;
    }

    /**
     * Options with Workers KV's {@code cacheTtl}; see the class comment for why a local store
     * ignores it after checking it.
     *
     * @param seconds at least {@value #MIN_CACHE_TTL_SECONDS}
     * @return options with this cache TTL
     * @throws IllegalArgumentException naming the figure and the minimum when {@code seconds} is
     *     smaller than {@value #MIN_CACHE_TTL_SECONDS}
     */
    public static GetOptions cacheTtl(long seconds) {
        return NONE.withCacheTtl(seconds);
    }

    /**
     * These options with {@code cacheTtl} set; the same rule as {@link #cacheTtl(long)}.
     *
     * @param seconds the cache TTL in seconds, at least 30
     * @return options with this cache TTL
     */
    public GetOptions withCacheTtl(long seconds) {
        if (seconds < MIN_CACHE_TTL_SECONDS) {
            throw new IllegalArgumentException("cacheTtl is " + seconds + " seconds; the minimum is "
                    + MIN_CACHE_TTL_SECONDS);
        }
        return new GetOptions(seconds);
    }

    /**
     * The {@code cacheTtl} given, in seconds, or empty when none was.
     *
     * @return the cache TTL in seconds, empty when none was given
     */
    public OptionalLong cacheTtlSeconds() {
        return cacheTtlSeconds == NO_CACHE_TTL ? OptionalLong.empty() : OptionalLong.of(cacheTtlSeconds);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof GetOptions that && cacheTtlSeconds == that.cacheTtlSeconds;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(cacheTtlSeconds);
    }

    @Override
    public String toString() {
        return cacheTtlSeconds == NO_CACHE_TTL ? "GetOptions[]" : "GetOptions[cacheTtl=" + cacheTtlSeconds + "]";
    }
}
