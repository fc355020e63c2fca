package dev.basalt.tools;

import dev.basalt.KvNamespace;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

/**
 * Reads the keys of a bulk get or delete file: an array of key strings, or of objects with a
 * {@code "key"} (or wrangler's {@code "name"}) field, whose other fields are ignored, so a bulk
 * put file or a {@code kv key list} output works too. Every key is checked before any is used.
 */
final class BulkKeysReader {
    private BulkKeysReader() {
    }

    static List<String> read(Path file, String fileName) {
        List<String> keys = new ArrayList<>();
        int index = -1;
        int line = 1;
        try (JsonParser p = Json.MAPPER.createParser(file)) {
            if (p.nextToken() != JsonToken.START_ARRAY) {
                throw new BulkFormatException(fileName + ": expected a JSON array of keys, or of objects with"
                        + " \"key\" or \"name\"");
            }
            for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                index++;
                line = p.currentTokenLocation().getLineNr();
                String key = t == JsonToken.VALUE_STRING ? p.getString()
                        : t == JsonToken.START_OBJECT ? keyField(p, fileName, index, line) : null;
                if (key == null) {
                    throw new BulkFormatException(fileName + ": entry [" + index + "] (line " + line
                            + "): expected a key string or an object with \"key\" or \"name\"");
                }
                try {
                    KvNamespace.checkKey(key);
                } catch (IllegalArgumentException bad) {
                    throw new BulkFormatException(fileName + ": entry [" + index + "] (line " + line
                            + "), field \"key\": " + bad.getMessage());
                }
                keys.add(key);
            }
            return keys;
        } catch (JacksonException e) {
            throw new BulkFormatException(fileName + (index < 0 ? "" : ": entry [" + index + "] (from line " + line
                    + ")") + ": not valid JSON: " + e.getOriginalMessage());
        }
    }

    private static String keyField(JsonParser p, String fileName, int index, int line) {
        String key = null;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            if ((field.equals("key") || field.equals("name")) && key == null) {
                if (v != JsonToken.VALUE_STRING) {
                    throw new BulkFormatException(fileName + ": entry [" + index + "] (line " + line + "), field \""
                            + field + "\": must be a string");
                }
                key = p.getString();
            } else {
                p.skipChildren();
            }
        }
        return key;
    }
}
