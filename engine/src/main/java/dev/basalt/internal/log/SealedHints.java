package dev.basalt.internal.log;

import dev.basalt.BasaltException;
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
 * <p>A hint lives until a published checkpoint covers its segment whole
 * ({@link #checkpointPublished}): then it is deleted, or not written if still pending, since an
 * open that trusts the checkpoint reads no hint of such a segment and one that cannot rescans it.
 *
 * <p>It also sets aside the active segment's hint from a clean close, renamed by the first append
 * after the open so that no crash after new appends can find it ({@link #beforeAppend}), and
 * deletes the renamed file later ({@link #deleteRetired}), off the append lock: a delete drops
 * the file's cached pages, milliseconds the append need not wait for.
 *
 * <p>Threads: {@link #add} under the append lock; {@link #writePending} from any thread, one at a
 * time (the background thread, a roll that found too many pending, and the close);
 * {@link #checkpointPublished}, {@link #retired} and {@link #deleteRetired} from any thread;
 * {@link #setAsideBeforeFirstAppend} at open and {@link #beforeAppend} under the append lock.
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
    /** Segments below this id are covered whole by a published checkpoint: they need no hint. */
    private volatile long neededFrom;
    /** Serialises the writers; never taken by {@link #add}. */
    private final Object writing = new Object();
    /** Set-aside hints to delete; guarded by itself. */
    private final ArrayDeque<Path> retired = new ArrayDeque<>();
    /**
     * The segment whose clean-close hint the first append sets aside, or {@link #NONE}; set at
     * open, cleared under the append lock. Volatile because nothing else orders the open before
     * an append on a thread the store was handed to racily, and a hint left in place would cost
     * acknowledged writes after a crash.
     */
    private volatile long hintToSetAside = NONE;
    private static final long NONE = -1;

    SealedHints(FileIo io, Path dir, long storeId) {
        this.io = io;
        this.dir = dir;
        this.storeId = storeId;
    }

    /**
     * The hint a scan at open rebuilt for sealed segment {@code id}: left to the background
     * thread like a roll's; when more than {@link #MAX_PENDING} wait, the oldest is written now,
     * so an open that rescans many segments does not hold all their hints in memory.
     */
    void addRebuilt(long id, long dataEnd, HintFile.Builder hints, LongPredicate installed) {
        if (add(id, dataEnd, hints)) {
            writePending(1, installed);
        }
    }

    /** The hint of a segment just sealed (and forced) at {@code dataEnd}; true when too many wait. */
    boolean add(long segmentId, long dataEnd, HintFile.Builder hints) {
        synchronized (pending) {
            pending.addLast(new Pending(segmentId, dataEnd, hints));
            return pending.size() > MAX_PENDING;
        }
    }

    /** The open found a clean close's hint of active segment {@code id}: {@link #beforeAppend} sets it aside. */
    void setAsideBeforeFirstAppend(long id) {
        hintToSetAside = id;
    }

    /**
     * Before every append, under the append lock: sets a clean close's hint of the active
     * segment aside, durably, before anything is appended after the open, so that after a crash
     * it can never describe a data end that appends moved on (nor leave a record past it for the
     * next open to take as intact, {@code LogRecovery.readyActive}). Here and not at the open, so
     * that an open writes nothing and a store that is only read never pays. Renamed, not
     * deleted: a delete drops the file's cached pages (4 ms at 1 M keys), which
     * {@link #deleteRetired} does later off the append lock.
     *
     * @throws BasaltException when the rename or the directory's fsync fails (nothing appended)
     */
    void beforeAppend() {
        if (hintToSetAside == NONE) {
            return;
        }
        long id = hintToSetAside;
        Path setAside = dir.resolve(LogFormat.retiredHintFileName(id));
        try {
            io.atomicMove(dir.resolve(LogFormat.hintFileName(id)), setAside);
            io.forceDirectory(dir);
        } catch (IOException e) {
            throw new BasaltException("cannot set aside the clean close's hint of segment " + id
                    + " before appending (nothing was appended): " + e, e);
        }
        hintToSetAside = NONE;
        retired(setAside);
    }

    /** A hint set aside ({@link LogFormat#RETIRED_HINT_SUFFIX}), for {@link #deleteRetired} to delete. */
    void retired(Path hint) {
        synchronized (retired) {
            retired.addLast(hint);
        }
    }

    /**
     * Writes the pending hints, oldest first, of the segments {@code installed} still says the log
     * holds and no published checkpoint covers whole; at most {@code max}. A hint that cannot be
     * written is logged and dropped, one no longer needed once written is deleted.
     *
     * @return how many were taken off the list
     */
    int writePending(int max, LongPredicate installed) {
        LongPredicate needed = id -> id >= neededFrom && installed.test(id);
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

    /** Deletes the hints set aside; not under the append lock. Returns how many. */
    int deleteRetired() {
        int deleted = 0;
        for (Path hint = pollRetired(); hint != null; hint = pollRetired()) {
            try {
                io.deleteIfExists(hint);
                deleted++;
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot delete " + hint + ", a set-aside hint: " + e);
            }
        }
        return deleted;
    }

    private Path pollRetired() {
        synchronized (retired) {
            return retired.pollFirst();
        }
    }

    private Pending poll() {
        synchronized (pending) {
            return pending.pollFirst();
        }
    }

    /**
     * A checkpoint that covers {@code covered} was published: the segments it covers whole (every
     * one it names but the last, which was active then and whose records after the covered end an
     * open still replays from its hint) need no hint any more. Their hints are deleted, and a
     * pending one is not written (one being written now is deleted when it is done). Ids only
     * grow, so every segment below the last one named existed at the capture and is covered
     * whole. No fsync: a hint that survives a power loss is correct, and the next publish deletes
     * it.
     */
    void checkpointPublished(CoveredLog covered) {
        neededFrom = Math.max(neededFrom, covered.activeSegmentId());
        long[] ids = covered.segmentIds();
        for (int i = 0; i < ids.length - 1; i++) {
            Path hint = dir.resolve(LogFormat.hintFileName(ids[i]));
            try {
                io.deleteIfExists(hint);
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot delete " + hint + ", which a checkpoint covers: " + e);
            }
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
