package dev.basalt.benchmarks;

import dev.basalt.Basalt;
import dev.basalt.BasaltOptions;
import dev.basalt.Durability;
import dev.basalt.KvNamespace;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * The hot path: {@link KvNamespace#read(ByteBuffer, ByteBuffer)} of a random existing key,
 * against a {@link ConcurrentHashMap} on the Java heap holding the same data, in one run so
 * the ratio of the two scores is taken on the same machine at the same time.
 *
 * <p>Data: {@code keyCount} keys (default 1,000,000) {@code "user:00000001234"} of 16 bytes,
 * each with a 100-byte value, loaded in a seeded random order. Every invocation reads the next
 * key of a per-thread random permutation. The key bytes already sit in one direct buffer that
 * holds all keys; a measured method only moves that buffer's position and limit, so anything
 * {@code -prof gc} reports as {@code gc.alloc.rate.norm} is the read's own allocation.
 *
 * <p>Threads come from the command line ({@code -t 1}, {@code -t 2}); the fork's JVM flags
 * come from {@link Fork} below, so {@code java -jar benchmarks.jar ReadBenchmark} needs no
 * {@code -jvmArgs}. See {@code docs/benchmarks.md}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 1, timeUnit = TimeUnit.SECONDS)
@Fork(value = 3, jvmArgsAppend = {
        JvmFlags.EXPORT_JDK_INTERNAL_MISC,
        JvmFlags.EXPORT_JDK_INTERNAL_REF,
        JvmFlags.OPEN_JAVA_LANG_REFLECT,
        JvmFlags.OPEN_SUN_NIO_CH,
        JvmFlags.OPEN_JAVA_UTIL_ZIP,
        JvmFlags.BENCHMARK_HEAP})
public class ReadBenchmark {
    static final int VALUE_LENGTH_BYTES = 100;
    static final String NAMESPACE = "BENCH";

    /** Seed of the load order; reader permutations use their own seeds. */
    static final long LOAD_ORDER_SEED = 0x5EED_0001L;
    static final long READ_ORDER_SEED = 0x5EED_1000L;

    /** Keys checked after loading, spread over the key space, before anything is measured. */
    static final int KEYS_VERIFIED = 1_000;

    /** Returned by the baseline for an absent key, as {@code read} does. */
    static final int ABSENT = -1;

    /** Reads from the engine: the key bytes at the key buffer's position..limit, the value into dst. */
    @Benchmark
    public int basaltRead(EngineState engine, Reader reader) {
        ByteBuffer key = reader.nextKey();
        ByteBuffer dst = reader.dst;
        dst.clear();
        return engine.namespace.read(key, dst);
    }

    /** The same read from a {@link ConcurrentHashMap} on the heap, copying the value into dst. */
    @Benchmark
    public int concurrentHashMapRead(HeapMapState heapMap, Reader reader) {
        ByteBuffer key = reader.nextKey();
        ByteBuffer dst = reader.dst;
        dst.clear();
        byte[] value = heapMap.map.get(key);
        if (value == null) {
            return ABSENT;
        }
        dst.put(value);
        return value.length;
    }

    /** The value stored under key {@code index}: its index, then a pattern, so a read can be checked. */
    static byte[] valueOf(int index) {
        byte[] value = new byte[VALUE_LENGTH_BYTES];
        ByteBuffer.wrap(value).putInt(index);
        for (int i = Integer.BYTES; i < value.length; i++) {
            value[i] = (byte) (index * 31 + i);
        }
        return value;
    }

    /**
     * The key set, shared by all threads: one direct buffer with every key back to back.
     * Written once in setup, then only read (each reader works on its own duplicate).
     */
    @State(Scope.Benchmark)
    public static class Keys {
        /** Number of keys loaded; lower it (e.g. {@code -p keyCount=10000}) only for smoke runs. */
        @Param("1000000")
        public int keyCount;

        ByteBuffer allKeys;

        @Setup(Level.Trial)
        public void setUp() {
            allKeys = BenchmarkKeys.allKeysDirect(keyCount);
        }

        /** A read-only view of key {@code index}, for setup code. */
        ByteBuffer key(int index) {
            int offset = index * BenchmarkKeys.KEY_LENGTH_BYTES;
            return allKeys.duplicate().limit(offset + BenchmarkKeys.KEY_LENGTH_BYTES).position(offset);
        }
    }

    /**
     * An engine in a temporary directory, opened with {@link Durability#PERIODIC} and loaded
     * once per trial. Setup and teardown run on one JMH thread; measured threads only read.
     */
    @State(Scope.Benchmark)
    public static class EngineState {
        Path dir;
        Basalt db;
        KvNamespace namespace;

        @Setup(Level.Trial)
        public void setUp(Keys keys) {
            dir = TempDirectories.create("basalt-read-bench-");
            try {
                db = Basalt.open(dir, BasaltOptions.defaults().withDurability(Durability.PERIODIC));
                namespace = db.namespace(NAMESPACE);
                for (int index : BenchmarkKeys.permutation(keys.keyCount, LOAD_ORDER_SEED)) {
                    namespace.put(BenchmarkKeys.keyString(index), valueOf(index));
                }
                // Flush the load now so that the periodic fsync's disk writes do not overlap warmup.
                db.sync();
                verify(keys);
            } catch (RuntimeException | Error e) {
                // JMH skips @TearDown when @Setup fails; without this the directory would stay behind.
                tearDown();
                throw e;
            }
        }

        /** Fails the trial before measuring if reads do not return what was loaded. */
        private void verify(Keys keys) {
            ByteBuffer dst = ByteBuffer.allocateDirect(VALUE_LENGTH_BYTES);
            byte[] actual = new byte[VALUE_LENGTH_BYTES];
            int step = Math.max(1, keys.keyCount / KEYS_VERIFIED);
            for (int index = 0; index < keys.keyCount; index += step) {
                dst.clear();
                int length = namespace.read(keys.key(index), dst);
                if (length != VALUE_LENGTH_BYTES) {
                    throw new IllegalStateException("read of key " + BenchmarkKeys.keyString(index)
                            + " returned " + length + "; expected " + VALUE_LENGTH_BYTES);
                }
                dst.flip().get(actual);
                if (!Arrays.equals(actual, valueOf(index))) {
                    throw new IllegalStateException("read of key " + BenchmarkKeys.keyString(index)
                            + " returned bytes that were not loaded under it");
                }
            }
            ByteBuffer absent = ByteBuffer.wrap(
                    BenchmarkKeys.keyString(keys.keyCount).getBytes(StandardCharsets.US_ASCII));
            int absentLength = namespace.read(absent, dst.clear());
            if (absentLength != ABSENT) {
                throw new IllegalStateException("read of an absent key returned " + absentLength);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            Basalt open = db;
            db = null;
            TempDirectories.closeAndDelete(open, dir);
        }
    }

    /**
     * The on-heap baseline: the same keys and values in a {@link ConcurrentHashMap}. Keys are
     * heap {@link ByteBuffer}s so a lookup takes the same input as {@code read} (key bytes in a
     * direct buffer, compared by content) and allocates nothing; a {@code String}-keyed map would
     * need a new {@code String} per lookup. Filled once in setup, then only read.
     */
    @State(Scope.Benchmark)
    public static class HeapMapState {
        ConcurrentHashMap<ByteBuffer, byte[]> map;

        @Setup(Level.Trial)
        public void setUp(Keys keys) {
            map = new ConcurrentHashMap<>(keys.keyCount * 2);
            for (int index : BenchmarkKeys.permutation(keys.keyCount, LOAD_ORDER_SEED)) {
                byte[] key = new byte[BenchmarkKeys.KEY_LENGTH_BYTES];
                keys.key(index).get(key);
                map.put(ByteBuffer.wrap(key), valueOf(index));
            }
        }
    }

    /**
     * One measured thread's buffers and position in its own random key order. Owned by that
     * thread alone; {@link #nextKey()} allocates nothing.
     */
    @State(Scope.Thread)
    public static class Reader {
        /** This thread's view of {@link Keys#allKeys}; its position and limit select one key. */
        ByteBuffer key;
        /** Destination of every read, direct like a network or file buffer would be. */
        ByteBuffer dst;
        /** Byte offsets of the keys in {@link #key}, in this thread's random order. */
        int[] keyOffsets;
        int cursor;

        @Setup(Level.Trial)
        public void setUp(Keys keys, ThreadParams threadParams) {
            key = keys.allKeys.duplicate();
            dst = ByteBuffer.allocateDirect(VALUE_LENGTH_BYTES);
            keyOffsets = BenchmarkKeys.permutation(
                    keys.keyCount, READ_ORDER_SEED + threadParams.getThreadIndex());
            for (int i = 0; i < keyOffsets.length; i++) {
                keyOffsets[i] *= BenchmarkKeys.KEY_LENGTH_BYTES;
            }
            cursor = 0;
        }

        /** The next key of this thread's order, as the key buffer's position..limit. */
        ByteBuffer nextKey() {
            int offset = keyOffsets[cursor];
            if (++cursor == keyOffsets.length) {
                cursor = 0;
            }
            // clear() first: it lifts the limit, so the new position is always within it.
            key.clear();
            key.position(offset);
            key.limit(offset + BenchmarkKeys.KEY_LENGTH_BYTES);
            return key;
        }
    }
}
