package dev.basalt.benchmarks;

import dev.basalt.Basalt;
import dev.basalt.BasaltOptions;
import dev.basalt.Durability;
import dev.basalt.KvNamespace;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Measures where the index memory of a loaded engine lives: for each key count given on the
 * command line, a fresh engine ({@link Durability#PERIODIC}, 1 GiB segments) is loaded with
 * that many 16-byte keys {@code "user:%011d"} and 8-byte values in a seeded random order, then
 * after full GCs it prints one markdown table row: load time, {@code stats().offHeapIndexBytes()}
 * and its bytes per key, and the Java heap in use. A row for an empty engine comes first, so
 * "heap flat in key count" reads straight off the table.
 *
 * <p>Not a JMH benchmark: each figure is one measurement of a state, not a rate. Run it alone
 * on the machine, with the engine's JVM flags (see {@code docs/benchmarks.md}):
 * <pre>java -Xmx4g &lt;flags&gt; -cp benchmarks/target/benchmarks.jar dev.basalt.benchmarks.IndexMemory 1000000 10000000</pre>
 *
 * <p>Single-threaded.
 */
public final class IndexMemory {
    static final int SEGMENT_SIZE_BYTES = 1 << 30;
    static final int VALUE_LENGTH_BYTES = Long.BYTES;
    static final String NAMESPACE = "INDEX_MEMORY";
    static final long LOAD_ORDER_SEED = 0x5EED_0002L;

    /** Full GCs before reading the heap; one can leave garbage that a finalizer or cleaner frees for the next. */
    static final int FULL_GC_COUNT = 3;
    static final long GC_PAUSE_MILLIS = 100;

    static final double BYTES_PER_MIB = 1024.0 * 1024.0;
    static final String NOT_APPLICABLE = "-";

    private IndexMemory() {
    }

    /** One measured state of an engine. */
    record Row(long keyCount, double loadSeconds, long offHeapIndexBytes, long heapUsedBytes,
            long directBufferBytes) {
    }

    /**
     * Prints the table for the key counts in {@code args} (default 1,000,000), after the
     * empty-engine row.
     */
    public static void main(String[] args) throws InterruptedException {
        List<Long> keyCounts = new ArrayList<>();
        for (String arg : args) {
            keyCounts.add(parseKeyCount(arg));
        }
        if (keyCounts.isEmpty()) {
            keyCounts.add(1_000_000L);
        }
        Row empty = measure(0);
        System.out.println("| keys | load (s) | off-heap index (bytes) | off-heap index bytes/key"
                + " | heap used after full GC (MiB) | heap vs. empty engine (MiB) | direct buffers (MiB) |");
        System.out.println("|---:|---:|---:|---:|---:|---:|---:|");
        System.out.println(format(empty, empty));
        for (long keyCount : keyCounts) {
            System.out.println(format(measure(keyCount), empty));
        }
    }

    private static long parseKeyCount(String arg) {
        long keyCount = Long.parseLong(arg.replace("_", "").replace(",", ""));
        if (keyCount < 1 || keyCount > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(
                    "key count is " + arg + "; the range is 1.." + Integer.MAX_VALUE);
        }
        return keyCount;
    }

    /** Opens a fresh engine, loads {@code keyCount} keys, measures, closes and deletes it. */
    static Row measure(long keyCount) throws InterruptedException {
        Path dir = TempDirectories.create("basalt-index-memory-");
        try (Basalt db = Basalt.open(dir, BasaltOptions.defaults()
                .withDurability(Durability.PERIODIC)
                .withSegmentSize(SEGMENT_SIZE_BYTES))) {
            KvNamespace namespace = db.namespace(NAMESPACE);
            long loadNanos = load(namespace, (int) keyCount);
            long liveKeys = db.stats().liveKeys();
            if (liveKeys != keyCount) {
                throw new IllegalStateException("loaded " + keyCount + " keys but stats() reports "
                        + liveKeys + " live keys");
            }
            long heapUsedBytes = heapUsedAfterFullGc();
            return new Row(keyCount, loadNanos / 1e9, db.stats().offHeapIndexBytes(), heapUsedBytes,
                    directBufferBytes());
        } finally {
            TempDirectories.deleteRecursively(dir);
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
        String bytesPerKey = row.keyCount() == 0 ? NOT_APPLICABLE
                : String.format(Locale.ROOT, "%.1f", (double) row.offHeapIndexBytes() / row.keyCount());
        String loadSeconds = row.keyCount() == 0 ? NOT_APPLICABLE
                : String.format(Locale.ROOT, "%.1f", row.loadSeconds());
        return String.format(Locale.ROOT, "| %,d | %s | %,d | %s | %.1f | %+.1f | %.1f |",
                row.keyCount(), loadSeconds, row.offHeapIndexBytes(), bytesPerKey,
                row.heapUsedBytes() / BYTES_PER_MIB,
                (row.heapUsedBytes() - empty.heapUsedBytes()) / BYTES_PER_MIB,
                row.directBufferBytes() / BYTES_PER_MIB);
    }
}
