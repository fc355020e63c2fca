package dev.basalt.compaction;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.Basalt;
import dev.basalt.BasaltInternals;
import dev.basalt.BasaltOptions;
import dev.basalt.CompactionResult;
import dev.basalt.Durability;
import dev.basalt.KvNamespace;
import dev.basalt.internal.store.Store;
import java.lang.reflect.Field;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A compaction pass that runs while a GROUP_COMMIT write is appended but not yet applied to
 * the index (the window between {@code Store.write}'s append and the group-commit leader's
 * {@code syncAllAndApply}).
 *
 * <p>The window is made deterministic, not waited for: the test holds the group commit's
 * internal lock (white box, by reflection), so a writer appends its record and then waits in
 * {@code awaitDurable} with the append lock free. A second writer rolls the segment, so the
 * pending record sits in a sealed segment, and the test compacts. In production the same
 * interleaving needs only a pass that picks a just-sealed segment before its last writers'
 * fsync returns, which 1 MiB segments and a busy store make routine.
 *
 * <p>What must hold: the pending put is acknowledged and readable, before and after a
 * restart; the pending delete is acknowledged and the key stays deleted after a restart.
 */
class GroupCommitCompactionRaceTest {
    private static final String FILLER = "x".repeat(900);
    /** Larger than what is left of the segment once the test stops filling it, so it rolls. */
    private static final String ROLLER = "r".repeat(100_000);
    private static final long SEGMENT_BYTES = 1 << 20;
    private static final long FILL_UNTIL_FREE_BYTES = 50_000;

    @TempDir
    Path dir;

    private static BasaltOptions options() {
        return BasaltOptions.defaults().withDurability(Durability.GROUP_COMMIT).withSegmentSize(SEGMENT_BYTES)
                .withBackgroundCompaction(false);
    }

    @Test
    void aPutPendingInAJustSealedSegmentSurvivesCompaction() throws Exception {
        Outcome outcome;
        try (Basalt db = Basalt.open(dir, options())) {
            KvNamespace ns = db.namespace("NS");
            fillActiveSegmentWithChurn(db, ns);
            outcome = compactWhilePending(db, () -> ns.put("pending", "acknowledged value"),
                    () -> ns.put("roller", ROLLER));
            System.out.println("GroupCommitCompactionRaceTest put: " + outcome);
            assertThat(outcome.pendingFailure.get()).as("the pending put must be acknowledged").isNull();
            assertThat(outcome.rollerFailure.get()).as("the rolling put must be acknowledged").isNull();
            assertThat(outcome.result.segmentsCompacted())
                    .as("the sealed segment holding the pending put waits for a later pass").isZero();
            assertThat(ns.get("pending")).isEqualTo("acknowledged value");
            assertThat(db.compact().segmentsCompacted()).as("once applied, a later pass takes it").isPositive();
            assertThat(ns.get("pending")).isEqualTo("acknowledged value");
        }
        try (Basalt db = Basalt.open(dir, options())) {
            assertThat(db.namespace("NS").get("pending")).as("after a restart").isEqualTo("acknowledged value");
        }
    }

    @Test
    void aDeletePendingInAJustSealedSegmentIsNotUndoneByCompaction() throws Exception {
        Outcome outcome;
        try (Basalt db = Basalt.open(dir, options())) {
            KvNamespace ns = db.namespace("NS");
            ns.put("doomed", "old value");
            fillActiveSegmentWithChurn(db, ns);
            outcome = compactWhilePending(db, () -> ns.delete("doomed"), () -> ns.put("roller", ROLLER));
            System.out.println("GroupCommitCompactionRaceTest delete: " + outcome);
            assertThat(outcome.pendingFailure.get()).as("the pending delete must be acknowledged").isNull();
            assertThat(outcome.rollerFailure.get()).isNull();
            assertThat(outcome.result.segmentsCompacted())
                    .as("the sealed segment holding the pending delete waits for a later pass").isZero();
            assertThat(ns.get("doomed")).isNull();
            assertThat(db.compact().segmentsCompacted()).as("once applied, a later pass takes it").isPositive();
            assertThat(ns.get("doomed")).isNull();
        }
        try (Basalt db = Basalt.open(dir, options())) {
            assertThat(db.namespace("NS").get("doomed")).as("an acknowledged delete, after a restart").isNull();
        }
    }

    /** Overwrites a few keys until the active (first) segment is nearly full and mostly dead. */
    private static void fillActiveSegmentWithChurn(Basalt db, KvNamespace ns) {
        for (int i = 0; SEGMENT_BYTES - db.stats().totalLogBytes() > FILL_UNTIL_FREE_BYTES; i++) {
            ns.put("churn:" + (i % 10), FILLER);
        }
        assertThat(db.stats().segmentCount()).as("still one segment").isEqualTo(1);
    }

    /** What happened to the two writers and the pass. */
    private static final class Outcome {
        final AtomicReference<Throwable> pendingFailure = new AtomicReference<>();
        final AtomicReference<Throwable> rollerFailure = new AtomicReference<>();
        CompactionResult result;

        @Override
        public String toString() {
            return "pass " + result + ", pending writer failed with " + pendingFailure.get()
                    + ", rolling writer failed with " + rollerFailure.get();
        }
    }

    /**
     * Runs {@code pending} (its record lands in the active segment) and {@code roller} (seals
     * that segment) while both wait for group commit, compacts, then lets them finish.
     */
    private static Outcome compactWhilePending(Basalt db, Runnable pending, Runnable roller) throws Exception {
        Store store = BasaltInternals.store(db);
        ReentrantLock groupCommitLock = groupCommitLock(store);
        Outcome outcome = new Outcome();
        groupCommitLock.lock();
        Thread pendingWriter = start("pending-writer", pending, outcome.pendingFailure);
        Thread rollingWriter;
        try {
            awaitQueued(groupCommitLock, pendingWriter);
            int segments = db.stats().segmentCount();
            rollingWriter = start("rolling-writer", roller, outcome.rollerFailure);
            awaitQueued(groupCommitLock, rollingWriter);
            assertThat(db.stats().segmentCount()).as("the roller sealed the pending record's segment")
                    .isEqualTo(segments + 1);
            outcome.result = store.compact(0.0, (done, total) -> { });
        } finally {
            groupCommitLock.unlock();
        }
        pendingWriter.join(TimeUnit.SECONDS.toMillis(30));
        rollingWriter.join(TimeUnit.SECONDS.toMillis(30));
        assertThat(pendingWriter.isAlive() || rollingWriter.isAlive()).as("writers finished").isFalse();
        return outcome;
    }

    private static Thread start(String name, Runnable work, AtomicReference<Throwable> failure) {
        Thread thread = new Thread(() -> {
            try {
                work.run();
            } catch (Throwable t) {
                failure.set(t);
            }
        }, name);
        thread.start();
        return thread;
    }

    private static void awaitQueued(ReentrantLock lock, Thread thread) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!lock.hasQueuedThread(thread)) {
            assertThat(thread.isAlive()).as(thread.getName() + " is still running").isTrue();
            assertThat(System.nanoTime() - deadline).as(thread.getName() + " reached group commit").isNegative();
            Thread.sleep(1);
        }
    }

    /** White box: {@code Store.writes.groupCommit.lock}, held to keep appended writes pending. */
    private static ReentrantLock groupCommitLock(Store store) throws ReflectiveOperationException {
        Object writes = field(store, "writes");
        Object groupCommit = field(writes, "groupCommit");
        return (ReentrantLock) field(groupCommit, "lock");
    }

    private static Object field(Object owner, String name) throws ReflectiveOperationException {
        Field field = owner.getClass().getDeclaredField(name);
        field.setAccessible(true);
        return field.get(owner);
    }
}
