package dev.basalt.internal.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.Basalt;
import dev.basalt.BasaltInternals;
import dev.basalt.BasaltOptions;
import dev.basalt.Durability;
import dev.basalt.KvNamespace;
import dev.basalt.PutOptions;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A writer that finds the append lock taken looks its key up before it waits
 * ({@code WritePath.lockForWrite}, {@link Reads#touch}). That lookup changes nothing: the writes
 * made while the lock was held land as given once it is released, and a writer whose namespace
 * is dropped while it waits is told so instead of writing into it.
 */
class WriterWaitingForTheLockTest {
    @TempDir
    Path dir;

    private static BasaltOptions options() {
        return BasaltOptions.defaults().withDurability(Durability.PERIODIC);
    }

    @Test
    void writesMadeWhileTheLockWasHeldLandAsGiven() throws Exception {
        try (Basalt db = Basalt.open(dir, options())) {
            KvNamespace ns = filled(db, "ns");
            WritePath writes = BasaltInternals.store(db).writes();
            List<Waiting> waiting = new ArrayList<>();
            writes.lock();
            try {
                waiting.add(Waiting.start(() -> ns.put("k/0005", "new-5")));
                waiting.add(Waiting.start(() -> ns.put("k/new", "added")));
                waiting.add(Waiting.start(() -> ns.delete("k/0007")));
                waiting.add(Waiting.start(() -> ns.put(ascii("k/0009"), ascii("new-9"), PutOptions.none())));
                for (Waiting w : waiting) {
                    w.awaitParked();
                }
                assertThat(ns.get("k/0005")).as("nothing written while the lock is held").isEqualTo("old-5");
                assertThat(ns.get("k/new")).isNull();
            } finally {
                writes.unlock();
            }
            for (Waiting w : waiting) {
                assertThat(w.outcome()).isNull();
            }
            assertThat(ns.get("k/0005")).isEqualTo("new-5");
            assertThat(ns.get("k/new")).isEqualTo("added");
            assertThat(ns.get("k/0007")).isNull();
            assertThat(ns.get("k/0009")).isEqualTo("new-9");
            assertThat(ns.get("k/0006")).isEqualTo("old-6");
        }
    }

    @Test
    void aWriterWhoseNamespaceIsDroppedWhileItWaitsIsToldSo() throws Exception {
        try (Basalt db = Basalt.open(dir, options())) {
            KvNamespace gone = filled(db, "gone");
            WritePath writes = BasaltInternals.store(db).writes();
            Waiting writer;
            writes.lock();
            try {
                writer = Waiting.start(() -> gone.put("k/0001", "late"));
                writer.awaitParked();
                assertThat(db.dropNamespace("gone")).isTrue(); // the lock is reentrant: this thread holds it
            } finally {
                writes.unlock();
            }
            assertThat(writer.outcome()).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("gone").hasMessageContaining("dropped");
            assertThat(db.namespace("gone").get("k/0001")).as("a new namespace of that name is empty").isNull();
        }
    }

    /** Namespace {@code name} with keys k/0000 to k/0999, each holding "old-" and its number. */
    private static KvNamespace filled(Basalt db, String name) {
        KvNamespace ns = db.namespace(name);
        for (int i = 0; i < 1000; i++) {
            ns.put(String.format("k/%04d", i), "old-" + i);
        }
        return ns;
    }

    private static ByteBuffer ascii(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
    }

    /** A write on a thread of its own, and what it threw. */
    private static final class Waiting {
        private final Thread thread;
        private final AtomicReference<Throwable> thrown = new AtomicReference<>();

        private Waiting(Runnable write) {
            thread = new Thread(() -> {
                try {
                    write.run();
                } catch (Throwable t) {
                    thrown.set(t);
                }
            }, "waiting-writer");
        }

        static Waiting start(Runnable write) {
            Waiting waiting = new Waiting(write);
            waiting.thread.start();
            return waiting;
        }

        /** Until the writer parks on the lock (past its spin). */
        void awaitParked() throws InterruptedException {
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (thread.getState() != Thread.State.WAITING) {
                assertThat(System.nanoTime()).as("the writer parks on the held lock").isLessThan(deadline);
                assertThat(thread.isAlive()).as("the writer waits, it does not finish").isTrue();
                Thread.sleep(1);
            }
        }

        /** What the write threw, null when it returned; after it ended. */
        Throwable outcome() throws InterruptedException {
            thread.join(10_000);
            assertThat(thread.isAlive()).as("the writer finished").isFalse();
            return thrown.get();
        }
    }
}
