package dev.basalt.internal.env;

/**
 * Every fixed limit and sentinel of the engine, in one place, so that the API edge, the log
 * format, the indexes and the tools agree on each figure (API.md gives the contract; the
 * format's own bounds in {@code docs/format.md} are these numbers). It lives at the bottom of
 * the layering so that every part may import it. Users learn the limits from the Javadoc of the
 * public types that enforce them.
 */
public final class Limits {
    /** A key is 1..512 bytes of UTF-8, as in Workers KV; a list prefix has the same bound. */
    public static final int MAX_KEY_BYTES = 512;

    /** Metadata is at most 1024 bytes of compact JSON, as in Workers KV. */
    public static final int MAX_METADATA_BYTES = 1024;

    /** A bulk get takes 1..100 distinct keys, as in Workers KV. */
    public static final int MAX_BULK_KEYS = 100;

    /**
     * A write batch holds 1..10,000 entries, as a Workers KV bulk write does; its records must
     * also fit in one segment together.
     */
    public static final int MAX_BATCH_ENTRIES = 10_000;

    /** A list page holds 1..1000 keys; 1000 is also the default, as in Workers KV. */
    public static final int MAX_LIST_LIMIT = 1000;

    /** Default largest value: 25 MiB (26,214,400 bytes), the Workers KV value limit. */
    public static final long DEFAULT_MAX_VALUE_BYTES = 25L << 20;

    /** Smallest segment: 1 MiB, small enough for tests to span many files cheaply. */
    public static final long MIN_SEGMENT_BYTES = 1L << 20;

    /**
     * Largest segment: 1 GiB. Keeps every offset inside a segment below 2^30, so it fits an
     * {@code int} with room to spare, and keeps one segment's rewrite during compaction short.
     */
    public static final long MAX_SEGMENT_BYTES = 1L << 30;

    /** Default segment: 64 MiB, room for two values of the default maximum size and more. */
    public static final long DEFAULT_SEGMENT_BYTES = 64L << 20;

    /**
     * Bytes the log may add around one record (its header) beyond key, metadata and value.
     * {@code BasaltOptions.validate()} requires the largest possible record, this allowance
     * included, to fit in one segment: the 64-byte segment header, the record header (40 bytes
     * before segment version 3, at most 36 since), a namespace of up to 64 bytes and up to 8 bytes
     * of alignment padding (docs/format.md). It was kept when the header shrank, so the largest
     * value a segment size allows did not change.
     */
    public static final int RECORD_HEADER_ALLOWANCE_BYTES = 176;

    /** A namespace name is 1..64 characters of [A-Za-z0-9_-], so at most 64 bytes in a record. */
    public static final int MAX_NAMESPACE_BYTES = 64;

    /** The expiration field of a record that never expires (and "no expiration" everywhere else). */
    public static final long NO_EXPIRATION = 0;

    private Limits() {
    }
}
