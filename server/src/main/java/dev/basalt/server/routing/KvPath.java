package dev.basalt.server.routing;

import dev.basalt.server.envelope.ApiException;
import dev.basalt.server.envelope.KvErrors;

/**
 * A request path of the KV subset of the v4 API, taken apart:
 * {@code /client/v4/accounts/ACCOUNT/storage/kv/namespaces[/ID[/values/KEY | /metadata/KEY |
 * /keys | /bulk | /bulk/delete | /bulk/get]]}. The key is everything after {@code values/} or
 * {@code metadata/}, percent-decoded once (so {@code %2F} and a literal {@code /} are both a
 * slash in the key). The account id is accepted whatever it is: one server, one account.
 */
record KvPath(Kind kind, String namespaceId, String key) {
    /** Which endpoint the path names. */
    enum Kind { NAMESPACES, NAMESPACE, VALUE, METADATA, KEYS, BULK, BULK_DELETE, BULK_GET }

    private static final String PREFIX = "/client/v4/accounts/";
    private static final String NAMESPACES = "/storage/kv/namespaces";

    /**
     * Parses a raw (still percent-encoded) path.
     *
     * @throws ApiException 404 (10025) when the path is no endpoint of the subset, 400 when a
     *     key or id cannot be percent-decoded
     */
    static KvPath parse(String method, String rawPath) {
        if (rawPath == null || !rawPath.startsWith(PREFIX)) {
            throw KvErrors.noSuchEndpoint(method, shown(rawPath));
        }
        int accountEnd = rawPath.indexOf('/', PREFIX.length());
        if (accountEnd <= PREFIX.length() || !rawPath.startsWith(NAMESPACES, accountEnd)) {
            throw KvErrors.noSuchEndpoint(method, shown(rawPath));
        }
        String rest = rawPath.substring(accountEnd + NAMESPACES.length());
        if (rest.isEmpty() || rest.equals("/")) {
            return new KvPath(Kind.NAMESPACES, null, null);
        }
        if (rest.charAt(0) != '/') {
            throw KvErrors.noSuchEndpoint(method, shown(rawPath));
        }
        int idEnd = rest.indexOf('/', 1);
        String id = decodeId(rest.substring(1, idEnd < 0 ? rest.length() : idEnd));
        String tail = idEnd < 0 ? "" : rest.substring(idEnd + 1);
        switch (tail) {
            case "":
                return new KvPath(Kind.NAMESPACE, id, null);
            case "keys":
                return new KvPath(Kind.KEYS, id, null);
            case "bulk":
                return new KvPath(Kind.BULK, id, null);
            case "bulk/delete":
                return new KvPath(Kind.BULK_DELETE, id, null);
            case "bulk/get":
                return new KvPath(Kind.BULK_GET, id, null);
            default:
                break;
        }
        if (tail.startsWith("values/")) {
            return new KvPath(Kind.VALUE, id, decodeKey(tail.substring("values/".length())));
        }
        if (tail.startsWith("metadata/")) {
            return new KvPath(Kind.METADATA, id, decodeKey(tail.substring("metadata/".length())));
        }
        throw KvErrors.noSuchEndpoint(method, shown(rawPath));
    }

    private static String decodeId(String raw) {
        String id = PercentDecoding.decode(raw, false);
        if (id == null) {
            throw KvErrors.badRequest(KvErrors.MALFORMED_NAMESPACE_ID, "could not URL-decode namespace id");
        }
        return id;
    }

    private static String decodeKey(String raw) {
        String key = PercentDecoding.decode(raw, false);
        if (key == null) {
            throw KvErrors.badRequest(KvErrors.INVALID_KEY, "could not URL-decode key name (bad %-escape or not UTF-8)");
        }
        return key;
    }

    private static String shown(String rawPath) {
        String path = String.valueOf(rawPath);
        return path.length() > 200 ? path.substring(0, 200) + "..." : path;
    }
}
