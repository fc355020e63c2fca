package dev.basalt.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.processor.BatchingStateRestoreCallback;
import org.apache.kafka.streams.query.KeyQuery;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.RangeQuery;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bare Basalt store: what Kafka's suite does not cover. Binary keys in unsigned order,
 * bounds longer than any key, prefix scans, batched restore, and bad input, each a clear
 * exception with nothing written.
 */
class BasaltKeyValueStoreTest {
    @TempDir
    Path stateDir;
    StoreFixture context;
    BasaltKeyValueStore store;

    @BeforeEach
    void open() {
        context = new StoreFixture(stateDir.toFile());
        store = context.open("orders");
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void keysAreOrderedAsUnsignedBytesInBothDirections() {
        for (int b : new int[] {0xFF, 0x00, 0x80, 0x7F, 0x01}) {
            store.put(key(b), new byte[] {(byte) b});
        }
        assertThat(firstBytes(store.all())).containsExactly(0x00, 0x01, 0x7F, 0x80, 0xFF);
        assertThat(firstBytes(store.reverseAll())).containsExactly(0xFF, 0x80, 0x7F, 0x01, 0x00);
        assertThat(firstBytes(store.range(key(0x01), key(0x80)))).containsExactly(0x01, 0x7F, 0x80);
        assertThat(firstBytes(store.reverseRange(key(0x01), key(0x80)))).containsExactly(0x80, 0x7F, 0x01);
        assertThat(firstBytes(store.range(key(0x02), null))).containsExactly(0x7F, 0x80, 0xFF);
    }

    @Test
    void boundsLongerThanAnyKeyStillSelectTheRightKeys() {
        byte[] k512 = new byte[512];
        java.util.Arrays.fill(k512, (byte) 5);
        store.put(Bytes.wrap(k512), new byte[] {1});
        byte[] longer = java.util.Arrays.copyOf(k512, 600);
        assertThat(count(store.range(Bytes.wrap(longer), null))).isZero(); // k512 < longer
        assertThat(count(store.range(null, Bytes.wrap(longer)))).isEqualTo(1);
        assertThat(count(store.reverseRange(null, Bytes.wrap(longer)))).isEqualTo(1);
    }

    @Test
    void prefixScanReturnsExactlyTheKeysWithThePrefix() {
        for (String k : List.of("a", "ab", "abc", "abd", "b", "ab\u00FF")) {
            store.put(Bytes.wrap(k.getBytes(java.nio.charset.StandardCharsets.UTF_8)), new byte[0]);
        }
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = store.prefixScan("ab", new StringSerializer())) {
            it.forEachRemaining(kv -> keys.add(new String(kv.key.get(), java.nio.charset.StandardCharsets.UTF_8)));
        }
        assertThat(keys).containsExactly("ab", "abc", "abd", "ab\u00FF");
    }

    @Test
    void restoreAppliesChangelogBatchesIncludingDeletes() {
        BatchingStateRestoreCallback restore = (BatchingStateRestoreCallback) context.restoreCallback;
        restore.restoreAll(List.of(KeyValue.pair(new byte[] {1}, new byte[] {10}),
                KeyValue.pair(new byte[] {2}, new byte[] {20})));
        restore.restoreAll(List.of(KeyValue.pair(new byte[] {1}, null)));
        assertThat(store.get(key(1))).isNull();
        assertThat(store.get(key(2))).containsExactly(20);
        assertThat(store.approximateNumEntries()).isEqualTo(1);
    }

    @Test
    void interactiveQueriesV2AnswerKeyAndRangeQueries() {
        store.put(key(1), new byte[] {10});
        store.put(key(2), new byte[] {20});
        QueryResult<byte[]> one = store.query(KeyQuery.withKey(key(2)), PositionBound.unbounded(),
                new QueryConfig(false));
        assertThat(one.isSuccess()).isTrue();
        assertThat(one.getResult()).containsExactly(20);
        QueryResult<KeyValueIterator<Bytes, byte[]>> range = store.query(RangeQuery.withRange(key(1), key(2)),
                PositionBound.unbounded(), new QueryConfig(false));
        assertThat(range.isSuccess()).isTrue();
        assertThat(firstBytes(range.getResult())).containsExactly(1, 2);
    }

    @Test
    void restoreSkipsTombstonesOfOversizedKeysAndRefusesTheirPuts() {
        BatchingStateRestoreCallback restore = (BatchingStateRestoreCallback) context.restoreCallback;
        restore.restoreAll(List.of(KeyValue.pair(new byte[600], null), KeyValue.pair(new byte[] {1}, new byte[] {1})));
        assertThat(store.get(key(1))).containsExactly(1);
        assertThatThrownBy(() -> restore.restoreAll(List.of(KeyValue.pair(new byte[600], new byte[] {1}))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContainingAll("orders", "600 bytes");
    }

    @Test
    void dataSurvivesCloseAndReopenOfTheStore() {
        store.put(key(1), new byte[] {1});
        store.close();
        store = context.open("orders");
        assertThat(store.get(key(1))).containsExactly(1);
    }

    @Test
    void nullKeysAreNullPointerExceptionsAndNullValuesDelete() {
        assertThatThrownBy(() -> store.put(null, new byte[0])).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> store.get(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> store.delete(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> store.putIfAbsent(null, new byte[0])).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> store.putAll(List.of(KeyValue.pair(key(1), new byte[0]), KeyValue.pair(null, new byte[0]))))
                .isInstanceOf(NullPointerException.class);
        assertThat(store.approximateNumEntries()).isZero(); // the good key before the null one was not written
        store.put(key(1), new byte[] {1});
        store.put(key(1), null);
        assertThat(store.get(key(1))).isNull();
    }

    @Test
    void anOversizedKeyIsRefusedNamingTheStoreTheLengthAndTheLimit() {
        Bytes big = Bytes.wrap(new byte[513]);
        assertThatThrownBy(() -> store.put(big, new byte[] {1}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContainingAll("orders", "513 bytes", "1..512");
        assertThatThrownBy(() -> store.putAll(List.of(KeyValue.pair(key(1), new byte[0]), KeyValue.pair(big, new byte[0]))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("orders");
        assertThat(store.approximateNumEntries()).isZero();
        assertThat(store.get(big)).isNull();
    }

    @Test
    void anIteratorUsedAfterItsCloseOrTheStoresCloseThrowsInvalidStateStoreException() {
        store.put(key(1), new byte[] {1});
        KeyValueIterator<Bytes, byte[]> closedByCaller = store.all();
        closedByCaller.close();
        assertThatThrownBy(closedByCaller::hasNext).isInstanceOf(InvalidStateStoreException.class)
                .hasMessageContaining("orders");
        KeyValueIterator<Bytes, byte[]> openAtStoreClose = store.all();
        store.close();
        assertThatThrownBy(openAtStoreClose::next).isInstanceOf(InvalidStateStoreException.class);
        assertThatThrownBy(() -> store.get(key(1))).isInstanceOf(InvalidStateStoreException.class);
        store = context.open("orders"); // for the @AfterEach
    }

    private static Bytes key(int b) {
        return Bytes.wrap(new byte[] {(byte) b});
    }

    private static List<Integer> firstBytes(KeyValueIterator<Bytes, byte[]> it) {
        List<Integer> out = new ArrayList<>();
        try (it) {
            it.forEachRemaining(kv -> out.add(kv.key.get()[0] & 0xFF));
        }
        return out;
    }

    private static int count(KeyValueIterator<Bytes, byte[]> it) {
        return firstBytes(it).size();
    }
}
