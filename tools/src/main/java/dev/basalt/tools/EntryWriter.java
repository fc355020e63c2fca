package dev.basalt.tools;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.JsonNode;

/**
 * Writes entries in the bulk format, so that what {@code export} and {@code kv bulk get} print
 * can be fed to {@code import} and {@code kv bulk put} unchanged. A value that is valid UTF-8
 * is written as text; any other value as base64 with {@code "base64": true}, so every value
 * comes back byte for byte. Expirations are absolute epoch seconds.
 */
final class EntryWriter {
    private EntryWriter() {
    }

    static void write(JsonGenerator g, String key, byte[] value, Long expirationEpochSeconds, JsonNode metadata) {
        g.writeStartObject();
        g.writeStringProperty("key", key);
        String text = utf8OrNull(value);
        g.writeStringProperty("value", text != null ? text : Base64.getEncoder().encodeToString(value));
        if (expirationEpochSeconds != null) {
            g.writeNumberProperty("expiration", expirationEpochSeconds);
        }
        if (metadata != null && !metadata.isNull()) {
            g.writeName("metadata");
            g.writeTree(metadata);
        }
        if (text == null) {
            g.writeBooleanProperty("base64", true);
        }
        g.writeEndObject();
    }

    /** The value as text when it is strictly valid UTF-8 (and so round-trips exactly), else null. */
    static String utf8OrNull(byte[] value) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(value)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
