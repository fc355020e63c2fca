package dev.basalt.benchmarks;

import dev.basalt.Durability;
import dev.basalt.benchmarks.stores.KvStore;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
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
 * Random overwrite {@code put} of an existing key, per durability mode, against each peer at
 * its matching setting (see {@code StoreSettings}): {@code PERIODIC} against peers without a
 * sync per write, {@code SYNC_EACH_WRITE} against peers that fsync every write, and
 * {@code GROUP_COMMIT} with two writer threads ({@link #putTwoWriters}) against RocksDB with
 * {@code sync=true} on two threads, which groups concurrent writers behind one fsync itself.
 *
 * <p>Besides the time per put, each iteration reports two {@link AuxCounters}: {@code puts}
 * (completed puts, all threads) and {@code fsyncs} (the store's completed log fsyncs in the
 * iteration, or -1 where the engine does not count them), so puts per fsync under group
 * commit can be read off the JSON. The in-memory stores and Chronicle Map have no synced
 * mode; opening them with one fails the trial at once with a message saying so.
 *
 * <p>Keys are overwritten in a per-thread random order; the value is a prebuilt array of
 * {@code valueBytes}.
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
public class PeerPutBenchmark {

    /** One writer thread. */
    @Benchmark
    @Threads(1)
    public void put(Loaded loaded, Writer writer, PutCounters counters) {
        writer.putNext(loaded.data);
        counters.puts++;
    }

    /** Two writer threads: what group commit is for. */
    @Benchmark
    @Threads(2)
    public void putTwoWriters(Loaded loaded, Writer writer, PutCounters counters) {
        writer.putNext(loaded.data);
        counters.puts++;
    }

    /** The store under test, loaded once per trial and opened at the durability under test. */
    @State(Scope.Benchmark)
    public static class Loaded {
        /** Which store: basalt, chm, skiplist, chronicle-map, rocksdb, lmdb, mapdb, xodus. */
        @Param({"basalt", "chm", "skiplist", "chronicle-map", "rocksdb", "lmdb", "mapdb", "xodus"})
        public String store;

        @Param("1000000")
        public int keys;

        @Param({"100", "4096"})
        public int valueBytes;

        /** Basalt's mode; peers use their matching setting (no sync, or sync per write). */
        @Param({"PERIODIC", "SYNC_EACH_WRITE", "GROUP_COMMIT"})
        public String durability;

        PeerData data;

        @Setup(Level.Trial)
        public void setUp() {
            Durability mode = Durability.valueOf(durability);
            data = PeerData.load(store, keys, valueBytes, PeerData.settings(mode, keys, valueBytes, false));
            if (mode != Durability.PERIODIC && !data.store.persistent()) {
                tearDown();
                throw new UnsupportedOperationException(store + " keeps nothing on disk; it has no "
                        + durability + " counterpart (run it with durability PERIODIC only)");
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

    /** One writer thread's random key order and its value. */
    @State(Scope.Thread)
    public static class Writer {
        KeyOrder order;
        byte[] value;

        @Setup(Level.Trial)
        public void setUp(Loaded loaded, ThreadParams threadParams) {
            order = new KeyOrder(loaded.keys, PeerData.ACCESS_ORDER_SEED + threadParams.getThreadIndex());
            value = PeerData.valueOf(threadParams.getThreadIndex(), loaded.valueBytes);
        }

        void putNext(PeerData data) {
            data.store.put(data.keys[order.next()], value);
        }
    }

    /**
     * Puts and fsyncs of one iteration, as JMH secondary results. Every thread counts its own
     * puts; the first thread alone reports the store-wide fsync count, so the sum over threads
     * that JMH prints is the store's figure, not a multiple of it. Both include JMH's short
     * warm-down (threads keep putting until the last one finished measuring), so their ratio is
     * exact. After the last iteration another thread may already have closed the store when
     * {@link #stop} runs; the adapters then answer with their count at close.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class PutCounters {
        /** Completed puts in this iteration. */
        public long puts;
        /** Completed log fsyncs in this iteration (thread 0 only), or -1 if the store keeps no count. */
        public long fsyncs;

        private boolean reportsSyncs;
        private long syncsAtStart;

        @Setup(Level.Iteration)
        public void start(Loaded loaded, ThreadParams threadParams) {
            puts = 0;
            fsyncs = 0;
            reportsSyncs = threadParams.getThreadIndex() == 0;
            syncsAtStart = loaded.data.store.syncCount();
        }

        @TearDown(Level.Iteration)
        public void stop(Loaded loaded) {
            if (!reportsSyncs) {
                return;
            }
            long syncsAtEnd = loaded.data.store.syncCount();
            fsyncs = syncsAtStart == KvStore.SYNCS_UNKNOWN || syncsAtEnd == KvStore.SYNCS_UNKNOWN
                    ? KvStore.SYNCS_UNKNOWN
                    : syncsAtEnd - syncsAtStart;
        }
    }
}
