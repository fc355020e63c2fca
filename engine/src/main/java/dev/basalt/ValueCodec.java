package dev.basalt;

import java.nio.charset.StandardCharsets;
import org.agrona.DirectBuffer;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Turns stored bytes into what a {@link ValueType} promises (every kind but STREAM), and
 * metadata bytes into a fresh {@link JsonNode}. Package-private: the API's decoding rules.
 */
final class ValueCodec {
    private final ObjectMapper mapper;

    ValueCodec(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    ObjectMapper mapper() {
        return mapper;
    }

    <T> T decode(ValueType<T> type, DirectBuffer buffer, int offset, int length, String key) {
        switch (type.kind()) {
            case TEXT:
                return type.javaType().cast(buffer.getStringWithoutLengthUtf8(offset, length));
            case BYTES:
                return type.javaType().cast(copy(buffer, offset, length));
            case JSON:
                return type.javaType().cast(parse(copy(buffer, offset, length), key));
            case JSON_MAPPED:
                return map(type.mappedType(), copy(buffer, offset, length), key);
            default:
                throw new IllegalArgumentException(type + " cannot be decoded from bytes");
        }
    }

    JsonNode metadata(DirectBuffer buffer, int offset, int length) {
        if (length == 0) {
            return null;
        }
        try {
            return mapper.readTree(copy(buffer, offset, length));
        } catch (JacksonException e) {
            throw new BasaltException("stored metadata is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    private JsonNode parse(byte[] bytes, String key) {
        checkNotBlank(bytes, key);
        try {
            JsonNode node = mapper.readTree(bytes);
            if (node == null || node.isMissingNode()) {
                throw new BasaltException("value of key \"" + key + "\" holds no JSON value");
            }
            return node;
        } catch (JacksonException e) {
            throw new BasaltException("value of key \"" + key + "\" is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    private <T> T map(Class<T> target, byte[] bytes, String key) {
        checkNotBlank(bytes, key);
        try {
            return mapper.readValue(bytes, target);
        } catch (JacksonException e) {
            throw new BasaltException("value of key \"" + key + "\" cannot be read as JSON " + target.getSimpleName()
                    + ": " + e.getOriginalMessage(), e);
        }
    }

    /**
     * An empty value, or one of JSON whitespace only (space, tab, LF, CR), is not JSON: Workers
     * KV's {@code "json"} type runs {@code JSON.parse}, which throws on both, so every JSON read
     * path here throws {@link BasaltException} too (Jackson alone would return a missing node).
     */
    private static void checkNotBlank(byte[] bytes, String key) {
        for (byte b : bytes) {
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                return;
            }
        }
        throw new BasaltException("value of key \"" + key + "\" is "
                + (bytes.length == 0 ? "empty" : bytes.length + " bytes of whitespace only") + ", which is not JSON");
    }

    static byte[] copy(DirectBuffer buffer, int offset, int length) {
        byte[] bytes = new byte[length];
        buffer.getBytes(offset, bytes);
        return bytes;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
