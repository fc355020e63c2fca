package dev.basalt.internal.store;

import dev.basalt.BasaltException;
import dev.basalt.CompactionResult;
import dev.basalt.internal.compaction.CompactionHost;
import dev.basalt.internal.compaction.CompactionPass;
import dev.basalt.internal.compaction.GarbageRate;
import dev.basalt.internal.compaction.IoPacer;
import dev.basalt.internal.compaction.VictimPolicy;
import dev.basalt.internal.events.CompactionPassEvent;
import dev.basalt.internal.log.SegmentLog;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.agrona.collections.IntArrayList;
import org.agrona.concurrent.NanoClock;

/**
 * The store's compaction passes, one at a time: those asked for ({@code db.compact()}, the
 * offline tool), which take every segment past a dead-fraction threshold at a given rate, and
 * the background's, which keep the garbage budget of {@link VictimPolicy#background()} at the
 * pace the garbage needs ({@link GarbageRate}). Counts the passes that removed segments, and
 * tells the checkpoint schedule, since the last checkpoint may cover a removed segment.
 *
 * <p>Threads: any caller of {@code compact()} and the compaction thread; passes are serialised
 * here.
 */
final class CompactionRuns {
    private static final System.Logger LOG = System.getLogger(CompactionRuns.class.getName());

    private final OpenState open;
    private final SegmentLog log;
    private final Supplier<CompactionHost> host;
    /** Every pass's list of a victim's record offsets, under {@code passLock}: one pass at a time. */
    private final IntArrayList victimOffsets = new IntArrayList();
    private final CheckpointSchedule checkpointSchedule;
    private final NanoClock nanoClock;
    /** The floor of the background's pace, and the rate of a pass asked for without one. */
    private final long configuredBytesPerSecond;
    /** The background pass's pace follows it; read by the compaction thread. */
    private final GarbageRate garbageRate;
    private final Object passLock = new Object();
    private volatile long passesRun;
    private volatile long bytesReclaimed;

    CompactionRuns(OpenState open, SegmentLog log, Supplier<CompactionHost> host, CheckpointSchedule checkpointSchedule,
            NanoClock nanoClock, long configuredBytesPerSecond, GarbageRate garbageRate) {
        this.open = open;
        this.log = log;
        this.host = host;
        this.checkpointSchedule = checkpointSchedule;
        this.nanoClock = nanoClock;
        this.configuredBytesPerSecond = configuredBytesPerSecond;
        this.garbageRate = garbageRate;
    }

    /** Passes that removed at least one segment. */
    long passesRun() {
        return passesRun;
    }

    /** Bytes those passes reclaimed. */
    long bytesReclaimed() {
        return bytesReclaimed;
    }

    /** One pass over the sealed segments at least {@code deadFractionThreshold} dead, at the configured rate. */
    CompactionResult compact(double deadFractionThreshold, CompactionPass.ProgressListener progress) {
        return compact(deadFractionThreshold, progress, configuredBytesPerSecond);
    }

    /** One pass at a given rate (0: unpaced, offline). */
    CompactionResult compact(double deadFractionThreshold, CompactionPass.ProgressListener progress,
            long bytesPerSecond) {
        return run(new VictimPolicy(deadFractionThreshold), progress, () -> bytesPerSecond);
    }

    /**
     * The background's pass; returns the segments it compacted. A pass the store's state
     * refuses is skipped with a warning, and one that close() stopped counts nothing.
     */
    int background() {
        if (open.isClosed() || log.failed()) {
            return 0;
        }
        try {
            // The configured rate is a floor: else a sustained overwrite outruns it (issue 14).
            // Paced as if the victims were as live as the budget lets them be: the most I/O a
            // byte of garbage can cost under it.
            return run(VictimPolicy.background(), (done, total) -> { },
                    () -> garbageRate.compactionBytesPerSecond(configuredBytesPerSecond,
                            VictimPolicy.DEFAULT_DEAD_FRACTION))
                    .segmentsCompacted();
        } catch (BasaltException e) {
            LOG.log(System.Logger.Level.WARNING, "background compaction skipped: " + e.getMessage());
            return 0;
        } catch (IllegalStateException e) {
            if (open.isClosed()) {
                return 0; // close() stopped the pass between steps, as it should
            }
            throw e;
        }
    }

    private CompactionResult run(VictimPolicy victims, CompactionPass.ProgressListener progress,
            LongSupplier bytesPerSecond) {
        open.checkOpen();
        synchronized (passLock) {
            open.checkOpen();
            // Refused like a write after a failed fsync, even with nothing to do (the I/O-error
            // loop saw compact() return normally after the log's fsync had failed).
            open.checkLogHealthy();
            CompactionPassEvent passEvent = new CompactionPassEvent(); // JFR, off by default
            passEvent.begin();
            CompactionPass pass = new CompactionPass(host.get(), progress, IoPacer.parking(bytesPerSecond, nanoClock),
                    victimOffsets);
            CompactionResult result = pass.run(victims);
            passEvent.finish(log.directory().toString(), result.segmentsCompacted(), result.recordsCopied(),
                    result.bytesCopied(), result.tombstonesKept(), result.recordsDropped(), pass.recordsDroppedUnread(),
                    result.bytesReclaimed());
            if (result.segmentsCompacted() > 0) {
                checkpointSchedule.compactionRemovedSegments();
                passesRun++;
                bytesReclaimed += result.bytesReclaimed();
            }
            return result;
        }
    }
}
