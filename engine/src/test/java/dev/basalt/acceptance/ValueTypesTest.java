package dev.basalt.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.BasaltException;
import dev.basalt.PutOptions;
import dev.basalt.ValueType;
import dev.basalt.ValueWithMetadata;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** API.md value types: TEXT, JSON, json(Class), BYTES and STREAM on the single-key reads. */
class ValueTypesTest extends AcceptanceTestBase {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** A user type for {@code ValueType.json(Class)}. */
    record Point(int x, int y) {
    }

    @Test
    void textIsTheDefaultType() {
        ns.put("k", "caf\u00e9");
        assertThat(ns.get("k")).isEqualTo(ns.get("k", ValueType.TEXT)).isEqualTo("caf\u00e9");
    }

    @Test
    void jsonObjectIsParsed() {
        ns.put("k", "{\"a\":1,\"b\":[true,null,\"s\"]}");
        JsonNode node = ns.get("k", ValueType.JSON);
        assertThat(node).isEqualTo(JSON.readTree("{\"a\":1,\"b\":[true,null,\"s\"]}"));
    }

    @Test
    void jsonScalarsAreParsed() {
        ns.put("number", "42");
        ns.put("string", "\"text\"");
        ns.put("array", "[1, 2, 3]");
        assertThat(ns.get("number", ValueType.JSON).asInt()).isEqualTo(42);
        assertThat(ns.get("string", ValueType.JSON).asString()).isEqualTo("text");
        assertThat(ns.get("array", ValueType.JSON)).hasSize(3);
    }

    @Test
    void jsonOfAbsentKeyIsNull() {
        assertThat(ns.get("absent", ValueType.JSON)).isNull();
        assertThat(ns.get("absent", ValueType.json(Point.class))).isNull();
    }

    @Test
    void jsonClassMapsToARecord() {
        ns.put("p", "{\"x\":3,\"y\":-4}");
        assertThat(ns.get("p", ValueType.json(Point.class))).isEqualTo(new Point(3, -4));
    }

    @Test
    void jsonClassMapsToAString() {
        ns.put("s", "\"hello\"");
        assertThat(ns.get("s", ValueType.json(String.class))).isEqualTo("hello");
    }

    @Test
    void nonJsonValueReadAsJsonIsBasaltException() {
        ns.put("k", "not json {");
        assertThatThrownBy(() -> ns.get("k", ValueType.JSON)).isInstanceOf(BasaltException.class);
    }

    @Test
    void nonJsonValueReadAsJsonClassIsBasaltException() {
        ns.put("k", "not json {");
        assertThatThrownBy(() -> ns.get("k", ValueType.json(Point.class))).isInstanceOf(BasaltException.class);
    }

    @Test
    void emptyValueReadAsJsonIsBasaltException() {
        ns.put("k", "");
        assertThatThrownBy(() -> ns.get("k", ValueType.JSON)).isInstanceOf(BasaltException.class);
        assertThatThrownBy(() -> ns.get("k", ValueType.json(Point.class))).isInstanceOf(BasaltException.class);
    }

    @Test
    void binaryValueReadAsJsonIsBasaltException() {
        ns.put("k", new byte[] {(byte) 0xFF, 0x00, (byte) 0xFE});
        assertThatThrownBy(() -> ns.get("k", ValueType.JSON)).isInstanceOf(BasaltException.class);
    }

    @Test
    void nonJsonValueReadAsJsonInGetWithMetadataIsBasaltException() {
        ns.put("k", "nope", PutOptions.none().withMetadata("m"));
        assertThatThrownBy(() -> ns.getWithMetadata("k", ValueType.JSON)).isInstanceOf(BasaltException.class);
    }

    @Test
    void nonJsonValueStillReadsAsTextAndBytes() {
        ns.put("k", "not json {");
        assertThat(ns.get("k")).isEqualTo("not json {");
        assertThat(ns.get("k", ValueType.BYTES)).isEqualTo(utf8("not json {"));
    }

    @Test
    void bytesTypeReturnsExactBytes() {
        byte[] value = patternBytes(777);
        ns.put("k", value);
        assertThat(ns.get("k", ValueType.BYTES)).isEqualTo(value);
    }

    @Test
    void streamReadsALargeValue() throws IOException {
        byte[] value = patternBytes((int) MAX_VALUE_BYTES);
        ns.put("big", value);
        try (InputStream in = ns.get("big", ValueType.STREAM)) {
            assertThat(in.readAllBytes()).isEqualTo(value);
        }
    }

    @Test
    void streamCanBeReadInSmallPieces() throws IOException {
        byte[] value = patternBytes(10_000);
        ns.put("k", value);
        byte[] copy = new byte[value.length];
        try (InputStream in = ns.get("k", ValueType.STREAM)) {
            int at = 0;
            while (at < copy.length) {
                int n = in.read(copy, at, Math.min(7, copy.length - at));
                assertThat(n).isPositive();
                at += n;
            }
            assertThat(in.read()).isEqualTo(-1);
        }
        assertThat(copy).isEqualTo(value);
    }

    @Test
    void streamOfAbsentKeyIsNull() {
        assertThat(ns.get("absent", ValueType.STREAM)).isNull();
    }

    @Test
    void streamKeepsOldValueAfterOverwrite() throws IOException {
        // A read sees the whole old or the whole new value, never a mix.
        byte[] old = patternBytes(200_000);
        ns.put("k", old);
        try (InputStream in = ns.get("k", ValueType.STREAM)) {
            byte[] head = in.readNBytes(1000);
            ns.put("k", utf8("new"));
            byte[] rest = in.readAllBytes();
            byte[] whole = new byte[head.length + rest.length];
            System.arraycopy(head, 0, whole, 0, head.length);
            System.arraycopy(rest, 0, whole, head.length, rest.length);
            assertThat(whole).isEqualTo(old);
        }
        assertThat(ns.get("k")).isEqualTo("new");
    }

    @Test
    void getWithMetadataDefaultsToText() {
        ns.put("k", "v", PutOptions.none().withMetadata("m"));
        ValueWithMetadata<String> got = ns.getWithMetadata("k");
        assertThat(got.value()).isEqualTo("v");
        assertThat(got.metadata().asString()).isEqualTo("m");
    }

    @Test
    void getWithMetadataTakesEveryType() throws IOException {
        ns.put("p", "{\"x\":1,\"y\":2}", PutOptions.none().withMetadata(List.of(1)));
        assertThat(ns.getWithMetadata("p", ValueType.JSON).value().get("x").asInt()).isEqualTo(1);
        assertThat(ns.getWithMetadata("p", ValueType.json(Point.class)).value()).isEqualTo(new Point(1, 2));
        assertThat(ns.getWithMetadata("p", ValueType.BYTES).value()).isEqualTo(utf8("{\"x\":1,\"y\":2}"));
        ValueWithMetadata<InputStream> stream = ns.getWithMetadata("p", ValueType.STREAM);
        try (InputStream in = stream.value()) {
            assertThat(in.readAllBytes()).isEqualTo(utf8("{\"x\":1,\"y\":2}"));
        }
        assertThat(stream.metadata()).isEqualTo(JSON.readTree("[1]"));
    }
}
