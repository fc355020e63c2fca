package dev.basalt.internal.store;

import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.NanoClock;

/**
 * When the background checkpoint is due, and why not sooner.
 * <ul>
 *   <li>When the log grew by the configured interval since the last one, and by at least the
 *       last checkpoint's own size: checkpoints never write more bytes than the writers do,
 *       however large the indexes grow.</li>
 *   <li>Or when a compaction removed segments the last one covers: it is of no use to an open
 *       after that. At most once a second, however often passes run.</li>
 *   <li>Either way, not before {@link #HOLD_MULTIPLE} times as long as the last checkpoint held
 *       the append lock has passed since it, so checkpoints stop writers for at most
 *       1/{@value #HOLD_MULTIPLE} of the time. The hold is now only the memory copy of the
 *       indexes (5 to 10 ms at 1 M keys on the project's 2-vCPU VMs; the file is written from the
 *       copy after the lock is released), so the interval rules decide; the rule mattered when
 *       the file itself was written under the lock (about 270 ms at 1 M keys) and compaction,
 *       removing segments every second under sustained overwrite, asked for a checkpoint as
 *       often: checkpoints then stopped writers for a quarter of the time (issue 14's profile).
 *       It stays as the bound on what a checkpoint may cost the writers whatever the key count.</li>
 * </ul>
 * Threads: the checkpoint agent, except {@link #compactionRemovedSegments} (any thread).
 */
final class CheckpointSchedule {
    /** How many times its own lock hold must pass between two checkpoints. */
    static final int HOLD_MULTIPLE = 10;
    private static final long COMPACTION_SPACING_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final NanoClock clock;
    private long appendedAtLast;
    private long lastAtNanos;
    private long lastHoldNanos;
    private volatile boolean behindCompaction;

    CheckpointSchedule(NanoClock clock) {
        this.clock = clock;
    }

    /**
     * Whether a checkpoint is due, given the configured interval (bytes of log), the last
     * checkpoint's size and the bytes the log has taken since the store opened.
     */
    boolean due(long intervalBytes, long lastSizeBytes, long appendedBytes) {
        long sinceLast = clock.nanoTime() - lastAtNanos;
        if (lastAtNanos != 0 && sinceLast < HOLD_MULTIPLE * lastHoldNanos) {
            return false;
        }
        boolean grown = appendedBytes - appendedAtLast >= Math.max(intervalBytes, lastSizeBytes);
        return grown || behindCompaction && (lastAtNanos == 0 || sinceLast >= COMPACTION_SPACING_NANOS);
    }

    /** A checkpoint was written after the log took {@code appendedBytes}, holding the lock that long. */
    void written(long appendedBytes, long heldNanos) {
        behindCompaction = false;
        appendedAtLast = appendedBytes;
        lastAtNanos = clock.nanoTime();
        lastHoldNanos = heldNanos;
    }

    /** A compaction removed segments: the last checkpoint covers some of them. */
    void compactionRemovedSegments() {
        behindCompaction = true;
    }
}
