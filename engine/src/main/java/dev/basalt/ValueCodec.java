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
        if (bytes.length == 0) {
            throw new BasaltException("value of key \"" + key + "\" is empty, which is not JSON");
        }
        try {
            return mapper.readTree(bytes);
        } catch (JacksonException e) {
            throw new BasaltException("value of key \"" + key + "\" is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    private <T> T map(Class<T> target, byte[] bytes, String key) {
        if (bytes.length == 0) {
            throw new BasaltException("value of key \"" + key + "\" is empty, which is not JSON");
        }
        try {
            return mapper.readValue(bytes, target);
        } catch (JacksonException e) {
            throw new BasaltException("value of key \"" + key + "\" cannot be read as JSON " + target.getSimpleName()
                    + ": " + e.getOriginalMessage(), e);
        }
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
