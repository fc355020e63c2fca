package dev.basalt.tools;

import dev.basalt.KvNamespace;
import dev.basalt.BasaltOptions;
import dev.basalt.PutOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;

/**
 * Reads a bulk file in Cloudflare's format with Jackson's streaming parser, one entry in
 * memory at a time, and checks each entry against the engine's rules for a put:
 *
 * <pre>
 * [{"key": "k", "value": "v", "expiration": 1700000000, "expiration_ttl": 3600,
 *   "metadata": {"any": "json"}, "base64": false}, ...]
 * </pre>
 *
 * {@code key} and {@code value} are required strings; {@code base64: true} means the value is
 * base64 of the bytes; the rest are optional. An unknown field is an error (a misspelt
 * "expiraton" must not silently store a key that never expires). Every problem is a
 * {@link BulkFormatException} naming the file, the entry's index and line, and the field.
 *
 * <p>Callers read a file twice: once to check every entry, then again to write, so that a bad
 * entry anywhere means nothing is written, without holding the file in memory.
 */
final class BulkReader {
    private final String fileName;
    private final long nowEpochSeconds;
    /** The engine's options whose rules a put follows (value size, minimum TTL). */
    private final BasaltOptions limits;

    BulkReader(String fileName, long nowEpochSeconds, BasaltOptions limits) {
        this.fileName = fileName;
        this.nowEpochSeconds = nowEpochSeconds;
        this.limits = limits;
    }

    /**
     * Reads every entry of {@code file} into {@code sink}; returns how many there were. An entry
     * whose expiration is too soon is passed to {@code tooSoon} instead when it is not null (the
     * caller skips it), else it is an error.
     */
    int read(Path file, Consumer<BulkEntry> sink, Consumer<BulkEntry> tooSoon) {
        int[] index = {-1};
        int[] line = {1};
        try (JsonParser p = Json.MAPPER.createParser(file)) {
            JsonToken first = p.nextToken();
            if (first != JsonToken.START_ARRAY) {
                throw new BulkFormatException(fileName + " line " + lineOf(p) + ": expected a JSON array of entries"
                        + " [{\"key\": ..., \"value\": ...}, ...], found " + describe(first));
            }
            for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                index[0]++;
                line[0] = lineOf(p);
                if (t != JsonToken.START_OBJECT) {
                    throw error(index[0], line[0], null, "expected an object {\"key\": ..., \"value\": ...}, found "
                            + describe(t));
                }
                BulkEntry entry = entry(p, index[0], line[0]);
                if (isTooSoon(entry) && tooSoon != null) {
                    tooSoon.accept(entry);
                } else {
                    check(entry);
                    sink.accept(entry);
                }
            }
            JsonToken after = p.nextToken();
            if (after != null) {
                throw new BulkFormatException(fileName + " line " + lineOf(p) + ": unexpected " + describe(after)
                        + " after the array of entries");
            }
            return index[0] + 1;
        } catch (JacksonException e) {
            String where = index[0] < 0 ? "" : ": entry [" + index[0] + "] (from line " + line[0] + ")";
            long errorLine = e.getLocation() == null ? line[0] : e.getLocation().getLineNr();
            throw new BulkFormatException(fileName + where + ": not valid JSON at line " + errorLine + ": "
                    + e.getOriginalMessage());
        }
    }

    private BulkEntry entry(JsonParser p, int index, int line) {
        String key = null;
        String value = null;
        Long expiration = null;
        Long ttl = null;
        JsonNode metadata = null;
        boolean base64 = false;
        Set<String> seen = new HashSet<>();
        for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            if (!seen.add(field)) {
                throw error(index, line, field, "appears twice");
            }
            switch (field) {
                case "key":
                    key = string(p, v, index, line, field);
                    break;
                case "value":
                    value = string(p, v, index, line, field);
                    break;
                case "expiration":
                    expiration = integer(p, v, index, line, field, "epoch seconds");
                    break;
                case "expiration_ttl":
                    ttl = integer(p, v, index, line, field, "seconds");
                    break;
                case "metadata":
                    metadata = p.readValueAsTree();
                    break;
                case "base64":
                    if (v != JsonToken.VALUE_TRUE && v != JsonToken.VALUE_FALSE) {
                        throw error(index, line, field, "must be true or false, found " + describe(v));
                    }
                    base64 = v == JsonToken.VALUE_TRUE;
                    break;
                default:
                    throw error(index, line, field, "is not a field of the bulk format (key, value, expiration,"
                            + " expiration_ttl, metadata, base64)");
            }
        }
        if (key == null) {
            throw error(index, line, "key", "is missing");
        }
        if (value == null) {
            throw error(index, line, "value", "is missing");
        }
        return new BulkEntry(index, line, key, bytes(value, base64, index, line), expiration, ttl, metadata);
    }

    private byte[] bytes(String value, boolean base64, int index, int line) {
        if (!base64) {
            return value.getBytes(StandardCharsets.UTF_8);
        }
        try {
            return Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            throw error(index, line, "value", "is not valid base64 (\"base64\": true): " + e.getMessage());
        }
    }

    private boolean isTooSoon(BulkEntry e) {
        try {
            expirationOf(e).resolveExpirationEpochSeconds(nowEpochSeconds, limits.minExpirationTtl().toSeconds());
            return false;
        } catch (IllegalArgumentException tooSoon) {
            return e.expirationTtlSeconds() == null; // an absolute expiration that has (nearly) passed
        }
    }

    /** The entry's expiration as a put would take it (metadata aside). */
    private static PutOptions expirationOf(BulkEntry e) {
        PutOptions options = PutOptions.none();
        if (e.expirationEpochSeconds() != null) {
            options = options.withExpiration(e.expirationEpochSeconds());
        }
        if (e.expirationTtlSeconds() != null) {
            options = options.withExpirationTtl(e.expirationTtlSeconds());
        }
        return options;
    }

    /** The engine's rules, each failure naming its field. */
    private void check(BulkEntry e) {
        try {
            KvNamespace.checkKey(e.key());
        } catch (IllegalArgumentException bad) {
            throw error(e.index(), e.line(), "key", bad.getMessage());
        }
        try {
limits.checkValueSize(e.value().length);
        } catch (IllegalArgumentException bad) {
            throw error(e.index(), e.line(), "value", bad.getMessage());
        }
        try {
            PutOptions.none().withMetadata(e.metadata()).checkMetadata();
        } catch (IllegalArgumentException bad) {
            throw error(e.index(), e.line(), "metadata", bad.getMessage());
        }
        try {
            expirationOf(e).resolveExpirationEpochSeconds(nowEpochSeconds, limits.minExpirationTtl().toSeconds());
        } catch (IllegalArgumentException bad) {
            throw error(e.index(), e.line(), e.expirationTtlSeconds() != null ? "expiration_ttl" : "expiration",
                    bad.getMessage());
        }
    }

    private String string(JsonParser p, JsonToken v, int index, int line, String field) {
        if (v != JsonToken.VALUE_STRING) {
            throw error(index, line, field, "must be a string, found " + describe(v));
        }
        return p.getString();
    }

    private Long integer(JsonParser p, JsonToken v, int index, int line, String field, String unit) {
        if (v == JsonToken.VALUE_NULL) {
            return null;
        }
        if (v != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            throw error(index, line, field, "must be a whole number of " + unit + ", found " + describe(v)
                    + (v == JsonToken.VALUE_NUMBER_INT ? " too large" : ""));
        }
        return p.getLongValue();
    }

    private BulkFormatException error(int index, int line, String field, String problem) {
        return new BulkFormatException(fileName + ": entry [" + index + "] (line " + line + ")"
                + (field == null ? "" : ", field \"" + field + "\"") + ": " + problem);
    }

    private static int lineOf(JsonParser p) {
        return p.currentTokenLocation().getLineNr();
    }

    private static String describe(JsonToken t) {
        if (t == null) {
            return "the end of the file";
        }
        switch (t) {
            case START_OBJECT:
                return "an object";
            case START_ARRAY:
                return "an array";
            case VALUE_STRING:
                return "a string";
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                return "a number";
            case VALUE_TRUE:
            case VALUE_FALSE:
                return "a boolean";
            case VALUE_NULL:
                return "null";
            default:
                return t.toString();
        }
    }
}
