package dev.basalt.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.Basalt;
import dev.basalt.BasaltOptions;
import dev.basalt.Durability;
import dev.basalt.KvNamespace;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14: {@link KvNamespace#put(ByteBuffer, ByteBuffer)} allocates nothing in steady state
 * under {@link Durability#PERIODIC}, and {@code put(String, byte[])} little more than its key's
 * UTF-8 bytes.
 *
 * <p>Measured with {@code com.sun.management.ThreadMXBean.getThreadAllocatedBytes(long)} on the
 * calling thread only (the background threads' share is JMH's to report, see
 * {@code PutAllocationBenchmark}), over {@value #MEASURED} overwrites after {@value #WARM_UP}. The
 * bounds are generous on purpose: the put path creates no object by construction, not by the
 * JIT's escape analysis, so the figure is 0 interpreted or compiled; what the bound leaves room
 * for is the rare object of a contended lock (a background agent holding the append lock) or a
 * free-space reading of the disk reserve. No timing is asserted.
 */
class BufferPutAllocationTest {
    private static final int KEYS = 10_000;
    private static final int WARM_UP = 200_000;
    private static final int MEASURED = 100_000;
    private static final int VALUE_BYTES = 100;
    private static final int KEY_BYTES = 16;
    private static final Method ALLOCATED_BYTES = allocatedBytesMethod();

    @TempDir
    Path dir;

    @Test
    void bufferPutAllocatesNothingPerOperation() {
        try (Basalt db = open()) {
            KvNamespace ns = db.namespace("ALLOC");
            ByteBuffer keys = ByteBuffer.allocateDirect(KEYS * KEY_BYTES);
            for (int i = 0; i < KEYS; i++) {
                keys.put(String.format("user:%011d", i).getBytes(StandardCharsets.US_ASCII));
            }
            ByteBuffer value = ByteBuffer.allocateDirect(VALUE_BYTES);
            putAll(ns, keys, value, WARM_UP);

            long before = allocatedBytes();
            putAll(ns, keys, value, MEASURED);
            double perPut = (allocatedBytes() - before) / (double) MEASURED;

            assertThat(perPut).as("bytes allocated per put(ByteBuffer, ByteBuffer)").isLessThan(8.0);
            ByteBuffer dst = ByteBuffer.allocate(VALUE_BYTES);
            assertThat(ns.read(keys.clear().position(16).limit(32), dst)).isEqualTo(VALUE_BYTES);
        }
    }

    @Test
    void stringPutAllocatesLittleMoreThanItsKeyBytes() {
        try (Basalt db = open()) {
            KvNamespace ns = db.namespace("ALLOC");
            String[] keys = new String[KEYS];
            for (int i = 0; i < KEYS; i++) {
                keys[i] = String.format("user:%011d", i);
            }
            byte[] value = new byte[VALUE_BYTES];
            for (int i = 0; i < WARM_UP; i++) {
                ns.put(keys[i % KEYS], value);
            }

            long before = allocatedBytes();
            for (int i = 0; i < MEASURED; i++) {
                ns.put(keys[i % KEYS], value);
            }
            double perPut = (allocatedBytes() - before) / (double) MEASURED;

            // The key's UTF-8 bytes are 32 bytes for 16 ASCII characters (header and data).
            assertThat(perPut).as("bytes allocated per put(String, byte[])").isLessThan(100.0);
        }
    }

    /**
     * A compaction pass allocates per pass and per victim segment, not per record it scans or
     * copies: its list of a victim's record offsets is kept from pass to pass, and the namespace
     * of the records is looked up by name once, not once per window of them. (A list grown afresh
     * each pass and a name decoded per window were 12-15 B per put under sustained overwrite,
     * all of {@code putByteBuffer}'s allocation in {@code PutAllocationBenchmark}.) Measured on the
     * calling thread, which runs {@link Basalt#compact()} itself; the second pass is measured.
     */
    @Test
    void aCompactionPassAllocatesLittlePerRecord() {
        try (Basalt db = Basalt.open(dir, BasaltOptions.defaults().withDurability(Durability.PERIODIC)
                .withBackgroundCompaction(false).withSegmentSize(4 << 20))) {
            KvNamespace ns = db.namespace("ALLOC");
            ByteBuffer keys = ByteBuffer.allocateDirect(KEYS * KEY_BYTES);
            for (int i = 0; i < KEYS; i++) {
                keys.put(String.format("user:%011d", i).getBytes(StandardCharsets.US_ASCII));
            }
            ByteBuffer value = ByteBuffer.allocateDirect(VALUE_BYTES);
            putAll(ns, keys, value, 15 * KEYS);
            db.compact(); // the first pass grows what the later ones reuse

            putAll(ns, keys, value, 15 * KEYS);
            long before = allocatedBytes();
            dev.basalt.CompactionResult pass = db.compact();
            long allocated = allocatedBytes() - before;
            long records = pass.recordsCopied() + pass.recordsDropped();

            // About 28,000 records a segment, so what a pass allocates per victim (its output's
            // files and buffers, some kB) is well under a byte a record; a list grown afresh
            // made it 3-4.
            assertThat(records).as("records the measured pass went through").isGreaterThan(10L * KEYS);
            assertThat(allocated / (double) records).as("bytes allocated per record of a pass over %d segments"
                    + " (%d bytes in all)", pass.segmentsCompacted(), allocated).isLessThan(1.5);
        }
    }

    private Basalt open() {
        return Basalt.open(dir, BasaltOptions.defaults()
                .withDurability(Durability.PERIODIC)
                .withBackgroundCompaction(false));
    }

    private static void putAll(KvNamespace ns, ByteBuffer keys, ByteBuffer value, int count) {
        for (int i = 0; i < count; i++) {
            int at = (i % KEYS) * KEY_BYTES;
            keys.limit(at + KEY_BYTES).position(at);
            ns.put(keys, value);
            keys.clear();
        }
    }

    private static Method allocatedBytesMethod() {
        try {
            return Class.forName("com.sun.management.ThreadMXBean").getMethod("getThreadAllocatedBytes", long.class);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("this JVM does not count allocated bytes per thread", e);
        }
    }

    /**
     * {@code com.sun.management.ThreadMXBean.getThreadAllocatedBytes} of this thread, called
     * reflectively: the engine's test module does not read {@code jdk.management}, and reflection
     * needs no such edge.
     */
    private static long allocatedBytes() {
        try {
            return (long) ALLOCATED_BYTES.invoke(ManagementFactory.getThreadMXBean(), Thread.currentThread().getId());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("this JVM does not count allocated bytes per thread", e);
        }
    }
}
