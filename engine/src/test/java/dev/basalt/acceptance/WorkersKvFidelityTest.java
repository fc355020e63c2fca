package dev.basalt.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.BasaltException;
import dev.basalt.GetOptions;
import dev.basalt.KeyInfo;
import dev.basalt.ListOptions;
import dev.basalt.PutOptions;
import dev.basalt.ValueType;
import dev.basalt.ValueWithMetadata;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue #17, Workers KV semantics: bulk getWithMetadata maps absent keys to null, JSON reads of
 * blank values throw in every path, {@code cacheTtl} is accepted and checked, and {@code listAll}
 * pages lazily.
 */
class WorkersKvFidelityTest extends AcceptanceTestBase {
    record Point(int x, int y) {
    }

    // ------------------------------------------------------------ bulk getWithMetadata

    @Test
    void bulkGetWithMetadataMapsAnAbsentKeyToNullButSingleKeyReturnsAPairOfNulls() {
        ns.put("here", "1", PutOptions.none().withMetadata(Map.of("m", 1)));
        Map<String, ValueWithMetadata<String>> bulk = ns.getWithMetadata(List.of("gone", "here"), ValueType.TEXT);

        assertThat(bulk.keySet()).containsExactly("gone", "here");
        assertThat(bulk).containsEntry("gone", null);
        assertThat(bulk.get("here").value()).isEqualTo("1");
        assertThat(bulk.get("here").metadata().get("m").asInt()).isEqualTo(1);
        assertThat(ns.getWithMetadata("gone")).isEqualTo(ValueWithMetadata.absent());
        assertThat(ns.getWithMetadata("gone", ValueType.JSON)).isEqualTo(new ValueWithMetadata<>(null, null));
    }

    @Test
    void bulkGetWithMetadataMapsADeletedKeyToNullForEveryBulkType() {
        ns.put("k", "{}");
        ns.delete("k");
        for (ValueType<?> type : List.of(ValueType.TEXT, ValueType.JSON, ValueType.BYTES, ValueType.json(Point.class))) {
            assertThat(ns.getWithMetadata(List.of("k"), type)).as(type.toString()).containsEntry("k", null);
        }
    }

    // ------------------------------------------------------------ JSON of blank values

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\n", "\t \r\n  "})
    void aBlankValueReadAsJsonThrowsInEveryReadPath(String blank) {
        ns.put("blank", blank);
        List<Runnable> reads = List.of(
                () -> ns.get("blank", ValueType.JSON),
                () -> ns.get("blank", ValueType.json(Point.class)),
                () -> ns.get(List.of("blank"), ValueType.JSON),
                () -> ns.get(List.of("blank"), ValueType.json(Point.class)),
                () -> ns.getWithMetadata("blank", ValueType.JSON),
                () -> ns.getWithMetadata("blank", ValueType.json(Point.class)),
                () -> ns.getWithMetadata(List.of("blank"), ValueType.JSON),
                () -> ns.getWithMetadata(List.of("blank"), ValueType.json(Point.class)),
                () -> ns.get("blank", ValueType.JSON, GetOptions.cacheTtl(60)));
        for (int i = 0; i < reads.size(); i++) {
            assertThatThrownBy(reads.get(i)::run).as("read path %d of %s", i, List.of(blank))
                    .isInstanceOf(BasaltException.class)
                    .hasMessageContaining("\"blank\"")
                    .hasMessageContaining("not JSON");
        }
        assertThat(ns.get("blank")).as("the same value as text is fine").isEqualTo(blank);
    }

    @Test
    void jsonSurroundedByWhitespaceStillParses() {
        ns.put("p", " \n{\"x\":1,\"y\":2}\t ");
        assertThat(ns.get("p", ValueType.json(Point.class))).isEqualTo(new Point(1, 2));
        assertThat(ns.get("p", ValueType.JSON).get("y").asInt()).isEqualTo(2);
    }

    // ------------------------------------------------------------ cacheTtl

    @Test
    void cacheTtlBelowTheWorkersKvMinimumIsRejectedNamingTheFigure() {
        assertThatThrownBy(() -> GetOptions.cacheTtl(29))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cacheTtl is 29 seconds; the minimum is 30");
        assertThatThrownBy(() -> GetOptions.none().withCacheTtl(-5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-5");
        assertThat(GetOptions.cacheTtl(30).cacheTtlSeconds()).hasValue(30);
        assertThat(GetOptions.none().cacheTtlSeconds()).isEmpty();
        assertThat(GetOptions.cacheTtl(60)).isEqualTo(GetOptions.none().withCacheTtl(60));
    }

    @Test
    void readsWithCacheTtlSeeEveryCompletedWriteAtOnce() {
        GetOptions cached = GetOptions.cacheTtl(3600);
        ns.put("k", "{\"x\":1,\"y\":2}", PutOptions.none().withMetadata("m"));
        assertThat(ns.get("k", ValueType.json(Point.class), cached)).isEqualTo(new Point(1, 2));
        ns.put("k", "{\"x\":3,\"y\":4}");
        assertThat(ns.get("k", ValueType.json(Point.class), cached)).as("no edge cache: the new value").isEqualTo(new Point(3, 4));
        assertThat(ns.get(List.of("k", "none"), ValueType.TEXT, cached))
                .containsEntry("k", "{\"x\":3,\"y\":4}").containsEntry("none", null);
        assertThat(ns.getWithMetadata("k", ValueType.TEXT, cached).metadata()).isNull();
        assertThat(ns.getWithMetadata(List.of("k", "none"), ValueType.TEXT, cached)).containsEntry("none", null);
        ns.delete("k");
        assertThat(ns.get("k", ValueType.TEXT, cached)).isNull();
        assertThat(ns.getWithMetadata("k", ValueType.TEXT, cached)).isEqualTo(ValueWithMetadata.absent());
        assertThatThrownBy(() -> ns.get("k", ValueType.TEXT, null)).isInstanceOf(NullPointerException.class);
    }

    // ------------------------------------------------------------ listAll

    @Test
    void listAllWalksEveryPageInAscendingOrder() {
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 257; i++) {
            String key = String.format("user:%04d", i);
            ns.put(key, "v");
            expected.add(key);
        }
        ns.put("other", "v");
        try (Stream<KeyInfo> keys = ns.listAll(ListOptions.prefix("user:").withLimit(10))) {
            assertThat(keys.map(KeyInfo::name).collect(Collectors.toList())).isEqualTo(expected);
        }
        assertThat(ns.listAll("").count()).isEqualTo(258);
        assertThat(ns.listAll("none:").count()).isZero();
    }

    @Test
    void listAllIsLazyAndSafeToAbandonMidway() {
        for (int i = 0; i < 50; i++) {
            ns.put(String.format("k%03d", i), "v");
        }
        Stream<KeyInfo> stream = ns.listAll(ListOptions.all().withLimit(7));
        ns.put("k000a", "written before the first element is asked for");
        Iterator<KeyInfo> it = stream.iterator();
        assertThat(it.next().name()).isEqualTo("k000");
        assertThat(it.next().name()).as("the first page was read lazily, after this put").isEqualTo("k000a");
        stream.close();
        stream.close(); // closing twice is a no-op
        // Abandoned midway: nothing is held, so writes, compaction and close go on undisturbed.
        for (int i = 0; i < 50; i++) {
            ns.delete(String.format("k%03d", i));
        }
        db.compact();
        assertThat(ns.listAll("").map(KeyInfo::name).collect(Collectors.toList())).containsExactly("k000a");
        assertThat(ns.listAll(ListOptions.all().withLimit(3)).limit(1).count()).isEqualTo(1);
    }

    @Test
    void listAllStartsAtAGivenCursorAndRejectsAForeignOneAtOnce() {
        for (int i = 0; i < 20; i++) {
            ns.put(String.format("k%02d", i), "v");
        }
        String cursor = ns.list(ListOptions.all().withLimit(5)).cursor();
        assertThat(ns.listAll(ListOptions.all().withLimit(4).withCursor(cursor)).map(KeyInfo::name).findFirst())
                .hasValue("k05");
        assertThatThrownBy(() -> ns.listAll(ListOptions.prefix("x").withCursor(cursor)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void listAllUnderConcurrentWritesStaysAscendingWithoutDuplicatesAndKeepsUntouchedKeys() throws Exception {
        TreeSet<String> stable = new TreeSet<>();
        for (int i = 0; i < 400; i++) {
            String key = String.format("s%04d", i);
            ns.put(key, "v");
            stable.add(key);
        }
        AtomicBoolean done = new AtomicBoolean();
        ExecutorService writer = Executors.newSingleThreadExecutor();
        try {
            Future<Integer> writes = writer.submit(() -> {
                int n = 0;
                while (!done.get()) {
                    String key = String.format("s%04d.%d", n % 400, n);
                    ns.put(key, "churn");
                    if (n % 2 == 0) {
                        ns.delete(key);
                    }
                    n++;
                }
                return n;
            });
            for (int round = 0; round < 5; round++) {
                List<String> seen = ns.listAll(ListOptions.prefix("s").withLimit(13)).map(KeyInfo::name)
                        .collect(Collectors.toList());
                for (int i = 1; i < seen.size(); i++) {
                    assertThat(seen.get(i)).as("strictly ascending at %d", i).isGreaterThan(seen.get(i - 1));
                }
                assertThat(seen).containsAll(stable);
            }
            done.set(true);
            assertThat(writes.get()).isPositive();
        } finally {
            done.set(true);
            writer.shutdown();
        }
    }

    @Test
    void aStreamValueWithMetadataStillReads() throws Exception {
        ns.put("s", "streamed", PutOptions.none().withMetadata(Map.of("a", "b")));
        ValueWithMetadata<InputStream> got = ns.getWithMetadata("s", ValueType.STREAM, GetOptions.cacheTtl(30));
        try (InputStream in = got.value()) {
            assertThat(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("streamed");
        }
        assertThat(got.metadata().get("a").asString()).isEqualTo("b");
    }
}
