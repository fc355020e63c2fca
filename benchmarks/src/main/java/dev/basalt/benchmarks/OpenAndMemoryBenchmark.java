package dev.basalt.benchmarks;

import dev.basalt.Durability;
import dev.basalt.benchmarks.stores.KvStore;
import dev.basalt.benchmarks.stores.StoreSettings;
import dev.basalt.benchmarks.stores.Stores;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * What a store costs before and besides its operations: the time to open a loaded directory,
 * and the memory a loaded store holds. Every figure lands in the JMH JSON: open times as the
 * primary score ({@link Mode#SingleShotTime}, one open per iteration), memory as
 * {@link AuxCounters} beside the load time.
 *
 * <ul>
 *   <li>{@link #openAfterCleanClose}: open a directory that was loaded and closed cleanly, and
 *       read one key.</li>
 *   <li>{@link #openAfterKill}: open a copy of a directory taken while the store was open after
 *       its load, and read one key. Copying an open directory leaves on disk exactly what a
 *       SIGKILL after the load would: everything the process handed to the OS (page cache
 *       included, since the copy reads through it), no clean-shutdown marker, no files written
 *       at close. Each iteration opens a fresh copy, through the adapter's after-crash open
 *       (Chronicle Map's {@code recoverPersistedTo}); after the timed open a sample of keys is
 *       verified, so a fast but lossy recovery fails the run.</li>
 *   <li>{@link #openAfterKillThenList}: the same, then one page of 1,000 keys listed.</li>
 *   <li>{@link #readEveryValue}: read every key's value once from an open store: the cost a
 *       recovery that re-read every value would at least pay, to set beside
 *       {@link #openAfterKill}.</li>
 *   <li>{@link #memoryAfterLoad}: open an empty directory and load it; the score is the load
 *       time; the counters are the Java heap after a full GC ({@code heapBytesPerKey}), the
 *       process's resident set ({@code rssBytesPerKey}, from {@code /proc/self/status}: heap,
 *       native memory and the touched pages of memory-mapped files alike), its anonymous part
 *       ({@code anonRssBytesPerKey}, {@code RssAnon}: without the pages of mapped files, which
 *       the kernel can drop and read back) and the disk space
 *       ({@code diskBytesPerKey}, allocated blocks as {@code du} counts them, so LMDB's sparse
 *       map file counts only what it uses), each the growth over the state before the load,
 *       taken eleven seconds after a collection that follows the load,
 *       divided by the keys loaded.</li>
 * </ul>
 *
 * <p>Stores: the open methods and {@link #readEveryValue} are for persistent stores
 * ({@code chm} and {@code skiplist} have nothing to open and fail the trial at once);
 * {@link #memoryAfterLoad} runs for all. MapDB without transactions (the {@code PERIODIC}
 * setting) is not crash-safe by its own documentation; if it cannot open a killed copy, that
 * trial fails and the JSON has no {@code openAfterKill} row for it.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {
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
public class OpenAndMemoryBenchmark {
    /** Keys in the page {@link #openAfterKillThenList} lists. */
    static final int FIRST_PAGE_KEYS = 1000;

    /** Opens the cleanly closed directory and reads one key. */
    @Benchmark
    public int openAfterCleanClose(CleanlyClosed closed) {
        closed.reopened = Stores.create(closed.store);
        closed.reopened.open(closed.data.dir, closed.settings);
        return closed.probe(closed.reopened);
    }

    /** Opens a fresh copy of the directory as a kill left it and reads one key. */
    @Benchmark
    public int openAfterKill(Killed killed) {
        killed.reopened = Stores.create(killed.store);
        killed.reopened.openAfterCrash(killed.workDir, killed.settings);
        return killed.probe(killed.reopened);
    }

    /**
     * {@link #openAfterKill}, then the first page of 1,000 keys: an open may leave work for a
     * listing to do after it (Basalt's listing catch-up), and a service that lists right away
     * waits for that too.
     */
    @Benchmark
    public int openAfterKillThenList(Killed killed) {
        killed.reopened = Stores.create(killed.store);
        killed.reopened.openAfterCrash(killed.workDir, killed.settings);
        int read = killed.probe(killed.reopened);
        return read + killed.reopened.listPage(BenchmarkKeys.KEY_PREFIX, FIRST_PAGE_KEYS).size();
    }

    /** Reads every key's value once, in key order, into one buffer. */
    @Benchmark
    public long readEveryValue(OpenLoaded loaded) {
        long bytes = 0;
        ByteBuffer key = loaded.allKeys.duplicate();
        for (int i = 0; i < loaded.keys; i++) {
            int offset = i * BenchmarkKeys.KEY_LENGTH_BYTES;
            key.clear();
            key.position(offset);
            key.limit(offset + BenchmarkKeys.KEY_LENGTH_BYTES);
            bytes += loaded.data.store.readInto(key, loaded.dst.clear());
        }
        return bytes;
    }

    /**
     * Opens an empty directory and loads every key; the counters hold the memory it then takes.
     * One load per fork and no warmup: a load of a million keys is its own warmup, and the
     * memory figures do not depend on the JIT. The fork's heap is fixed and touched in advance
     * ({@link JvmFlags#MEMORY_HEAP_PRE_TOUCH}).
     */
    @Benchmark
    @Warmup(iterations = 0)
    @Measurement(iterations = 1)
    @Fork(value = 1, jvmArgsAppend = {
            JvmFlags.EXPORT_JDK_INTERNAL_MISC,
            JvmFlags.EXPORT_JDK_INTERNAL_REF,
            JvmFlags.OPEN_JAVA_LANG_REFLECT,
            JvmFlags.OPEN_SUN_NIO_CH,
            JvmFlags.OPEN_JAVA_UTIL_ZIP,
            JvmFlags.PEER_OPEN_JAVA_LANG,
            JvmFlags.PEER_OPEN_JAVA_NIO,
            JvmFlags.PEER_EXPORT_JAVAC_FILE,
            JvmFlags.PEER_OPEN_JAVAC,
            JvmFlags.MEMORY_HEAP_MIN,
            JvmFlags.MEMORY_HEAP_MAX,
            JvmFlags.MEMORY_HEAP_PRE_TOUCH,
            JvmFlags.MEMORY_HEAP_HUGE_PAGES})
    public void memoryAfterLoad(MemoryProbe probe) {
        probe.data.openAndLoad(probe.settings);
    }

    /** The parameters and the open-time states' common parts. */
    @State(Scope.Benchmark)
    public abstract static class Opening {
        /** Which persistent store: basalt, chronicle-map, rocksdb, lmdb, mapdb, xodus. */
        @Param({"basalt", "chronicle-map", "rocksdb", "lmdb", "mapdb", "xodus"})
        public String store;

        @Param("1000000")
        public int keys;

        @Param("100")
        public int valueBytes;

        PeerData data;
        StoreSettings settings;
        /** The store opened by the measured call; closed after each iteration. */
        KvStore reopened;
        private ByteBuffer probeKey;
        private ByteBuffer probeDst;

        void prepareLoaded() {
            if (!Stores.PERSISTENT.contains(store)) {
                throw new UnsupportedOperationException(store + " keeps nothing on disk: there is nothing to open");
            }
            settings = PeerData.settings(Durability.PERIODIC, keys, valueBytes, false);
            data = PeerData.load(store, keys, valueBytes, settings);
            probeKey = ByteBuffer.allocateDirect(BenchmarkKeys.KEY_LENGTH_BYTES);
            probeKey.put(data.keys[keys / 2].getBytes(StandardCharsets.US_ASCII)).flip();
            probeDst = ByteBuffer.allocateDirect(valueBytes);
        }

        /** One read of a key in the middle of the key space: proof that the open store serves reads. */
        int probe(KvStore target) {
            return target.readInto(probeKey, probeDst.clear());
        }

        /** Checks a sample of keys in the store the iteration opened, closes it and deletes {@code dir}. */
        void verifyCloseAndDelete(Path dir) {
            try {
                if (reopened != null) {
                    data.verify(reopened);
                }
            } finally {
                closeReopened();
                TempDirectories.deleteRecursively(dir);
            }
        }

        void closeReopened() {
            if (reopened != null) {
                reopened.close();
                reopened = null;
            }
        }

        @TearDown(Level.Trial)
        public void tearDownTrial() {
            closeReopened();
            if (data != null) {
                data.close();
                data = null;
            }
        }
    }

    /** A directory loaded and closed cleanly once per trial; each iteration opens it again. */
    @State(Scope.Benchmark)
    public static class CleanlyClosed extends Opening {
        @Setup(Level.Trial)
        public void setUpTrial() {
            prepareLoaded();
            data.store.close();
        }

        @TearDown(Level.Iteration)
        public void closeAfterIteration() {
            closeReopened();
        }
    }

    /** A copy of a directory taken while its store was open; each iteration opens a new copy of it. */
    @State(Scope.Benchmark)
    public static class Killed extends Opening {
        Path snapshot;
        Path workDir;

        @Setup(Level.Trial)
        public void setUpTrial() {
            prepareLoaded();
            snapshot = TempDirectories.create("basalt-peer-killed-" + store + "-");
            KillCopy.copy(data.dir, snapshot);
            data.store.close();
        }

        @Setup(Level.Iteration)
        public void copySnapshot() {
            workDir = TempDirectories.create("basalt-peer-recover-" + store + "-");
            KillCopy.copy(snapshot, workDir);
        }

        @TearDown(Level.Iteration)
        public void verifyAndClose() {
            verifyCloseAndDelete(workDir);
            workDir = null;
        }

        @Override
        @TearDown(Level.Trial)
        public void tearDownTrial() {
            super.tearDownTrial();
            TempDirectories.deleteRecursively(snapshot);
        }
    }

    /** A loaded store kept open for the trial, and every key in one direct buffer. */
    @State(Scope.Benchmark)
    public static class OpenLoaded extends Opening {
        ByteBuffer allKeys;
        ByteBuffer dst;

        @Setup(Level.Trial)
        public void setUpTrial() {
            prepareLoaded();
            allKeys = BenchmarkKeys.allKeysDirect(keys);
            dst = ByteBuffer.allocateDirect(valueBytes);
        }
    }

    /** The memory benchmark's parameters: every store, as in-memory ones hold memory too. */
    @State(Scope.Benchmark)
    public static class MemoryParams {
        /** Which store: basalt, chm, skiplist, chronicle-map, rocksdb, lmdb, mapdb, xodus. */
        @Param({"basalt", "chm", "skiplist", "chronicle-map", "rocksdb", "lmdb", "mapdb", "xodus"})
        public String store;

        @Param("1000000")
        public int keys;

        @Param("100")
        public int valueBytes;
    }

    /**
     * Memory before and after one load, as secondary results. JMH sums event counters over
     * iterations and forks, so each measured iteration reports its figure divided by
     * (measured iterations x forks): the score is then the mean of the samples whatever
     * {@code -i} and {@code -f} say, and with one iteration and one fork every raw figure is the
     * sample itself. Owned by the one measured thread.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class MemoryProbe {
        static final int WARM_UP_KEYS = 1_000;
        static final long SETTLE_MILLIS = 11_000;

        /** Java heap after a full GC, growth per key. */
        public double heapBytesPerKey;
        /** Resident set of the process, growth per key. */
        public double rssBytesPerKey;
        /**
         * Resident anonymous memory of the process (heap, native allocations and private
         * copy-on-write pages, not the clean or shared pages of mapped files), growth per key:
         * the memory a store holds that the kernel cannot drop and read back from its files.
         */
        public double anonRssBytesPerKey;
        /** Disk blocks of the store's directory per key. */
        public double diskBytesPerKey;

        PeerData data;
        StoreSettings settings;
        private int keys;
        private long heapBytesBefore;
        private long rssBytesBefore;
        private long anonRssBytesBefore;
        private double samples;

        @Setup(Level.Iteration)
        public void before(MemoryParams memory, BenchmarkParams params) {
            keys = memory.keys;
            heapBytesPerKey = 0;
            rssBytesPerKey = 0;
            anonRssBytesPerKey = 0;
            diskBytesPerKey = 0;
            samples = (double) params.getMeasurement().getCount() * Math.max(1, params.getForks());
            settings = PeerData.settings(Durability.PERIODIC, keys, memory.valueBytes, false);
            warmUp(memory);
            data = PeerData.prepare(memory.store, keys, memory.valueBytes);
            heapBytesBefore = heapBytesAfterGc();
            rssBytesBefore = rssBytes();
            anonRssBytesBefore = anonRssBytes();
        }

        @TearDown(Level.Iteration)
        public void after() {
            try {
                store();
                heapBytesPerKey = (heapBytesAfterGc() - heapBytesBefore) / (double) keys / samples;
                settle();
                rssBytesPerKey = (rssBytes() - rssBytesBefore) / (double) keys / samples;
                anonRssBytesPerKey = (anonRssBytes() - anonRssBytesBefore) / (double) keys / samples;
                diskBytesPerKey = diskBytes(data.dir) / (double) keys / samples;
            } finally {
                data.close();
                data = null;
            }
        }

        /**
         * Loads a tiny store of the same kind and closes it, so the store's classes, native
         * libraries and generated code are in the baseline and not counted against the keys
         * (Chronicle Map alone compiles classes worth tens of MB of resident memory).
         */
        private static void warmUp(MemoryParams memory) {
            PeerData.load(memory.store, WARM_UP_KEYS, memory.valueBytes,
                    PeerData.settings(Durability.PERIODIC, WARM_UP_KEYS, memory.valueBytes, false)).close();
        }

        /**
         * Waits {@link #SETTLE_MILLIS} after the collection, for every store alike: what a store
         * holds once its background work has caught up, not in the middle of it. Basalt gives
         * freed memory back to the system every ten seconds (its {@code FreedMemory}), and
         * the collection has just freed the direct buffers nothing referred to any more.
         */
        private static void settle() {
            try {
                Thread.sleep(SETTLE_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** Makes the load durable first, so disk figures count what a restart would find. */
        private void store() {
            data.store.sync();
        }
    }

    /** Heap in use after full collections; two rounds so that finalizable and cleaned garbage is gone too. */
    static long heapBytesAfterGc() {
        for (int i = 0; i < 2; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** VmRSS of this process from {@code /proc/self/status}, in bytes; -1 where there is no procfs. */
    static long rssBytes() {
        return statusBytes("VmRSS:");
    }

    /** RssAnon of this process from {@code /proc/self/status}, in bytes; -1 where there is no procfs. */
    static long anonRssBytes() {
        return statusBytes("RssAnon:");
    }

    private static long statusBytes(String field) {
        Path status = Path.of("/proc/self/status");
        if (!Files.isReadable(status)) {
            return -1;
        }
        try (Stream<String> lines = Files.lines(status)) {
            return lines.filter(line -> line.startsWith(field))
                    .map(line -> Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024)
                    .findFirst()
                    .orElse(-1L);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + status, e);
        }
    }

    /** Allocated bytes of {@code dir} as {@code du -sk} counts them (sparse files count what they use). */
    static long diskBytes(Path dir) {
        try {
            Process du = new ProcessBuilder(List.of("du", "-sk", dir.toString())).redirectErrorStream(true).start();
            String output = new String(du.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            if (du.waitFor() != 0) {
                throw new IllegalStateException("du -sk " + dir + " failed: " + output);
            }
            return Long.parseLong(output.split("\\s+")[0]) * 1024;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run du on " + dir, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running du on " + dir, e);
        }
    }
}
