package dev.basalt.benchmarks;

import dev.basalt.Durability;
import java.nio.ByteBuffer;
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
 * The hot path against the peers: Basalt's {@code read(ByteBuffer, ByteBuffer)} and each
 * peer's best read into a caller's buffer ({@code KvStore.readInto}; each adapter's Javadoc
 * says which call that is), on one thread ({@link #read}) and on two ({@link #readTwoThreads}).
 * Run it with {@code -prof gc}: {@code gc.alloc.rate.norm} is each read's own allocation,
 * since the key bytes already sit in one direct buffer and a measured call only moves that
 * buffer's position and limit.
 *
 * <p>Data: {@code keys} keys loaded in random order with {@code valueBytes}-byte values, each
 * store opened at its no-sync setting ({@link Durability#PERIODIC}); every invocation reads
 * the next key of a per-thread random permutation.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 1, timeUnit = TimeUnit.SECONDS)
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
public class PeerReadBenchmark {

    /** One reader thread. */
    @Benchmark
    @Threads(1)
    public int read(Loaded loaded, Reader reader) {
        return loaded.data.store.readInto(reader.nextKey(), reader.dst.clear());
    }

    /** Two reader threads on the same store: the 2-core machine's whole width. */
    @Benchmark
    @Threads(2)
    public int readTwoThreads(Loaded loaded, Reader reader) {
        return loaded.data.store.readInto(reader.nextKey(), reader.dst.clear());
    }

    /** The store under test, loaded once per trial. */
    @State(Scope.Benchmark)
    public static class Loaded {
        /** Which store: basalt, chm, skiplist, chronicle-map, rocksdb, lmdb, mapdb, xodus. */
        @Param({"basalt", "chm", "skiplist", "chronicle-map", "rocksdb", "lmdb", "mapdb", "xodus"})
        public String store;

        @Param("1000000")
        public int keys;

        @Param({"100", "4096"})
        public int valueBytes;

        PeerData data;
        /** Every key back to back; readers slice their own duplicates. */
        ByteBuffer allKeys;

        @Setup(Level.Trial)
        public void setUp() {
            allKeys = BenchmarkKeys.allKeysDirect(keys);
            data = PeerData.load(store, keys, valueBytes,
                    PeerData.settings(Durability.PERIODIC, keys, valueBytes, false));
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            if (data != null) {
                data.close();
                data = null;
            }
        }
    }

    /** One measured thread's key view, destination buffer and random key order. */
    @State(Scope.Thread)
    public static class Reader {
        KeyCursor keys;
        ByteBuffer dst;

        @Setup(Level.Trial)
        public void setUp(Loaded loaded, ThreadParams threadParams) {
            keys = new KeyCursor(loaded.allKeys, loaded.keys,
                    PeerData.ACCESS_ORDER_SEED + threadParams.getThreadIndex());
            dst = ByteBuffer.allocateDirect(loaded.valueBytes);
        }

        ByteBuffer nextKey() {
            return keys.next();
        }
    }
}
