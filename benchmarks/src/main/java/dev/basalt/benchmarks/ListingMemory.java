package dev.basalt.benchmarks;

import dev.basalt.Basalt;
import dev.basalt.BasaltOptions;
import dev.basalt.Durability;
import dev.basalt.KvNamespace;
import dev.basalt.ListOptions;
import dev.basalt.ListResult;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Measures what the sorted key listing costs on a loaded engine: for each key count given on
 * the command line, a fresh engine ({@link Durability#PERIODIC}, 1 GiB segments) is loaded with
 * that many 16-byte keys {@code "user:%011d"} and 8-byte values in a seeded random order, and
 * one markdown table row is printed:
 * <ul>
 *   <li>load time (the puts only; each new key enters the hash index and the listing);</li>
 *   <li>Java heap in use after full GCs, and its difference from an empty engine's;</li>
 *   <li>{@code stats().offHeapIndexBytes()} (hash index, listing and expiry queue) and that per
 *       key, and the memory of direct {@code ByteBuffer}s;</li>
 *   <li>one full listing pass in pages of 1000 (which also collects a cursor per page);</li>
 *   <li>the time of one 1000-key page from a random position: the median of
 *       {@value #PAGE_SAMPLES} pages, each continuing a cursor picked at random from the pass
 *       (one seek plus 1000 keys with their index lookups);</li>
 *   <li>reopen time, as two figures: {@code close()} (it syncs, writes the checkpoint and
 *       unmaps the 1 GiB active segment) and {@code Basalt.open} of the same directory plus
 *       {@code namespace()} (it loads the checkpoint, or without one replays the log); the
 *       reopened engine is checked to hold every key and to continue a cursor from before the
 *       restart; then the median page again, on the listing the open built, and once more
 *       {@value #SETTLE_SECONDS} s later and after another full pass, by when the background
 *       thread has laid a scattered listing out again in key order (the pass, because right
 *       after 15 idle seconds on a shared VM the same pages took twice as long);</li>
 *   <li>open after a kill: a copy of the directory taken while the engine was open after the
 *       load (what a SIGKILL would leave: the background checkpoints and the log after the last
 *       one, no close), opened the same way and checked the same way.</li>
 * </ul>
 * A row for an empty engine comes first, so "heap flat in the key count" reads off the table.
 *
 * <p>Not a JMH benchmark: the memory figures are states, and the page time is a median of
 * {@value #PAGE_SAMPLES} single calls after a full pass has warmed the code; read it as an
 * order of magnitude. Run it alone on the machine, with the engine's JVM flags (see
 * {@code docs/benchmarks.md}):
 * <pre>java -Xmx4g &lt;flags&gt; -cp benchmarks/target/benchmarks.jar dev.basalt.benchmarks.ListingMemory 1000000 10000000</pre>
 *
 * <p>Single-threaded.
 */
public final class ListingMemory {
    static final int SEGMENT_SIZE_BYTES = 1 << 30;
    static final int VALUE_LENGTH_BYTES = Long.BYTES;
    static final String NAMESPACE = "LISTING_MEMORY";
    static final long LOAD_ORDER_SEED = 0x5EED_0003L;
    static final long PAGE_PICK_SEED = 0x5EED_0004L;
    static final int PAGE_KEYS = 1000;
    static final int PAGE_SAMPLES = 100;
    /**
     * How long after the reopen the page is measured again: time for the background thread to
     * sample the mapped listing's order and lay it out again (a walk of every key).
     */
    static final int SETTLE_SECONDS = 15;
    static final List<Long> DEFAULT_KEY_COUNTS = List.of(1_000_000L, 10_000_000L);

    /** Full GCs before reading the heap; one can leave garbage that a cleaner frees for the next. */
    static final int FULL_GC_COUNT = 3;
    static final long GC_PAUSE_MILLIS = 100;

    static final double BYTES_PER_MIB = 1024.0 * 1024.0;
    static final double NANOS_PER_SECOND = 1e9;
    static final double NANOS_PER_MICRO = 1e3;
    static final String NOT_APPLICABLE = "-";

    private ListingMemory() {
    }

    /** One measured engine; times in nanoseconds, -1 where not measured (the empty engine). */
    record Row(long keyCount, long loadNanos, long heapUsedBytes, long offHeapIndexBytes, long directBufferBytes,
            long fullPassNanos, long medianPageNanos, long closeNanos, long openNanos, long pageAfterReopenNanos,
            long pageAfterSettleNanos, long openAfterKillNanos) {
    }

    /**
     * Prints the table for the key counts in {@code args} (default 1,000,000 and 10,000,000),
     * after the empty-engine row.
     */
    public static void main(String[] args) throws InterruptedException {
        List<Long> keyCounts = new ArrayList<>();
        for (String arg : args) {
            keyCounts.add(parseKeyCount(arg));
        }
        if (keyCounts.isEmpty()) {
            keyCounts.addAll(DEFAULT_KEY_COUNTS);
        }
        Row empty = measure(0);
        System.out.println("| keys | load (s) | heap used after full GC (MiB) | heap vs. empty engine (MiB)"
                + " | off-heap index (bytes) | off-heap index bytes/key | direct buffers (MiB)"
                + " | full pass, pages of 1000 (s) | 1000-key page, median of " + PAGE_SAMPLES + " (µs)"
                + " | reopen: close (s) | reopen: open (s) | page after reopen (µs) | page " + SETTLE_SECONDS
                + " s after reopen (µs) | open after a kill (s) |");
        System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        System.out.println(format(empty, empty));
        for (long keyCount : keyCounts) {
            System.out.println(format(measure(keyCount), empty));
        }
    }

    private static long parseKeyCount(String arg) {
        long keyCount = Long.parseLong(arg.replace("_", "").replace(",", ""));
        if (keyCount < 1 || keyCount > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("key count is " + arg + "; the range is 1.." + Integer.MAX_VALUE);
        }
        return keyCount;
    }

    private static BasaltOptions options() {
        return BasaltOptions.defaults().withDurability(Durability.PERIODIC).withSegmentSize(SEGMENT_SIZE_BYTES);
    }

    /** Opens a fresh engine, loads {@code keyCount} keys, measures, reopens, closes and deletes it. */
    static Row measure(long keyCount) throws InterruptedException {
        Path dir = TempDirectories.create("basalt-listing-memory-");
        Path killed = TempDirectories.create("basalt-listing-memory-killed-");
        Basalt db = Basalt.open(dir, options());
        try {
            KvNamespace namespace = db.namespace(NAMESPACE);
            long loadNanos = load(namespace, (int) keyCount);
            checkLiveKeys(db, keyCount, "after the load");
            long heapUsedBytes = heapUsedAfterFullGc();
            long offHeapIndexBytes = db.stats().offHeapIndexBytes();
            long directBufferBytes = directBufferBytes();
            if (keyCount == 0) {
                return new Row(0, -1, heapUsedBytes, offHeapIndexBytes, directBufferBytes, -1, -1, -1, -1, -1, -1, -1);
            }
            long passStart = System.nanoTime();
            List<String> cursors = fullPass(namespace, keyCount);
            long fullPassNanos = System.nanoTime() - passStart;
            long medianPageNanos = medianPageNanos(namespace, cursors);

            // What a SIGKILL now would leave: every file as the page cache holds it, modification
            // times kept, nothing written by a close (the background checkpoints included).
            KillCopy.copy(dir, killed);

            long closeStart = System.nanoTime();
            db.close();
            long openStart = System.nanoTime();
            db = Basalt.open(dir, options());
            namespace = db.namespace(NAMESPACE);
            long openNanos = System.nanoTime() - openStart;
            long closeNanos = openStart - closeStart;
            checkLiveKeys(db, keyCount, "after the reopen");
            checkPageAfterReopen(namespace, cursors, keyCount);
            long pageAfterReopenNanos = medianPageNanos(namespace, cursors);
            Thread.sleep(SETTLE_SECONDS * 1000L);
            fullPass(namespace, keyCount); // warm again, as before the first median: an idle VM loses its caches
            long pageAfterSettleNanos = medianPageNanos(namespace, cursors);
            db.close();

            long killedOpenStart = System.nanoTime();
            db = Basalt.open(killed, options());
            namespace = db.namespace(NAMESPACE);
            long openAfterKillNanos = System.nanoTime() - killedOpenStart;
            checkLiveKeys(db, keyCount, "after the open of the killed copy");
            checkPageAfterReopen(namespace, cursors, keyCount);
            return new Row(keyCount, loadNanos, heapUsedBytes, offHeapIndexBytes, directBufferBytes, fullPassNanos,
                    medianPageNanos, closeNanos, openNanos, pageAfterReopenNanos, pageAfterSettleNanos,
                    openAfterKillNanos);
        } finally {
            db.close();
            TempDirectories.deleteRecursively(dir);
            TempDirectories.deleteRecursively(killed);
        }
    }

    /**
     * Puts keys {@code 0..keyCount-1} in a seeded random order and returns the time the puts took.
     * The order array (4 bytes a key) is garbage once this returns, before the heap is read.
     */
    private static long load(KvNamespace namespace, int keyCount) {
        int[] order = BenchmarkKeys.permutation(keyCount, LOAD_ORDER_SEED);
        byte[] value = new byte[VALUE_LENGTH_BYTES];
        ByteBuffer valueView = ByteBuffer.wrap(value);
        long startNanos = System.nanoTime();
        for (int index : order) {
            valueView.putLong(0, index);
            namespace.put(BenchmarkKeys.keyString(index), value);
        }
        return System.nanoTime() - startNanos;
    }

    /**
     * Lists every key in pages of 1000 and returns the cursor of every incomplete page; checks
     * that the keys come complete and in order (key {@code i} is the {@code i}-th listed).
     */
    private static List<String> fullPass(KvNamespace namespace, long keyCount) {
        List<String> cursors = new ArrayList<>();
        ListOptions options = ListOptions.all().withLimit(PAGE_KEYS);
        long listed = 0;
        while (true) {
            ListResult page = namespace.list(options);
            for (int i = 0; i < page.keys().size(); i++) {
                String expected = BenchmarkKeys.keyString(listed + i);
                if (!page.keys().get(i).name().equals(expected)) {
                    throw new IllegalStateException("key " + (listed + i) + " listed as " + page.keys().get(i).name()
                            + ", expected " + expected);
                }
            }
            listed += page.keys().size();
            if (page.listComplete()) {
                break;
            }
            cursors.add(page.cursor());
            options = options.withCursor(page.cursor());
        }
        if (listed != keyCount) {
            throw new IllegalStateException("a full pass listed " + listed + " keys; " + keyCount + " were loaded");
        }
        return cursors;
    }

    /** The median time of one 1000-key page continuing a random cursor of the pass. */
    private static long medianPageNanos(KvNamespace namespace, List<String> cursors) {
        if (cursors.isEmpty()) {
            return -1; // fewer keys than one page: nothing to continue from
        }
        SplittableRandom random = new SplittableRandom(PAGE_PICK_SEED);
        long[] nanos = new long[PAGE_SAMPLES];
        long keysSeen = 0; // consumed, so the pages cannot be optimised away
        for (int i = 0; i < PAGE_SAMPLES; i++) {
            ListOptions options = ListOptions.all().withLimit(PAGE_KEYS)
                    .withCursor(cursors.get(random.nextInt(cursors.size())));
            long start = System.nanoTime();
            ListResult page = namespace.list(options);
            nanos[i] = System.nanoTime() - start;
            keysSeen += page.keys().size();
        }
        if (keysSeen == 0) {
            throw new IllegalStateException("the sampled pages were empty");
        }
        Arrays.sort(nanos);
        return nanos[PAGE_SAMPLES / 2];
    }

    /** A cursor from before the restart still continues where it did. */
    private static void checkPageAfterReopen(KvNamespace namespace, List<String> cursors, long keyCount) {
        ListOptions options = ListOptions.all().withLimit(PAGE_KEYS);
        long expectedFirst = 0;
        if (!cursors.isEmpty()) {
            int pick = cursors.size() / 2;
            options = options.withCursor(cursors.get(pick));
            expectedFirst = (long) (pick + 1) * PAGE_KEYS;
        }
        ListResult page = namespace.list(options);
        long expectedSize = Math.min(PAGE_KEYS, keyCount - expectedFirst);
        if (page.keys().size() != expectedSize
                || !page.keys().get(0).name().equals(BenchmarkKeys.keyString(expectedFirst))) {
            throw new IllegalStateException("after the reopen a cursor gave " + page.keys().size()
                    + " keys from " + (page.keys().isEmpty() ? "nothing" : page.keys().get(0).name())
                    + "; expected " + expectedSize + " from " + BenchmarkKeys.keyString(expectedFirst));
        }
    }

    private static void checkLiveKeys(Basalt db, long keyCount, String when) {
        long liveKeys = db.stats().liveKeys();
        if (liveKeys != keyCount) {
            throw new IllegalStateException("loaded " + keyCount + " keys but stats() reports " + liveKeys
                    + " live keys " + when);
        }
    }

    private static long heapUsedAfterFullGc() throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < FULL_GC_COUNT; i++) {
            memory.gc();
            Thread.sleep(GC_PAUSE_MILLIS);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    /** Memory held by direct {@code ByteBuffer}s (not by mapped files or raw off-heap blocks). */
    private static long directBufferBytes() {
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (pool.getName().equals("direct")) {
                return pool.getMemoryUsed();
            }
        }
        return 0;
    }

    private static String format(Row row, Row empty) {
        boolean loaded = row.keyCount() > 0;
        String bytesPerKey = loaded ? String.format(Locale.ROOT, "%.1f", (double) row.offHeapIndexBytes()
                / row.keyCount()) : NOT_APPLICABLE;
        return String.format(Locale.ROOT, "| %,d | %s | %.1f | %+.1f | %,d | %s | %.1f | %s | %s | %s | %s | %s | %s | %s |",
                row.keyCount(),
                loaded ? seconds(row.loadNanos()) : NOT_APPLICABLE,
                row.heapUsedBytes() / BYTES_PER_MIB,
                (row.heapUsedBytes() - empty.heapUsedBytes()) / BYTES_PER_MIB,
                row.offHeapIndexBytes(),
                bytesPerKey,
                row.directBufferBytes() / BYTES_PER_MIB,
                loaded ? seconds(row.fullPassNanos()) : NOT_APPLICABLE,
                row.medianPageNanos() >= 0 ? String.format(Locale.ROOT, "%.0f", row.medianPageNanos() / NANOS_PER_MICRO)
                        : NOT_APPLICABLE,
                loaded ? seconds(row.closeNanos()) : NOT_APPLICABLE,
                loaded ? seconds(row.openNanos()) : NOT_APPLICABLE,
                micros(row.pageAfterReopenNanos()),
                micros(row.pageAfterSettleNanos()),
                loaded ? seconds(row.openAfterKillNanos()) : NOT_APPLICABLE);
    }

    private static String micros(long nanos) {
        return nanos >= 0 ? String.format(Locale.ROOT, "%.0f", nanos / NANOS_PER_MICRO) : NOT_APPLICABLE;
    }

    private static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.3f", nanos / NANOS_PER_SECOND);
    }
}
