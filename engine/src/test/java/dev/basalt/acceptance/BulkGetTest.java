package dev.basalt.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.PutOptions;
import dev.basalt.ValueType;
import dev.basalt.ValueWithMetadata;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** API.md bulk get: 1..100 distinct keys, order kept, duplicates collapse, absent maps to null. */
class BulkGetTest extends AcceptanceTestBase {
    /** A user type for {@code ValueType.json(Class)}. */
    record Point(int x, int y) {
    }

    @Test
    void mapKeepsTheRequestedOrder() {
        ns.put("a", "1");
        ns.put("b", "2");
        ns.put("c", "3");
        Map<String, String> got = ns.get(List.of("c", "a", "b"));
        assertThat(got.keySet()).containsExactly("c", "a", "b");
        assertThat(got.values()).containsExactly("3", "1", "2");
    }

    @Test
    void orderIsKeptForManyKeysNotSortedOrHashed() {
        List<String> keys = new ArrayList<>();
        for (int i = 99; i >= 0; i--) {
            keys.add("key-" + (i * 37 % 100));
        }
        for (String key : keys) {
            ns.put(key, "v-" + key);
        }
        Map<String, String> got = ns.get(keys);
        assertThat(got.keySet()).containsExactlyElementsOf(keys);
    }

    @Test
    void absentKeysMapToNull() {
        ns.put("present", "p");
        Map<String, String> got = ns.get(List.of("absent-1", "present", "absent-2"));
        assertThat(got).hasSize(3).containsKeys("absent-1", "absent-2").containsEntry("present", "p");
        assertThat(got.get("absent-1")).isNull();
        assertThat(got.keySet()).containsExactly("absent-1", "present", "absent-2");
    }

    @Test
    void duplicatesCollapseKeepingFirstPosition() {
        ns.put("a", "1");
        ns.put("b", "2");
        Map<String, String> got = ns.get(List.of("b", "a", "b", "a", "b"));
        assertThat(got.keySet()).containsExactly("b", "a");
    }

    @Test
    void hundredDistinctKeysAreAccepted() {
        Map<String, String> got = ns.get(distinctKeys(100));
        assertThat(got).hasSize(100);
    }

    @Test
    void hundredAndOneDistinctKeysAreRejectedNamingBothFigures() {
        assertThatThrownBy(() -> ns.get(distinctKeys(101)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("101")
                .hasMessageContaining("100");
        assertThatThrownBy(() -> ns.get(distinctKeys(101), ValueType.BYTES))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ns.getWithMetadata(distinctKeys(101), ValueType.TEXT))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void hundredDistinctKeysWithDuplicatesAreAccepted() {
        List<String> keys = new ArrayList<>(distinctKeys(100));
        keys.addAll(distinctKeys(50));
        assertThat(keys).hasSize(150);
        assertThat(ns.get(keys)).hasSize(100);
        assertThat(ns.getWithMetadata(keys, ValueType.BYTES)).hasSize(100);
    }

    @Test
    void emptyKeyCollectionIsRejected() {
        assertThatThrownBy(() -> ns.get(List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void streamTypeIsRejected() {
        ns.put("a", "1");
        assertThatThrownBy(() -> ns.get(List.of("a"), ValueType.STREAM))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ns.getWithMetadata(List.of("a"), ValueType.STREAM))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void invalidKeyAmongValidOnesIsRejected() {
        assertThatThrownBy(() -> ns.get(List.of("fine", "..")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ns.get(List.of("fine", "x".repeat(513))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("513");
    }

    @Test
    void bulkTakesTextJsonJsonClassAndBytes() {
        ns.put("p", "{\"x\":1,\"y\":2}");
        ns.put("q", "{\"x\":3,\"y\":4}");
        List<String> keys = List.of("p", "q", "none");

        Map<String, String> text = ns.get(keys, ValueType.TEXT);
        assertThat(text).containsEntry("p", "{\"x\":1,\"y\":2}");

        Map<String, JsonNode> json = ns.get(keys, ValueType.JSON);
        assertThat(json.get("q").get("y").asInt()).isEqualTo(4);
        assertThat(json.get("none")).isNull();

        Map<String, Point> points = ns.get(keys, ValueType.json(Point.class));
        assertThat(points).containsEntry("p", new Point(1, 2)).containsEntry("q", new Point(3, 4));
        assertThat(points.keySet()).containsExactly("p", "q", "none");

        Map<String, byte[]> bytes = ns.get(keys, ValueType.BYTES);
        assertThat(bytes.get("p")).isEqualTo(utf8("{\"x\":1,\"y\":2}"));
    }

    @Test
    void bulkSeesEmptyValueAsEmptyNotNull() {
        ns.put("empty", "");
        Map<String, String> got = ns.get(List.of("empty"));
        assertThat(got.get("empty")).isEqualTo("");
    }

    @Test
    void bulkGetWithMetadataReturnsValuesAndMetadata() {
        ns.put("a", "1", PutOptions.none().withMetadata("meta-a"));
        ns.put("b", "2");
        Map<String, ValueWithMetadata<String>> got =
                ns.getWithMetadata(List.of("b", "a", "none"), ValueType.TEXT);
        assertThat(got.keySet()).containsExactly("b", "a", "none");
        assertThat(got.get("a").value()).isEqualTo("1");
        assertThat(got.get("a").metadata().asString()).isEqualTo("meta-a");
        assertThat(got.get("b").value()).isEqualTo("2");
        assertThat(got.get("b").metadata()).isNull();
        assertThat(got.get("none")).as("absent key in bulk getWithMetadata maps to null (issue #17)").isNull();
    }

    @Test
    void returnedBulkArraysAreCopies() {
        ns.put("a", utf8("original"));
        byte[] first = ns.get(List.of("a"), ValueType.BYTES).get("a");
        first[0] = 'X';
        assertThat(ns.get(List.of("a"), ValueType.BYTES).get("a")).isEqualTo(utf8("original"));
        assertThat(ns.get("a", ValueType.BYTES)).isEqualTo(utf8("original"));
    }

    @Test
    void bulkIsScopedToItsNamespace() {
        ns.put("a", "here");
        Map<String, String> elsewhere = db.namespace("ELSEWHERE").get(List.of("a"));
        assertThat(elsewhere).containsKey("a");
        assertThat(elsewhere.get("a")).isNull();
    }

    private static List<String> distinctKeys(int count) {
        List<String> keys = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            keys.add("k" + i);
        }
        return keys;
    }
}
