package dev.basalt.internal.store;

import dev.basalt.internal.checkpoint.CheckpointContent;
import dev.basalt.internal.checkpoint.UnlistedKeys;
import dev.basalt.internal.env.CopySpace;
import dev.basalt.internal.env.TrackedCopy;
import dev.basalt.internal.env.WriteTrail;
import dev.basalt.internal.log.CoveredLog;
import dev.basalt.internal.log.SegmentLog;
import org.agrona.concurrent.NanoClock;

/**
 * The checkpoint the background thread takes when {@link CheckpointSchedule} says one is due
 * (the protocol is in {@code docs/format.md}, "When it is written"):
 * <ol>
 *   <li>memory for the copies is reserved ({@link CopySpace}), and the new keys the writers owe
 *       the listings are listed ({@link ListingCatchUp#listOwedNewKeys()}: this thread's work
 *       when it is not checkpointing), with no lock held;</li>
 *   <li>under the append lock, briefly: copies of every namespace's index and listing start
 *       ({@link PreCopies}), and from then on the writers record what they store into them;</li>
 *   <li>without the lock: the copying, then the owed keys listed again;</li>
 *   <li>under the lock, briefly: the copies marked ({@link PreCopies#mark}); without it, what
 *       the writers stored up to the mark copied again ({@link PreCopies#catchUp}), so that the
 *       capture copies only what they stored after it, and room made for the capture's copy of
 *       the keys owed ({@link OwedKeysRoom}); twice ({@link #CATCH_UP_ROUNDS});</li>
 *   <li>under the lock again: the copies are made exact (what the writers stored meanwhile is
 *       copied again), and the log position, expiry entries, segment figures and the new keys
 *       the writers owe the listings are captured, the keys as they stand
 *       ({@link dev.basalt.internal.checkpoint.UnlistedKeys}): listing them here kept the
 *       writers waiting for a descent of the listing a key;</li>
 *   <li>without the lock: the owed keys listed again, and the file written from the copies
 *       and published.</li>
 * </ol>
 * The writers wait for steps 2, 4 and 5 only. One thread, the checkpoint agent's.
 */
final class BackgroundCheckpoint {
    /**
     * Marks and catch-ups before the capture: the first copies again what the writers stored
     * during the copying, the second what they stored during the first, so that the capture
     * copies only what they stored during the second. Measured at 0.5 M keys of a load (four
     * loads each, timing prints): captures of 14.8-49.9 ms with one round, 10.6-29.4 with two,
     * the second mark's hold under 1 ms; the copy under the capture's lock was not clearly
     * smaller, so most of what is left there is not the trail.
     */
    static final int CATCH_UP_ROUNDS = 2;
    private static final java.lang.management.ThreadMXBean THREAD_CPU =
            java.lang.management.ManagementFactory.getThreadMXBean();

    /**
     * The classes the holds of the append lock use and nothing before them does: the first
     * checkpoint of a process loaded each under the lock (class-load logs: 0.2-3 ms apiece, from
     * a large class path), with the writers waiting. This thread loads them on its first round,
     * before any checkpoint is due and without costing the open anything.
     */
    private static void loadLockedClassesAhead() {
        for (Class<?> type : new Class<?>[] {NamespaceImages.StartedCopy.class, TrackedCopy.class,
                TrackedCopy.Mark.class, WriteTrail.class, WriteTrail.Recorded.class, CoveredLog.ActiveHints.class,
                UnlistedKeys.class, CheckpointContent.Namespace.class, Checkpoints.ExpiryCopy.class}) {
            try {
                Class.forName(type.getName(), true, type.getClassLoader()); // linked and initialised too
            } catch (ClassNotFoundException e) {
                throw new AssertionError(type + " was loaded a line above", e);
            }
        }
    }

    /** The capture under the append lock: the checkpoint's content, or null when none can be taken now. */
    @FunctionalInterface
    interface Capture {
        CheckpointContent captureLocked(CopySpace space, PreCopies preCopies);
    }

    private final long intervalBytes;
    private final NanoClock clock;
    private final CheckpointSchedule schedule;
    private final Checkpoints checkpoints;
    private final Namespaces namespaces;
    private final WritePath writes;
    private final SegmentLog log;
    private final OpenState open;
    private final Capture capture;
    /** Held while the copying reads namespaces without the lock; a dropped namespace's memory is released inside it. */
    private final Object namespaceMemory;
    /**
     * Lists the new keys the writers owe every listing ({@link ListingCatchUp#listOwedNewKeys()}),
     * which the thread running this checkpoint would otherwise be listing.
     */
    private final Runnable listOwedKeys;
    /** How long the writers waited for the checkpoint under way (its holds of the append lock). */
    private long heldNanos;
    /** Whether {@link #loadLockedClassesAhead} ran: on this thread's first round. */
    private boolean lockedClassesLoaded;

    BackgroundCheckpoint(long intervalBytes, NanoClock clock, CheckpointSchedule schedule, Checkpoints checkpoints,
            Namespaces namespaces, WritePath writes, SegmentLog log, OpenState open, Capture capture,
            Object namespaceMemory, Runnable listOwedKeys) {
        this.intervalBytes = intervalBytes;
        this.clock = clock;
        this.schedule = schedule;
        this.checkpoints = checkpoints;
        this.namespaces = namespaces;
        this.writes = writes;
        this.log = log;
        this.open = open;
        this.capture = capture;
        this.namespaceMemory = namespaceMemory;
        this.listOwedKeys = listOwedKeys;
    }

    /**
     * Runs {@code step} under the append lock, its hold added to {@link #heldNanos}; null, without
     * running it, once the store is closed or the log failed.
     */
    private <T> T underLock(java.util.function.Supplier<T> step) {
        writes.lock();
        try {
            if (open.isClosed() || log.failed()) {
                return null;
            }
            long lockedAt = clock.nanoTime();
            T result = step.get();
            heldNanos += clock.nanoTime() - lockedAt;
            return result;
        } finally {
            writes.unlock();
        }
    }

    /** Lists the keys the writers owe the listings; returns the processor time it took. */
    private long listOwedKeysTimed() {
        long from = THREAD_CPU.getCurrentThreadCpuTime();
        listOwedKeys.run();
        return THREAD_CPU.getCurrentThreadCpuTime() - from;
    }

    /** Takes a checkpoint if one is due; returns how many it wrote (0 or 1). */
    int runIfDue() {
        if (!lockedClassesLoaded) {
            loadLockedClassesAhead();
            lockedClassesLoaded = true;
        }
        if (intervalBytes == 0 || open.isClosed() || log.failed() || namespaces.anyListingBehind()
                || !schedule.due(intervalBytes, checkpoints.lastSizeBytes(), log.appendedBytes())) {
            return 0;
        }
        listOwedKeys.run();
        long cpuAtStart = THREAD_CPU.getCurrentThreadCpuTime();
        long listingCpuNanos;
        CheckpointContent copied;
        heldNanos = 0;
        try (CopySpace space = Checkpoints.reserveCopies(namespaces)) {
            PreCopies preCopies = underLock(() -> PreCopies.start(namespaces));
            if (preCopies == null) {
                return 0;
            }
            try {
                synchronized (namespaceMemory) {
                    preCopies.copy(space);
                }
                // Not after the mark: keys listed there would widen what the capture copies again.
                listingCpuNanos = listOwedKeysTimed();
                for (int round = 0; round < CATCH_UP_ROUNDS; round++) {
                    if (underLock(() -> {
                        preCopies.mark();
                        return Boolean.TRUE;
                    }) == null) {
                        return 0;
                    }
                    synchronized (namespaceMemory) {
                        preCopies.catchUp(space);
                    }
                }
                copied = underLock(() -> {
                    CheckpointContent content = capture.captureLocked(space, preCopies);
                    if (content != null) {
                        schedule.written(log.appendedBytes());
                    }
                    return content;
                });
            } finally {
                preCopies.discardRest();
            }
        }
        if (copied == null) {
            return 0;
        }
        listingCpuNanos += listOwedKeysTimed();
        checkpoints.writeCopy(copied, heldNanos, log);
        // What the schedule paces is the processor time checkpoints take from the writers, so
        // the fsyncs' waits do not count, nor does the listing of the owed keys (the catch-up's
        // work, done here in its stead).
        schedule.took(THREAD_CPU.getCurrentThreadCpuTime() - cpuAtStart - listingCpuNanos);
        return 1;
    }
}
