package dev.basalt.concurrency;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.Basalt;
import dev.basalt.BasaltOptions;
import dev.basalt.Durability;
import dev.basalt.KvNamespace;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Readers racing writers see either the whole old or the whole new value of a key, never a mix,
 * and never a version older than one whose put had returned before the read started. Values are
 * self-describing: every byte of version v is (byte) v and the length is 50 + v % 200, so a torn
 * or mixed value cannot pass. Bounded by operation counts, not time.
 */
class ReadWhileWriteTest {
    private static final int KEYS = 64;
    private static final int WRITES_PER_WRITER = 3_000;

    private static byte[] valueOf(int version) {
        byte[] value = new byte[50 + version % 200];
        java.util.Arrays.fill(value, (byte) version);
        return value;
    }

    private static String keyOf(int k) {
        return "key:" + k;
    }

    @ParameterizedTest
    @EnumSource(Durability.class)
    void readersSeeWholeValuesAndNeverGoBack(Durability durability, @TempDir Path dir) throws Exception {
        BasaltOptions options = BasaltOptions.defaults().withDurability(durability).withSegmentSize(1 << 20);
        try (Basalt db = Basalt.open(dir, options)) {
            KvNamespace ns = db.namespace("RACE");
            AtomicLongArray acknowledged = new AtomicLongArray(KEYS);
            AtomicBoolean done = new AtomicBoolean();
            ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                int writer = w;
                threads.add(new Thread(() -> {
                    await(start);
                    for (int i = 1; i <= WRITES_PER_WRITER; i++) {
                        int k = (i * 7 + writer) % KEYS;
                        if (k % 2 != writer) {
                            continue; // each key has one writer, so its versions only grow
                        }
                        int version = i;
                        ns.put(keyOf(k), valueOf(version));
                        acknowledged.set(k, version);
                    }
                }));
            }
            for (int r = 0; r < 2; r++) {
                threads.add(new Thread(() -> {
                    await(start);
                    ByteBuffer key = ByteBuffer.allocateDirect(32);
                    ByteBuffer dst = ByteBuffer.allocateDirect(512);
                    int k = 0;
                    while (!done.get()) {
                        k = (k + 1) % KEYS;
                        long floor = acknowledged.get(k);
                        key.clear();
                        key.put(keyOf(k).getBytes(StandardCharsets.UTF_8)).flip();
                        dst.clear();
                        int length = ns.read(key, dst);
                        if (length < 0) {
                            if (floor > 0) {
                                problems.add("key " + k + " absent after version " + floor + " was acknowledged");
                            }
                            continue;
                        }
                        byte first = dst.get(0);
                        if (newestVersionMatching(first, length) < floor) {
                            problems.add("key " + k + " went back: read a value older than acknowledged version "
                                    + floor + " (first byte " + (first & 0xFF) + ", length " + length + ")");
                        }
                        for (int i = 1; i < length; i++) {
                            if (dst.get(i) != first) {
                                problems.add("key " + k + " mixed value at byte " + i);
                                break;
                            }
                        }
                        byte[] viaGet = ns.get(keyOf(k), dev.basalt.ValueType.BYTES);
                        if (viaGet == null || viaGet.length == 0 || !allEqual(viaGet)) {
                            problems.add("key " + k + " get returned a mixed or missing value");
                        }
                    }
                }));
            }
            threads.forEach(Thread::start);
            start.countDown();
            for (int i = 0; i < 2; i++) {
                threads.get(i).join();
            }
            done.set(true);
            for (Thread t : threads) {
                t.join();
            }
            assertThat(problems).isEmpty();
            for (int k = 0; k < KEYS; k++) {
                long version = acknowledged.get(k);
                if (version > 0) {
                    assertThat(ns.get(keyOf(k), dev.basalt.ValueType.BYTES)).isEqualTo(valueOf((int) version));
                }
            }
        }
    }

    @Test
    void closeWhileReadersRunNeverCrashesAndLaterCallsThrow(@TempDir Path dir) throws Exception {
        Basalt db = Basalt.open(dir, BasaltOptions.defaults().withDurability(Durability.PERIODIC));
        KvNamespace ns = db.namespace("CLOSE");
        for (int k = 0; k < KEYS; k++) {
            ns.put(keyOf(k), valueOf(k));
        }
        ConcurrentLinkedQueue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> readers = new ArrayList<>();
        AtomicLongArray reads = new AtomicLongArray(2);
        for (int r = 0; r < 2; r++) {
            int reader = r;
            readers.add(new Thread(() -> {
                ByteBuffer key = ByteBuffer.allocateDirect(32);
                ByteBuffer dst = ByteBuffer.allocateDirect(512);
                for (int i = 0; !stop.get() && i < 5_000_000; i++) {
                    key.clear();
                    key.put(keyOf(i % KEYS).getBytes(StandardCharsets.UTF_8)).flip();
                    dst.clear();
                    try {
                        ns.read(key, dst);
                        reads.incrementAndGet(reader);
                    } catch (IllegalStateException closed) {
                        return;
                    } catch (Throwable t) {
                        unexpected.add(t);
                        return;
                    }
                }
            }));
        }
        readers.forEach(Thread::start);
        while (reads.get(0) + reads.get(1) < 10_000) {
            Thread.onSpinWait();
        }
        db.close();
        stop.set(true);
        for (Thread t : readers) {
            t.join();
        }
        assertThat(unexpected).isEmpty();
        assertThat(reads.get(0) + reads.get(1)).isGreaterThanOrEqualTo(10_000);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ns.get("key:1"))
                .isInstanceOf(IllegalStateException.class);
    }

    /** The newest version whose value has this first byte and length; -1 when none (a torn value). */
    private static int newestVersionMatching(byte first, int length) {
        for (int v = WRITES_PER_WRITER; v >= 1; v--) {
            if ((byte) v == first && 50 + v % 200 == length) {
                return v;
            }
        }
        return -1;
    }

    private static boolean allEqual(byte[] value) {
        for (byte b : value) {
            if (b != value[0]) {
                return false;
            }
        }
        return true;
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
