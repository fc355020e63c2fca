package dev.basalt.benchmarks.stores;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.Basalt;
import dev.basalt.BasaltOptions;
import dev.basalt.Durability;
import dev.basalt.KeyInfo;
import dev.basalt.ListOptions;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every adapter of the peer benchmarks opens, stores, reads, lists and reopens correctly on a
 * few hundred keys, so a benchmark run never measures a broken adapter (a fast read of the
 * wrong bytes, a list page out of order).
 */
class StoreAdaptersTest {
    static final int KEY_COUNT = 300;
    static final int VALUE_BYTES = 100;
    /** Keys 100..199 share this prefix: a page of exactly 100 keys. */
    static final String PREFIX = "user:000000001";

    @TempDir
    Path dir;

    static List<String> stores() {
        return Stores.NAMES;
    }

    static List<String> memoryOnlyStores() {
        return List.of(Stores.CHM, Stores.SKIPLIST);
    }

    static List<String> syncedStores() {
        return List.of(Stores.BASALT, Stores.ROCKSDB, Stores.LMDB, Stores.MAPDB, Stores.XODUS);
    }

    static String key(int index) {
        return String.format("user:%011d", index);
    }

    /** ASCII, so the text read is meaningful too; the index is in the first digits. */
    static byte[] value(int index, int length) {
        byte[] value = new byte[length];
        byte[] digits = String.format("%011d", index).getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < length; i++) {
            value[i] = i < digits.length ? digits[i] : (byte) ('a' + (index + i) % 26);
        }
        return value;
    }

    static StoreSettings settings(Durability durability) {
        return new StoreSettings(durability, KEY_COUNT, VALUE_BYTES, false);
    }

    /** Loads keys 0..KEY_COUNT-1 in a scrambled order, as the benchmarks do. */
    static void load(KvStore store) {
        store.load(new KvStore.LoadSource() {
            @Override
            public int count() {
                return KEY_COUNT;
            }

            @Override
            public String key(int i) {
                return StoreAdaptersTest.key(i * 7 % KEY_COUNT);
            }

            @Override
            public byte[] value(int i) {
                return StoreAdaptersTest.value(i * 7 % KEY_COUNT, VALUE_BYTES);
            }
        });
    }

    /**
     * One open per store for everything but sync (opening is what costs in this test): load,
     * read, get, list, a TTL'd put (Basalt expires it later, the others keep it), then for
     * persistent stores a clean close and a reopen that still holds the data.
     */
    @ParameterizedTest
    @MethodSource("stores")
    void roundTripsPutsReadsListsAndReopens(String name) {
        try (KvStore store = Stores.create(name)) {
            store.open(dir, new StoreSettings(Durability.PERIODIC, KEY_COUNT, VALUE_BYTES, true));
            load(store);
            store.put(key(5), value(5_000, 40));
            store.putWithTtl(key(KEY_COUNT + 1), value(1, VALUE_BYTES), 3_600);

            assertThat(store.name()).isEqualTo(name);
            checkReads(store);
            assertThat(store.getBytes(key(5))).isEqualTo(value(5_000, 40));
            assertThat(store.getBytes(key(KEY_COUNT + 1))).isEqualTo(value(1, VALUE_BYTES));
            if (store.ordered()) {
                checkList(store);
            } else {
                assertThatThrownBy(() -> store.listPage(PREFIX, 10)).isInstanceOf(UnsupportedOperationException.class);
            }
            assertThat(store.persistent()).isEqualTo(Stores.PERSISTENT.contains(name));
        }
        if (!Stores.PERSISTENT.contains(name)) {
            return;
        }
        try (KvStore reopened = Stores.create(name)) {
            reopened.open(dir, settings(Durability.PERIODIC));
            assertThat(reopened.getBytes(key(123))).isEqualTo(value(123, VALUE_BYTES));
            assertThat(reopened.getBytes(key(5))).isEqualTo(value(5_000, 40));
        }
    }

    @ParameterizedTest
    @MethodSource("syncedStores")
    void syncedPutsAreCountedAndReadable(String name) {
        try (KvStore store = Stores.create(name)) {
            store.open(dir, settings(Durability.SYNC_EACH_WRITE));
            long syncsBefore = store.syncCount();
            for (int i = 0; i < 5; i++) {
                store.put(key(i), value(i, VALUE_BYTES));
            }
            assertThat(store.getBytes(key(4))).isEqualTo(value(4, VALUE_BYTES));
            assertThat(store.syncCount() - syncsBefore).isGreaterThanOrEqualTo(5);
        }
    }

    @ParameterizedTest
    @MethodSource("memoryOnlyStores")
    void inMemoryStoresRefuseNothingButHaveNoSyncedMode(String name) {
        try (KvStore store = Stores.create(name)) {
            store.open(dir, settings(Durability.PERIODIC));
            assertThat(store.persistent()).isFalse();
            assertThat(store.syncCount()).isEqualTo(KvStore.SYNCS_UNKNOWN);
        }
    }

    @Test
    void chronicleMapRefusesASyncedModeItCannotHonour() {
        try (KvStore store = Stores.create(Stores.CHRONICLE_MAP)) {
            assertThatThrownBy(() -> store.open(dir, settings(Durability.SYNC_EACH_WRITE)))
                    .isInstanceOf(UnsupportedOperationException.class)
                    .hasMessageContaining("PERIODIC");
        }
    }

    /** The metadata store loads every key with its metadata, and lists and reads as Basalt does. */
    @Test
    void basaltWithMetadataGivesEveryLoadedKeyTheLoadMetadata() {
        try (KvStore store = Stores.create(Stores.BASALT_WITH_METADATA)) {
            store.open(dir, settings(Durability.PERIODIC));
            load(store);
            assertThat(store.name()).isEqualTo(Stores.BASALT_WITH_METADATA);
            checkReads(store);
            assertThat(store.listPage(PREFIX, 1000)).hasSize(100);
        }
        try (Basalt db = Basalt.open(dir, BasaltOptions.defaults())) {
            List<KeyInfo> page = db.namespace(BasaltStore.NAMESPACE).list(ListOptions.prefix(PREFIX)).keys();
            assertThat(page).hasSize(100).allSatisfy(info -> {
                assertThat(info.metadata()).as("metadata of %s", info.name()).isNotNull();
                assertThat(info.metadata().get("contentType").asString()).isEqualTo("text/plain");
                assertThat(info.metadata().get("version").asInt()).isEqualTo(3);
            });
        }
    }

    /**
     * The stores that force one write path load, read and list as Basalt does, and their data
     * reopens with the other path.
     */
    @ParameterizedTest
    @ValueSource(strings = {Stores.BASALT_MAPPED, Stores.BASALT_SYSCALL})
    void basaltOnEitherWritePathStoresWhatBasaltStores(String name) {
        try (KvStore store = Stores.create(name)) {
            store.open(dir, settings(Durability.PERIODIC));
            load(store);
            assertThat(store.name()).isEqualTo(name);
            checkReads(store);
            assertThat(store.listPage(PREFIX, 1000)).hasSize(100);
        }
        boolean otherPath = name.equals(Stores.BASALT_SYSCALL);
        try (Basalt db = Basalt.open(dir, BasaltOptions.defaults().withMappedAppends(otherPath))) {
            assertThat(db.namespace(BasaltStore.NAMESPACE).list(ListOptions.prefix(PREFIX)).keys()).hasSize(100);
        }
    }

    /** Reads through a key window inside a larger direct buffer, as the read benchmark does. */
    private static void checkReads(KvStore store) {
        ByteBuffer allKeys = ByteBuffer.allocateDirect(16 * KEY_COUNT);
        for (int i = 0; i < KEY_COUNT; i++) {
            allKeys.put(key(i).getBytes(StandardCharsets.US_ASCII));
        }
        ByteBuffer dst = ByteBuffer.allocateDirect(VALUE_BYTES * 2);
        byte[] actual = new byte[VALUE_BYTES];
        for (int i = 6; i < KEY_COUNT; i += 37) {
            ByteBuffer key = allKeys.duplicate().limit(i * 16 + 16).position(i * 16);
            dst.clear().position(3);

            assertThat(store.readInto(key, dst)).as("read of %s", key(i)).isEqualTo(VALUE_BYTES);
            assertThat(key.position()).isEqualTo(i * 16);
            assertThat(key.limit()).isEqualTo(i * 16 + 16);
            assertThat(dst.position()).isEqualTo(3 + VALUE_BYTES);
            dst.flip().position(3);
            dst.get(actual);
            assertThat(actual).isEqualTo(value(i, VALUE_BYTES));
            assertThat(store.getBytes(key(i))).isEqualTo(value(i, VALUE_BYTES));
            assertThat(store.getText(key(i))).isEqualTo(new String(value(i, VALUE_BYTES), StandardCharsets.US_ASCII));
        }
        ByteBuffer absent = ByteBuffer.wrap(key(KEY_COUNT).getBytes(StandardCharsets.US_ASCII));
        ByteBuffer directAbsent = ByteBuffer.allocateDirect(16).put(absent).flip();
        assertThat(store.readInto(directAbsent, dst.clear())).isEqualTo(KvStore.ABSENT);
        assertThat(store.getBytes(key(KEY_COUNT))).isNull();
    }

    private static void checkList(KvStore store) {
        List<String> expected = new ArrayList<>();
        for (int i = 100; i < 200; i++) {
            expected.add(key(i));
        }
        assertThat(store.listPage(PREFIX, 1000)).containsExactlyElementsOf(expected);
        assertThat(store.listPage(PREFIX, 10)).containsExactlyElementsOf(expected.subList(0, 10));
        assertThat(store.listPage("user:1", 1000)).isEmpty();
        // Every loaded key plus the one put with a TTL.
        assertThat(store.listPage("user:", 1000)).hasSize(KEY_COUNT + 1).isSorted();
    }
}
