package dev.basalt;

/**
 * The fixed limits of the public contract (API.md), in one place so the API edge, the engine
 * and the tests agree on every figure. Package-private: users learn the limits from the
 * Javadoc of the types that enforce them.
 */
final class Limits {
    /** A key is 1..512 bytes of UTF-8, as in Workers KV; a list prefix has the same bound. */
    static final int MAX_KEY_BYTES = 512;

    /** Metadata is at most 1024 bytes of compact JSON, as in Workers KV. */
    static final int MAX_METADATA_BYTES = 1024;

    /** A bulk get takes 1..100 distinct keys, as in Workers KV. */
    static final int MAX_BULK_KEYS = 100;

    /** A list page holds 1..1000 keys; 1000 is also the default, as in Workers KV. */
    static final int MAX_LIST_LIMIT = 1000;

    /** Default largest value: 25 MiB (26,214,400 bytes), the Workers KV value limit. */
    static final long DEFAULT_MAX_VALUE_BYTES = 25L << 20;

    /** Smallest segment: 1 MiB, small enough for tests to span many files cheaply. */
    static final long MIN_SEGMENT_BYTES = 1L << 20;

    /**
     * Largest segment: 1 GiB. Keeps every offset inside a segment below 2^30, so it fits an
     * {@code int} with room to spare, and keeps one segment's rewrite during compaction short.
     */
    static final long MAX_SEGMENT_BYTES = 1L << 30;

    /** Default segment: 64 MiB, room for two values of the default maximum size and more. */
    static final long DEFAULT_SEGMENT_BYTES = 64L << 20;

    /**
     * Bytes the log may add around one record (its header) beyond key, metadata and value.
     * {@link BasaltOptions#validate()} requires the largest possible record, this allowance
     * included, to fit in one segment: the 64-byte segment header, the 40-byte record header,
     * a namespace of up to 64 bytes and up to 8 bytes of alignment padding (docs/format.md).
     */
    static final int RECORD_HEADER_ALLOWANCE_BYTES = 176;

    private Limits() {
    }
}
