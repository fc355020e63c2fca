package dev.basalt.server.envelope;

/**
 * Every error the server answers with: HTTP status and Cloudflare error code in one table, so
 * the docs (docs/server.md) and the code agree.
 *
 * <p>Codes 10000, 10001, 10009, 10011, 10012, 10013, 10014, 10019, 10024, 10025 and 10028 are
 * Cloudflare's published Workers KV codes with the same meaning. Cloudflare does not publish a
 * code for an over-long key, bad metadata or a bad expiration; the ones below for those
 * (10020, 10029, 10033) are Basalt's choice in the same range, and their HTTP statuses (414 for a
 * key over 512 bytes, 413 for sizes, 400 otherwise) follow what Cloudflare answers.
 */
public final class KvErrors {
    /** Authentication error: missing, malformed or wrong bearer token. */
    public static final int AUTHENTICATION = 10000;
    /** A storage error (I/O, corruption): the only 5xx the server sends on purpose. */
    public static final int STORAGE = 10001;
    /** Key not found. */
    public static final int KEY_NOT_FOUND = 10009;
    /** Malformed namespace id (not 32 hex characters). */
    public static final int MALFORMED_NAMESPACE_ID = 10011;
    /** Malformed value or request body (JSON, multipart, base64). */
    public static final int MALFORMED_BODY = 10012;
    /** Namespace not found. */
    public static final int NAMESPACE_NOT_FOUND = 10013;
    /** A namespace with that title already exists. */
    public static final int NAMESPACE_EXISTS = 10014;
    /** Missing or invalid title. */
    public static final int MISSING_TITLE = 10019;
    /** Invalid key: empty, ".", "..", over 512 bytes, not decodable. */
    public static final int INVALID_KEY = 10020;
    /** Payload too large: a value, a body or a bulk request over its limit. */
    public static final int PAYLOAD_TOO_LARGE = 10024;
    /** Endpoint does not exist (or the method is not one it takes). */
    public static final int NO_SUCH_ENDPOINT = 10025;
    /** Invalid limit, page, per_page, cursor or other list argument. */
    public static final int INVALID_LIST_ARGUMENT = 10028;
    /** Invalid metadata: not JSON, or over 1024 bytes. */
    public static final int INVALID_METADATA = 10029;
    /** Invalid expiration or expiration_ttl. */
    public static final int INVALID_EXPIRATION = 10033;

    private KvErrors() {
    }

    /** 400 with {@code code}. */
    public static ApiException badRequest(int code, String message) {
        return new ApiException(400, code, message);
    }

    /** 413 payload too large. */
    public static ApiException tooLarge(String message) {
        return new ApiException(413, PAYLOAD_TOO_LARGE, message);
    }

    /** 404 endpoint does not exist. */
    public static ApiException noSuchEndpoint(String method, String path) {
        return new ApiException(404, NO_SUCH_ENDPOINT, "no endpoint " + method + " " + path);
    }

    /** 404 namespace not found. */
    public static ApiException namespaceNotFound(String id) {
        return new ApiException(404, NAMESPACE_NOT_FOUND, "namespace not found: " + id);
    }

    /** 404 key not found. */
    public static ApiException keyNotFound(String key) {
        return new ApiException(404, KEY_NOT_FOUND, "key not found: " + quote(key));
    }

    /**
     * The engine's argument check turned into Cloudflare's answer. The engine's messages start
     * with the thing they are about ("key is 513 bytes of UTF-8; the limit is 512", "metadata is
     * 1100 bytes of JSON; ...", "expirationTtl is 10 seconds; ..."), and name the figure; the
     * message is passed on as it is.
     */
    public static ApiException fromEngine(IllegalArgumentException e) {
        String message = String.valueOf(e.getMessage());
        if (message.startsWith("key")) {
            return new ApiException(message.contains("the limit is") ? 414 : 400, INVALID_KEY, message);
        }
        if (message.startsWith("value")) {
            return tooLarge(message);
        }
        if (message.startsWith("metadata")) {
            return new ApiException(message.contains("the limit is") ? 413 : 400, INVALID_METADATA, message);
        }
        if (message.startsWith("expiration")) {
            return badRequest(INVALID_EXPIRATION, message);
        }
        if (message.startsWith("prefix") || message.contains("cursor") || message.startsWith("limit")) {
            return badRequest(INVALID_LIST_ARGUMENT, message);
        }
        return badRequest(MALFORMED_BODY, message);
    }

    /** A key for a message: quoted and cut to 100 characters so a hostile key cannot flood a log. */
    public static String quote(String key) {
        String shown = key.length() > 100 ? key.substring(0, 100) + "..." : key;
        return "\"" + shown + "\"";
    }
}
