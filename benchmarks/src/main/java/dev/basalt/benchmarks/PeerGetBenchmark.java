package dev.basalt.benchmarks;

import dev.basalt.Durability;
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
 * {@code get} as a Workers KV user calls it: a {@code String} key in, the value out as a new
 * {@code String} ({@link #getText}, Workers KV's default {@code "text"} type) or a new
 * {@code byte[]} ({@link #getBytes}, its {@code "arrayBuffer"}). Unlike {@link PeerReadBenchmark}
 * this path encodes the key and allocates the result in every store, so it shows what a caller
 * of the convenient API pays. Peers encode the key to UTF-8 and copy or decode the value.
 *
 * <p>Data as in {@link PeerReadBenchmark}; every invocation gets the next key of a per-thread
 * random order from an array of prebuilt key strings.
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
@Threads(1)
public class PeerGetBenchmark {

    /** The value as text: {@code get(key)}. */
    @Benchmark
    public String getText(Loaded loaded, Getter getter) {
        return loaded.data.store.getText(loaded.data.keys[getter.order.next()]);
    }

    /** The value as bytes: {@code get(key, ValueType.BYTES)}. */
    @Benchmark
    public byte[] getBytes(Loaded loaded, Getter getter) {
        return loaded.data.store.getBytes(loaded.data.keys[getter.order.next()]);
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

        @Setup(Level.Trial)
        public void setUp() {
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

    /** One measured thread's random key order. */
    @State(Scope.Thread)
    public static class Getter {
        KeyOrder order;

        @Setup(Level.Trial)
        public void setUp(Loaded loaded, ThreadParams threadParams) {
            order = new KeyOrder(loaded.keys, PeerData.ACCESS_ORDER_SEED + threadParams.getThreadIndex());
        }
    }
}
