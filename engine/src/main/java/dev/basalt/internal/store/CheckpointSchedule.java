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
 *   <li>Either way, not before {@link #COST_MULTIPLE} times the processor time the last
 *       checkpoint took (its copies and its file, from the reservation of the copies' memory to
 *       the publish; not the fsyncs' waits) has passed since it, so checkpoints take at most
 *       1/{@value #COST_MULTIPLE} of a core. Under
 *       sustained overwrite compaction removes segments every second; at 1 M keys a checkpoint
 *       takes 200 to 300 ms, of which about 1 ms with writers stopped, on the project's 2-vCPU
 *       VMs. Spacing by the lock hold alone let one come every second, and its file writing,
 *       beside the writer and the compaction thread on two cores, cost the writer half its
 *       throughput (issue 14's sustained-overwrite run).
 *       Why not more than ten: the price is a longer log tail to replay after a kill.</li>
 * </ul>
 * Threads: the checkpoint agent, except {@link #compactionRemovedSegments} (any thread).
 */
final class CheckpointSchedule {
    /** How many times its own duration must pass between two checkpoints. */
    static final int COST_MULTIPLE = 10;
    private static final long COMPACTION_SPACING_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final NanoClock clock;
    private long appendedAtLast;
    private long lastAtNanos;
    private long lastCostNanos;
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
        if (lastAtNanos != 0 && sinceLast < COST_MULTIPLE * lastCostNanos) {
            return false;
        }
        boolean grown = appendedBytes - appendedAtLast >= Math.max(intervalBytes, lastSizeBytes);
        return grown || behindCompaction && (lastAtNanos == 0 || sinceLast >= COMPACTION_SPACING_NANOS);
    }

    /**
     * A checkpoint was captured after the log took {@code appendedBytes}: what it covers is
     * settled here, while the lock is still held; {@link #took} gives its cost once its file is
     * written, before the schedule is asked again (both on the checkpoint agent).
     */
    void written(long appendedBytes) {
        behindCompaction = false;
        appendedAtLast = appendedBytes;
        lastAtNanos = clock.nanoTime();
    }

    /** The last checkpoint took {@code nanos} of processor time until its file was published. */
    void took(long nanos) {
        lastCostNanos = nanos;
    }

    /** A compaction removed segments: the last checkpoint covers some of them. */
    void compactionRemovedSegments() {
        behindCompaction = true;
    }
}
