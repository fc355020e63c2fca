package dev.basalt.internal.log;

import dev.basalt.internal.env.CrashPoint;
import dev.basalt.internal.env.CrashPoints;
import dev.basalt.internal.env.FileIo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.function.LongPredicate;

/**
 * The hint files of sealed segments that a roll left to be written later, off the append lock.
 * A roll used to write the sealed segment's hint before the log took another record: a write of
 * about a third of the segment's size and two fsyncs (the tmp-force-move-fsync protocol), tens of
 * milliseconds during which every writer waited. A hint is an optimisation (an open without it
 * scans the segment, as after a crash between sealing and publishing), so it can wait for the
 * background thread.
 *
 * <p>A segment can be compacted away before its hint is written: the writer skips a segment the
 * log no longer holds, and deletes a hint it published for one that was retired while it wrote
 * (a crash in between leaves a hint without a segment, which the next open deletes with a
 * warning). Memory: each pending hint keeps its builder, about a third of a segment; a roll that
 * finds {@value #MAX_PENDING} pending writes the oldest itself, so a stalled background thread
 * cannot make them pile up.
 *
 * <p>Threads: {@link #add} under the append lock; {@link #writePending} from any thread, one at a
 * time (the background thread, a roll that found too many pending, and the close).
 */
final class SealedHints {
    private static final System.Logger LOG = System.getLogger(SealedHints.class.getName());
    static final int MAX_PENDING = 2;

    private record Pending(long segmentId, long dataEnd, HintFile.Builder hints) {
    }

    private final FileIo io;
    private final Path dir;
    private final long storeId;
    /** Guarded by itself. */
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    /** Serialises the writers; never taken by {@link #add}. */
    private final Object writing = new Object();

    SealedHints(FileIo io, Path dir, long storeId) {
        this.io = io;
        this.dir = dir;
        this.storeId = storeId;
    }

    /** The hint of a segment just sealed (and forced) at {@code dataEnd}; true when too many wait. */
    boolean add(long segmentId, long dataEnd, HintFile.Builder hints) {
        synchronized (pending) {
            pending.addLast(new Pending(segmentId, dataEnd, hints));
            return pending.size() > MAX_PENDING;
        }
    }

    /**
     * Writes the pending hints, oldest first, of the segments that {@code needed} says still want
     * one (the log holds them and no published checkpoint covers them); at most {@code max}. A
     * hint that cannot be written is logged and dropped, one no longer needed once written is
     * deleted.
     *
     * @return how many were taken off the list
     */
    int writePending(int max, LongPredicate needed) {
        synchronized (writing) {
            int taken = 0;
            Pending next;
            while (taken < max && (next = poll()) != null) {
                taken++;
                if (needed.test(next.segmentId())) {
                    write(next, needed);
                }
            }
            return taken;
        }
    }

    private Pending poll() {
        synchronized (pending) {
            return pending.pollFirst();
        }
    }

    private void write(Pending p, LongPredicate needed) {
        Path hint = dir.resolve(LogFormat.hintFileName(p.segmentId()));
        try {
            p.hints().write(io, dir, storeId, p.segmentId(), p.dataEnd());
            CrashPoints.hit(CrashPoint.ROLL_HINT_WRITTEN);
            if (!needed.test(p.segmentId())) {
                // Retired while it was written (an orphan otherwise), or a checkpoint published
                // meanwhile covers it (which deleted its hints before this one existed).
                io.deleteIfExists(hint);
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "no hint written for sealed segment " + p.segmentId()
                    + " (an open scans it instead): " + e);
        }
    }
}
