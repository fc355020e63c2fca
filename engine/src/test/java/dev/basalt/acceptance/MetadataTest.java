package dev.basalt.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.PutOptions;
import dev.basalt.ValueType;
import dev.basalt.ValueWithMetadata;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** API.md: metadata is JSON of at most 1024 bytes (compact, UTF-8), returned as a copy. */
class MetadataTest extends AcceptanceTestBase {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** A record Jackson can serialize, standing for any user type given as metadata. */
    record Owner(String name, int version) {
    }

    @Test
    void metadataOf1024BytesIsAccepted() {
        // A Java String is a JSON string: 1022 characters plus two quotes = 1024 bytes.
        String text = asciiOfLength(1022);
        ns.put("k", "v", PutOptions.none().withMetadata(text));
        assertThat(ns.getWithMetadata("k").metadata().asString()).isEqualTo(text);
    }

    @Test
    void metadataOf1025BytesIsRejectedNamingBothFigures() {
        assertThatThrownBy(() -> ns.put("k", "v", PutOptions.none().withMetadata(asciiOfLength(1023))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1025")
                .hasMessageContaining("1024");
        assertThat(ns.get("k")).isNull();
    }

    @Test
    void metadataSizeIsUtf8LengthOfCompactJson() {
        // {"a":"<1016 chars>"} is 8 + 1016 = 1024 bytes compact; pretty printing would add more.
        ObjectNode exactly1024 = JsonNodeFactory.instance.objectNode().put("a", asciiOfLength(1016));
        assertThat(JSON.writeValueAsBytes(exactly1024)).hasSize(1024);
        ns.put("k", "v", PutOptions.none().withMetadata(exactly1024));
        assertThat(ns.getWithMetadata("k").metadata()).isEqualTo(exactly1024);

        // Two-byte characters: 511 * 2 + 2 quotes = 1024 bytes ok, 512 * 2 + 2 = 1026 rejected.
        ns.put("k2", "v", PutOptions.none().withMetadata("\u00e9".repeat(511)));
        assertThatThrownBy(() -> ns.put("k3", "v", PutOptions.none().withMetadata("\u00e9".repeat(512))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1026")
                .hasMessageContaining("1024");
    }

    @Test
    void stringMetadataIsAJsonStringNotRawJson() {
        ns.put("k", "v", PutOptions.none().withMetadata("{\"a\":1}"));
        JsonNode metadata = ns.getWithMetadata("k").metadata();
        assertThat(metadata.isString()).isTrue();
        assertThat(metadata.asString()).isEqualTo("{\"a\":1}");
    }

    @Test
    void recordMetadataIsSerializedByJackson() {
        ns.put("k", "v", PutOptions.none().withMetadata(new Owner("ada", 3)));
        JsonNode metadata = ns.getWithMetadata("k").metadata();
        assertThat(metadata.get("name").asString()).isEqualTo("ada");
        assertThat(metadata.get("version").asInt()).isEqualTo(3);
    }

    @Test
    void mapAndListAndNumberMetadataRoundTrip() {
        ns.put("map", "v", PutOptions.none().withMetadata(Map.of("n", 1)));
        ns.put("list", "v", PutOptions.none().withMetadata(List.of(1, "two", true)));
        ns.put("number", "v", PutOptions.none().withMetadata(42));
        assertThat(ns.getWithMetadata("map").metadata()).isEqualTo(JSON.readTree("{\"n\":1}"));
        assertThat(ns.getWithMetadata("list").metadata()).isEqualTo(JSON.readTree("[1,\"two\",true]"));
        assertThat(ns.getWithMetadata("number").metadata()).isEqualTo(JSON.readTree("42"));
    }

    @Test
    void jsonNodeMetadataRoundTrips() {
        JsonNode given = JSON.readTree("{\"owner\":\"ada\",\"tags\":[\"a\",\"b\"],\"n\":{\"x\":1.5}}");
        ns.put("k", utf8("v"), PutOptions.none().withMetadata(given));
        assertThat(ns.getWithMetadata("k").metadata()).isEqualTo(given);
        assertThat(ns.getWithMetadata("k", ValueType.BYTES).metadata()).isEqualTo(given);
    }

    @Test
    void nullMetadataMeansNone() {
        ns.put("k", "v", PutOptions.none().withMetadata(null));
        ValueWithMetadata<String> got = ns.getWithMetadata("k");
        assertThat(got.value()).isEqualTo("v");
        assertThat(got.metadata()).isNull();
    }

    @Test
    void jsonNullNodeMetadataMeansNone() {
        ns.put("k", "v", PutOptions.none().withMetadata(JsonNodeFactory.instance.nullNode()));
        assertThat(ns.getWithMetadata("k").metadata()).isNull();
    }

    @Test
    void noOptionsMeansNoMetadata() {
        ns.put("k", "v");
        ValueWithMetadata<String> got = ns.getWithMetadata("k");
        assertThat(got.value()).isEqualTo("v");
        assertThat(got.metadata()).isNull();
    }

    @Test
    void absentKeyHasNullValueAndNullMetadata() {
        ValueWithMetadata<String> got = ns.getWithMetadata("absent");
        assertThat(got).isNotNull();
        assertThat(got.value()).isNull();
        assertThat(got.metadata()).isNull();
        ValueWithMetadata<byte[]> bytes = ns.getWithMetadata("absent", ValueType.BYTES);
        assertThat(bytes.value()).isNull();
        assertThat(bytes.metadata()).isNull();
    }

    @Test
    void returnedMetadataIsACopy() {
        ns.put("k", "v", PutOptions.none().withMetadata(Map.of("n", 1)));
        ObjectNode first = (ObjectNode) ns.getWithMetadata("k").metadata();
        first.put("n", 99);
        first.put("injected", true);
        assertThat(ns.getWithMetadata("k").metadata()).isEqualTo(JSON.readTree("{\"n\":1}"));
    }

    @Test
    void metadataNodePassedInIsNotAliased() {
        ObjectNode given = JsonNodeFactory.instance.objectNode().put("n", 1);
        ns.put("k", "v", PutOptions.none().withMetadata(given));
        given.put("n", 2);
        assertThat(ns.getWithMetadata("k").metadata()).isEqualTo(JSON.readTree("{\"n\":1}"));
    }

    @Test
    void putWithoutMetadataClearsEarlierMetadata() {
        ns.put("k", "v1", PutOptions.none().withMetadata("m1"));
        ns.put("k", "v2");
        ValueWithMetadata<String> got = ns.getWithMetadata("k");
        assertThat(got.value()).isEqualTo("v2");
        assertThat(got.metadata()).isNull();
    }

    @Test
    void metadataOnEmptyValueIsKept() {
        ns.put("k", new byte[0], PutOptions.none().withMetadata("on empty"));
        ValueWithMetadata<byte[]> got = ns.getWithMetadata("k", ValueType.BYTES);
        assertThat(got.value()).isEmpty();
        assertThat(got.metadata().asString()).isEqualTo("on empty");
    }

    @Test
    void metadataSurvivesReopen() {
        ns.put("k", "v", PutOptions.none().withMetadata(new Owner("ada", 3)));
        reopen();
        assertThat(ns.getWithMetadata("k").metadata()).isEqualTo(JSON.readTree("{\"name\":\"ada\",\"version\":3}"));
    }

    @Test
    void rejectedMetadataLeavesOldValueAndMetadata() {
        ns.put("k", "old", PutOptions.none().withMetadata("old-meta"));
        Object statsBefore = db.stats();
        assertThatThrownBy(() -> ns.put("k", "new", PutOptions.none().withMetadata(asciiOfLength(2000))))
                .isInstanceOf(IllegalArgumentException.class);
        ValueWithMetadata<String> got = ns.getWithMetadata("k");
        assertThat(got.value()).isEqualTo("old");
        assertThat(got.metadata().asString()).isEqualTo("old-meta");
        assertThat(db.stats()).isEqualTo(statsBefore);
    }
}
