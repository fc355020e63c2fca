package dev.basalt.server.routing;

/**
 * The figures Cloudflare states for Workers KV and its REST API, enforced at the server's edge
 * (the engine enforces the first four again). Every refusal names the figure.
 */
public final class KvLimits {
    /** A key is 1..512 bytes of UTF-8. */
    public static final int MAX_KEY_BYTES = 512;
    /** Metadata is at most 1024 bytes of compact JSON. */
    public static final int MAX_METADATA_BYTES = 1024;
    /** A value is at most 25 MiB. */
    public static final long MAX_VALUE_BYTES = 25L << 20;
    /** expiration_ttl, and an absolute expiration's distance from now, are at least 60 s. */
    public static final long MIN_EXPIRATION_TTL_SECONDS = 60;
    /** A bulk write takes up to 10,000 pairs. */
    public static final int MAX_BULK_WRITE_PAIRS = 10_000;
    /** A bulk delete takes up to 10,000 keys. */
    public static final int MAX_BULK_DELETE_KEYS = 10_000;
    /** A bulk get takes up to 100 keys. */
    public static final int MAX_BULK_GET_KEYS = 100;
    /** A bulk write or delete request body is at most 100 MB. */
    public static final long MAX_BULK_BODY_BYTES = 100_000_000L;
    /** A bulk get answers at most 25 MiB of values in all (no response grows without bound). */
    public static final long MAX_BULK_GET_VALUE_BYTES = MAX_VALUE_BYTES;
    /** Other JSON bodies (namespace create and rename, bulk get) are small. */
    public static final long MAX_SMALL_BODY_BYTES = 1L << 20;
    /** Multipart metadata field: read this much at most before judging its size. */
    public static final int MAX_METADATA_FIELD_BYTES = 64 * 1024;
    /** A key list page holds 10..1000 keys (default 1000). */
    public static final int MIN_LIST_LIMIT = 10;
    /** Largest key list page. */
    public static final int MAX_LIST_LIMIT = 1000;
    /** Namespace list pages hold 5..100 namespaces (default 20). */
    public static final int MIN_NAMESPACES_PER_PAGE = 5;
    /** Largest namespace list page. */
    public static final int MAX_NAMESPACES_PER_PAGE = 100;
    /** Default namespace list page. */
    public static final int DEFAULT_NAMESPACES_PER_PAGE = 20;

    private KvLimits() {
    }
}
