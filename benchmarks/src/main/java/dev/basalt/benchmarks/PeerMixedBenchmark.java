package dev.basalt.benchmarks;

import dev.basalt.Durability;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * A mixed load, 90 % reads and 10 % overwrites of random keys, measured per operation with
 * {@link Mode#SampleTime} so the JSON holds the latency distribution (p50, p99, p99.9, max)
 * and not only the mean. Background work runs as in production: Basalt with background
 * compaction on small segments (so segments seal and are compacted during the run) and one
 * write in {@value #TTL_WRITE_EVERY} carrying a TTL of 1 to {@value #MAX_TTL_SECONDS} seconds,
 * so the expiry agent purges keys while reads go on; each peer with its own background work
 * (RocksDB flushes and compactions, Xodus's log GC, MapDB and LMDB have none). Peers have no
 * expiry, so their TTL'd writes are plain puts.
 *
 * <p>One measured thread: on the 2-core machines the second core is left to the stores'
 * background threads, whose interference with the foreground is what this benchmark shows.
 * Durability is {@code PERIODIC} (peers without sync) by default.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 2, timeUnit = TimeUnit.SECONDS)
@Fork(value = 2, jvmArgsAppend = {
        JvmFlags.EXPORT_JDK_INTERNAL_MISC,
        JvmFlags.EXPORT_JDK_INTERNAL_REF,
        JvmFlags.OPEN_JAVA_LANG_REFLECT,
        JvmFlags.OPEN_SUN_NIO_CH,
        JvmFlags.OPEN_JAVA_UTIL_ZIP,
        JvmFlags.PEER_OPEN_JAVA_LANG,
        JvmFlags.PEER_OPEN_JAVA_NIO,
        JvmFlags.PEER_EXPORT_JAVAC_FILE,
        JvmFlags.PEER_OPEN_JAVAC,
        JvmFlags.PEER_HEAP})
@Threads(1)
public class PeerMixedBenchmark {
    /** Percent of operations that are writes. */
    static final int WRITE_PERCENT = 10;
    /** One write in this many carries a TTL (1 % of all operations). */
    static final int TTL_WRITE_EVERY = 10;
    static final int MAX_TTL_SECONDS = 10;
    static final long MIXED_SEED = 0x5EED_2000L;

    /** One operation: a read into a buffer, or (10 %) an overwrite of another key. */
    @Benchmark
    public int mixed(Loaded loaded, Client client) {
        int index = client.order.next();
        if (client.random.nextInt(100) < WRITE_PERCENT) {
            String key = loaded.data.keys[index];
            if (client.random.nextInt(TTL_WRITE_EVERY) == 0) {
                loaded.data.store.putWithTtl(key, client.value, 1 + client.random.nextInt(MAX_TTL_SECONDS));
            } else {
                loaded.data.store.put(key, client.value);
            }
            return 0;
        }
        return loaded.data.store.readInto(client.keyOf(index), client.dst.clear());
    }

    /** The store under test, loaded once per trial, with its background work on. */
    @State(Scope.Benchmark)
    public static class Loaded {
        /** Which store: basalt, chm, skiplist, chronicle-map, rocksdb, lmdb, mapdb, xodus. */
        @Param({"basalt", "chm", "skiplist", "chronicle-map", "rocksdb", "lmdb", "mapdb", "xodus"})
        public String store;

        @Param("1000000")
        public int keys;

        @Param("100")
        public int valueBytes;

        @Param("PERIODIC")
        public String durability;

        PeerData data;
        ByteBuffer allKeys;

        @Setup(Level.Trial)
        public void setUp() {
            allKeys = BenchmarkKeys.allKeysDirect(keys);
            data = PeerData.load(store, keys, valueBytes,
                    PeerData.settings(Durability.valueOf(durability), keys, valueBytes, true));
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            if (data != null) {
                data.close();
                data = null;
            }
        }
    }

    /** One measured thread's key order, coin and buffers. */
    @State(Scope.Thread)
    public static class Client {
        KeyOrder order;
        SplittableRandom random;
        ByteBuffer key;
        ByteBuffer dst;
        byte[] value;

        @Setup(Level.Trial)
        public void setUp(Loaded loaded, ThreadParams threadParams) {
            long seed = MIXED_SEED + threadParams.getThreadIndex();
            order = new KeyOrder(loaded.keys, seed);
            random = new SplittableRandom(seed);
            key = loaded.allKeys.duplicate();
            dst = ByteBuffer.allocateDirect(loaded.valueBytes);
            value = PeerData.valueOf(threadParams.getThreadIndex(), loaded.valueBytes);
        }

        ByteBuffer keyOf(int index) {
            int offset = index * BenchmarkKeys.KEY_LENGTH_BYTES;
            key.clear();
            key.position(offset);
            key.limit(offset + BenchmarkKeys.KEY_LENGTH_BYTES);
            return key;
        }
    }
}
