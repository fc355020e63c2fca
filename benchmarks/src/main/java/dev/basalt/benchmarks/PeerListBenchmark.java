package dev.basalt.benchmarks;

import dev.basalt.Durability;
import java.util.List;
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
 * One {@code list} page: the {@value #PAGE_KEYS} keys under a prefix such as
 * {@code "user:00000123"} (eight of the eleven digits fixed) out of a namespace of
 * {@code keys} keys, against the ordered peers: {@code skiplist} (the on-heap ceiling),
 * RocksDB's bounded prefix iteration, an LMDB cursor, a Xodus cursor and MapDB's BTreeMap
 * {@code prefixSubMap}. Each invocation lists the page of a random prefix; the result is the
 * list of key names (Basalt's page also carries each key's expiration and metadata).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
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
public class PeerListBenchmark {
    static final int PAGE_KEYS = 1_000;
    /** Digits a prefix fixes: 11 - 8 = 3 free digits, exactly {@link #PAGE_KEYS} keys per prefix. */
    static final int PREFIX_DIGITS = BenchmarkKeys.DIGIT_COUNT - 3;

    /** One page of a random prefix. */
    @Benchmark
    public List<String> listPage(Loaded loaded, Lister lister) {
        return loaded.data.store.listPage(loaded.prefixes[lister.order.next()], PAGE_KEYS);
    }

    /** The ordered store under test, loaded once per trial. */
    @State(Scope.Benchmark)
    public static class Loaded {
        /**
         * Which ordered store: basalt, skiplist, rocksdb, lmdb, mapdb, xodus; also
         * {@code basalt-metadata} (not run by default), Basalt with metadata on every key, whose
         * page reads and parses each key's metadata.
         */
        @Param({"basalt", "skiplist", "rocksdb", "lmdb", "mapdb", "xodus"})
        public String store;

        /** Keys in the namespace; a multiple of {@value #PAGE_KEYS}. */
        @Param("1000000")
        public int keys;

        @Param("100")
        public int valueBytes;

        PeerData data;
        /** Every full-page prefix, index = prefix number. */
        String[] prefixes;

        @Setup(Level.Trial)
        public void setUp() {
            if (keys % PAGE_KEYS != 0) {
                throw new IllegalArgumentException("keys is " + keys + "; it must be a multiple of " + PAGE_KEYS);
            }
            data = PeerData.load(store, keys, valueBytes,
                    PeerData.settings(Durability.PERIODIC, keys, valueBytes, false));
            prefixes = new String[keys / PAGE_KEYS];
            for (int i = 0; i < prefixes.length; i++) {
                prefixes[i] = BenchmarkKeys.KEY_PREFIX + String.format("%0" + PREFIX_DIGITS + "d", i);
            }
            verify();
        }

        /** Fails the trial if a page is not the prefix's keys in order. */
        private void verify() {
            for (int i = 0; i < prefixes.length; i += Math.max(1, prefixes.length / 10)) {
                List<String> page = data.store.listPage(prefixes[i], PAGE_KEYS);
                if (page.size() != PAGE_KEYS || !page.get(0).equals(data.keys[i * PAGE_KEYS])
                        || !page.get(PAGE_KEYS - 1).equals(data.keys[i * PAGE_KEYS + PAGE_KEYS - 1])) {
                    throw new IllegalStateException(store + ": the page of " + prefixes[i] + " has "
                            + page.size() + " keys from " + (page.isEmpty() ? "-" : page.get(0)));
                }
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            if (data != null) {
                data.close();
                data = null;
            }
        }
    }

    /** One measured thread's random order of prefixes. */
    @State(Scope.Thread)
    public static class Lister {
        KeyOrder order;

        @Setup(Level.Trial)
        public void setUp(Loaded loaded, ThreadParams threadParams) {
            order = new KeyOrder(loaded.keys / PAGE_KEYS, PeerData.ACCESS_ORDER_SEED + threadParams.getThreadIndex());
        }
    }
}
