package dev.basalt.server.routing;

import dev.basalt.server.envelope.ApiException;
import dev.basalt.server.envelope.KvErrors;
import java.util.HashMap;
import java.util.Map;

/** The decoded query parameters of a request (the last value wins when one repeats). */
final class Query {
    private final Map<String, String> values;

    private Query(Map<String, String> values) {
        this.values = values;
    }

    /** Parses a raw query string (null means none). */
    static Query parse(String rawQuery) {
        Map<String, String> values = new HashMap<>();
        if (rawQuery != null && !rawQuery.isEmpty()) {
            for (String pair : rawQuery.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int equals = pair.indexOf('=');
                String name = PercentDecoding.decode(equals < 0 ? pair : pair.substring(0, equals), true);
                String value = PercentDecoding.decode(equals < 0 ? "" : pair.substring(equals + 1), true);
                if (name == null || value == null) {
                    throw KvErrors.badRequest(KvErrors.MALFORMED_BODY, "could not URL-decode the query string");
                }
                values.put(name, value);
            }
        }
        return new Query(values);
    }

    /** The value of {@code name}, or null. */
    String get(String name) {
        return values.get(name);
    }

    /**
     * The whole number {@code name}, or null when absent or empty.
     *
     * @throws ApiException 400 with {@code code} when it is not a whole number
     */
    Long longValue(String name, int code) {
        String value = values.get(name);
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw KvErrors.badRequest(code, name + " is " + KvErrors.quote(value) + "; it must be a whole number");
        }
    }
}
