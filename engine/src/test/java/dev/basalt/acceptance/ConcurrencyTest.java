package dev.basalt.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.ValueType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.Test;

/**
 * API.md "Concurrency": a read sees the whole old or the whole new value, never a mix, and
 * sees every write that returned before it started. Bounded by operation counts, not time.
 */
class ConcurrencyTest extends AcceptanceTestBase {
    private static final int KEYS = 8;
    private static final int WRITES_PER_WRITER = 1500;
    private static final int READS_PER_READER = 6000;

    @Test
    void readersSeeWholeValuesAndEveryCompletedWrite() throws Exception {
        // Writer w owns keys w, w+2, w+4, ...; each value says which sequence number it is,
        // so a reader can check the value is whole and not older than the last acknowledged one.
        int writers = 2;
        int readers = 2;
        AtomicLongArray lastAcked = new AtomicLongArray(KEYS);
        for (int k = 0; k < KEYS; k++) {
            lastAcked.set(k, -1);
        }
        ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            int writer = w;
            threads.add(new Thread(() -> {
                await(start);
                for (int seq = 0; seq < WRITES_PER_WRITER; seq++) {
                    int k = writer + writers * (seq % (KEYS / writers));
                    ns.put("key-" + k, valueOf(seq, k));
                    lastAcked.set(k, seq);
                }
            }, "writer-" + w));
        }
        for (int r = 0; r < readers; r++) {
            int reader = r;
            threads.add(new Thread(() -> {
                await(start);
                ByteBuffer dst = ByteBuffer.allocate(8192);
                for (int i = 0; i < READS_PER_READER; i++) {
                    int k = (i * 7 + reader) % KEYS;
                    long ackedBefore = lastAcked.get(k);
                    byte[] value = reader == 0 ? ns.get("key-" + k, ValueType.BYTES) : viaRead(k, dst);
                    check(k, ackedBefore, value, problems);
                }
            }, "reader-" + r));
        }
        for (Thread thread : threads) {
            thread.setUncaughtExceptionHandler((t, e) -> problems.add(t.getName() + " threw " + e));
            thread.start();
        }
        start.countDown();
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(problems).isEmpty();
        for (int k = 0; k < KEYS; k++) {
            check(k, lastAcked.get(k), ns.get("key-" + k, ValueType.BYTES), problems);
        }
        assertThat(problems).isEmpty();
    }

    private byte[] viaRead(int k, ByteBuffer dst) {
        dst.clear();
        int length = ns.read(ByteBuffer.wrap(utf8("key-" + k)), dst);
        if (length < 0) {
            return null;
        }
        byte[] value = new byte[length];
        dst.flip();
        dst.get(value);
        return value;
    }

    /**
     * A value of 16..4111 bytes: the sequence number and key, then a filler that depends on
     * both, so a mix of two values or a torn copy fails {@link #check}.
     */
    static byte[] valueOf(int seq, int k) {
        int length = 16 + (seq * 131 + k * 17) % 4096;
        ByteBuffer value = ByteBuffer.allocate(length).order(ByteOrder.BIG_ENDIAN);
        value.putLong(seq).putLong(k);
        while (value.hasRemaining()) {
            value.put((byte) (seq * 31 + k + value.position()));
        }
        return value.array();
    }

    private static void check(int k, long ackedBefore, byte[] value, ConcurrentLinkedQueue<String> problems) {
        if (value == null) {
            if (ackedBefore >= 0) {
                problems.add("key-" + k + " absent after seq " + ackedBefore + " was acknowledged");
            }
            return;
        }
        if (value.length < 16) {
            problems.add("key-" + k + " value of " + value.length + " bytes");
            return;
        }
        long seq = ByteBuffer.wrap(value).getLong(0);
        long key = ByteBuffer.wrap(value).getLong(8);
        if (key != k || seq < 0 || seq > Integer.MAX_VALUE || !java.util.Arrays.equals(value, valueOf((int) seq, k))) {
            problems.add("key-" + k + " holds a torn or mixed value claiming seq " + seq + " key " + key);
        } else if (seq < ackedBefore) {
            problems.add("key-" + k + " read seq " + seq + " after seq " + ackedBefore + " was acknowledged");
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
