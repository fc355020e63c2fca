package dev.basalt.internal.compaction;

import dev.basalt.internal.log.SegmentLog;
import java.util.Arrays;
import org.agrona.DirectBuffer;
import org.agrona.collections.IntArrayList;

/**
 * What a compaction pass needs from the engine that runs it, and nothing more: the log, the
 * per-segment figures, the append lock one batch at a time, the live keys of each namespace,
 * and a way to wait out readers. The engine implements it; the pass never sees the engine's
 * fields, so the compactor depends on the log and this interface only.
 */
public interface CompactionHost {
    /** The log whose sealed segments the pass rewrites and to whose end it copies. */
    SegmentLog log();

    /** Live bytes and lowest sequence per segment; read and changed under the append lock. */
    SegmentUsage usage();

    /**
     * Takes the append lock ahead of waiting writers, for one short step of the pass, and fails
     * with {@link IllegalStateException} (lock released) when the store is closed.
     */
    void lockStep();

    /** Releases the lock {@link #lockStep()} took. */
    void unlockStep();

    /**
     * Whether a writer (or any other thread) waits for the append lock; any thread, no lock
     * held. The pass lets such a thread through between two records, so that a writer waits for
     * at most one record's work. Hosts with no writers (the offline tool) never have one.
     */
    default boolean writerWaiting() {
        return false;
    }

    /**
     * The lowest segment id that holds a record whose index update still waits for its group
     * commit ({@code Long.MAX_VALUE} when none): such a segment must not be a victim yet, or an
     * acknowledged write would look dead. Under the append lock.
     */
    long firstSegmentWithPendingUpdate();

    /** The live keys of the namespace named by these bytes; null when it does not exist (dropped). */
    LiveKeys liveKeys(DirectBuffer name, int offset, int length);

    /**
     * For the victim's records at {@code offsets[from, to)}, sets {@code superseded[i - from]}
     * for each {@code PUT} whose key the index certainly no longer points at, without the append
     * lock; the others are decided under the lock as before. Such a record stays superseded (a
     * victim holds no record whose index update is pending, and a location is never pointed at
     * again once left), so the pass drops it without taking the lock, and the index probe, a
     * cache miss a record, is paid while writers run. Any thread. Hosts whose index has no
     * lock-free reads mark nothing, which is always correct.
     *
     * <p>A record the caller must not drop this way, whatever the index says, is never marked:
     * one whose expiration has passed by {@code nowEpochSeconds} (the pass may have to keep a
     * tombstone for it).
     */
    default void markSuperseded(DirectBuffer segment, long segmentId, IntArrayList offsets, int from, int to,
            long nowEpochSeconds, boolean[] superseded) {
        Arrays.fill(superseded, 0, to - from, false);
    }

    /** Returns once every reader that started before the call has left (so old locations are unreachable). */
    void awaitReaders();

    /**
     * Runs {@code change} holding the lock that close takes before it releases the directory,
     * after checking the store is open ({@link IllegalStateException} when closed), so that a
     * pass never writes into a directory the store no longer owns.
     */
    void changeFiles(Runnable change);

    /** Epoch seconds now, from the store's clock. */
    long nowEpochSeconds();

    /** Bytes of a new segment: the headroom a pass keeps free beyond what it copies. */
    long segmentSizeBytes();
}
