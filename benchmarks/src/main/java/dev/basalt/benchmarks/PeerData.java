package dev.basalt.benchmarks;

import dev.basalt.Durability;
import dev.basalt.benchmarks.stores.KvStore;
import dev.basalt.benchmarks.stores.StoreSettings;
import dev.basalt.benchmarks.stores.Stores;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The data set of the peer benchmarks and a loaded store in a temporary directory.
 *
 * <p>Key {@code i} is {@link BenchmarkKeys#keyString(long)} ({@code "user:00000001234"});
 * its value is {@code valueBytes} of ASCII that start with {@code i}'s eleven digits, so a
 * read can be checked and {@code get} as text decodes real text. Keys are loaded in a seeded
 * random order ({@link #LOAD_ORDER_SEED}), the same for every store.
 *
 * <p>An instance is set up and torn down by one JMH thread; between the two, measured threads
 * only call the store (which is thread-safe) and read {@link #keys}.
 */
final class PeerData {
    static final long LOAD_ORDER_SEED = 0x5EED_0001L;
    static final long ACCESS_ORDER_SEED = 0x5EED_1000L;
    /** Keys checked after loading, spread over the key space, before anything is measured. */
    static final int KEYS_VERIFIED = 1_000;

    final String storeName;
    final int keyCount;
    final int valueBytes;
    final Path dir;
    final KvStore store;
    /** Every key as a String, index = key number; shared, read-only. */
    final String[] keys;

    private PeerData(String storeName, int keyCount, int valueBytes, Path dir, KvStore store) {
        this.storeName = storeName;
        this.keyCount = keyCount;
        this.valueBytes = valueBytes;
        this.dir = dir;
        this.store = store;
        this.keys = new String[keyCount];
        for (int i = 0; i < keyCount; i++) {
            keys[i] = BenchmarkKeys.keyString(i);
        }
    }

    /** Opens {@code storeName} in a new temporary directory and loads {@code keyCount} keys into it. */
    static PeerData load(String storeName, int keyCount, int valueBytes, StoreSettings settings) {
        PeerData data = prepare(storeName, keyCount, valueBytes);
        data.openAndLoad(settings);
        return data;
    }

    /** The key strings, a new temporary directory and an unopened adapter: nothing loaded yet. */
    static PeerData prepare(String storeName, int keyCount, int valueBytes) {
        Path dir = TempDirectories.create("basalt-peer-" + storeName + "-");
        return new PeerData(storeName, keyCount, valueBytes, dir, Stores.create(storeName));
    }

    /** Opens the store in its directory, loads every key in random order and verifies a sample. */
    void openAndLoad(StoreSettings settings) {
        try {
            store.open(dir, settings);
            store.load(loadSource(LOAD_ORDER_SEED));
            verify();
        } catch (RuntimeException | Error e) {
            // JMH skips @TearDown when @Setup fails; without this the directory would stay behind.
            close();
            throw e;
        }
    }

    static StoreSettings settings(Durability durability, int keyCount, int valueBytes, boolean backgroundWork) {
        return new StoreSettings(durability, keyCount, valueBytes, backgroundWork);
    }

    /** The value of key {@code index}: its eleven digits, then letters. */
    static byte[] valueOf(int index, int valueBytes) {
        byte[] value = new byte[valueBytes];
        ByteBuffer digits = ByteBuffer.allocate(BenchmarkKeys.KEY_LENGTH_BYTES);
        BenchmarkKeys.writeKey(index, digits);
        int digitsStart = BenchmarkKeys.KEY_PREFIX.length();
        for (int i = 0; i < valueBytes; i++) {
            value[i] = i < BenchmarkKeys.DIGIT_COUNT
                    ? digits.get(digitsStart + i)
                    : (byte) ('a' + (index + i) % 26);
        }
        return value;
    }

    /** The entries in the seeded random order of {@code seed}. */
    KvStore.LoadSource loadSource(long seed) {
        int[] order = BenchmarkKeys.permutation(keyCount, seed);
        return new KvStore.LoadSource() {
            @Override
            public int count() {
                return keyCount;
            }

            @Override
            public String key(int i) {
                return keys[order[i]];
            }

            @Override
            public byte[] value(int i) {
                return valueOf(order[i], valueBytes);
            }
        };
    }

    /** Fails the trial before measuring if reads do not return what was loaded. */
    void verify() {
        verify(store);
    }

    /** Fails if {@code target} (this store, or a reopened copy of it) does not hold the loaded data. */
    void verify(KvStore target) {
        ByteBuffer key = ByteBuffer.allocateDirect(BenchmarkKeys.KEY_LENGTH_BYTES);
        ByteBuffer dst = ByteBuffer.allocateDirect(Math.max(1, valueBytes));
        byte[] actual = new byte[valueBytes];
        int step = Math.max(1, keyCount / KEYS_VERIFIED);
        for (int index = 0; index < keyCount; index += step) {
            key.clear();
            BenchmarkKeys.writeKey(index, key);
            key.flip();
            dst.clear();
            int length = target.readInto(key, dst);
            if (length != valueBytes) {
                throw new IllegalStateException(storeName + ": read of key " + keys[index]
                        + " returned " + length + "; expected " + valueBytes);
            }
            dst.flip().get(actual);
            if (!Arrays.equals(actual, valueOf(index, valueBytes))) {
                throw new IllegalStateException(storeName + ": read of key " + keys[index]
                        + " returned bytes that were not loaded under it");
            }
        }
        ByteBuffer absent = ByteBuffer.allocateDirect(BenchmarkKeys.KEY_LENGTH_BYTES);
        absent.put(BenchmarkKeys.keyString(keyCount).getBytes(StandardCharsets.US_ASCII)).flip();
        int absentLength = target.readInto(absent, dst.clear());
        if (absentLength != KvStore.ABSENT) {
            throw new IllegalStateException(storeName + ": read of an absent key returned " + absentLength);
        }
    }

    /** Closes the store and deletes its directory. */
    void close() {
        try {
            store.close();
        } finally {
            TempDirectories.deleteRecursively(dir);
        }
    }
}
