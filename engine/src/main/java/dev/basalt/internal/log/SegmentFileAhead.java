package dev.basalt.internal.log;

import static dev.basalt.internal.log.LogFormat.TEMP_SUFFIX;
import static dev.basalt.internal.log.LogFormat.segmentFileName;

import dev.basalt.internal.env.CrashPoint;
import dev.basalt.internal.env.CrashPoints;
import dev.basalt.internal.env.FileIo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The next segment's file, made before the roll that needs it, once the appends reached the
 * active segment's last quarter ({@link ActiveSegment#wantsNextFile}): its header written, the
 * file extended to its capacity and forced, under a temporary name. A roll under the append lock then
 * only renames it, forces the directory and maps it. Under sustained overwrite at 1 M keys the
 * roll's new segment took 2.0-2.5 ms at the median with the file made there, 1.5-1.9 ms with it
 * made ahead, and its longest fell from 26-54 ms to 7-25 ms ({@code docs/benchmarks.md}, "The
 * next segment's file made ahead").
 *
 * <p>Why a temporary name of its own ({@code 000000000008.seg.ahead.tmp}): a file under the
 * segment's name would be taken by an open after a crash for the newest segment, and the one
 * before it, still being appended to, for a sealed one; a torn record at its end would then read
 * as damage, not as the end of the log. As a {@code .tmp} file it is never read, and an open
 * deletes it with every other. Not the roll's own temporary name, so that a roll that finds no
 * file ready makes its own without touching one being made.
 *
 * <p>Threads: {@link #make} the store's work-ahead thread; {@link #take} a roll, under the
 * append lock; {@link #wanted} the writer; {@link #discard} the close, after the work-ahead
 * thread has stopped. Nothing here blocks the writer: a roll that comes while the file is being
 * made makes its own, and the one made is discarded by the next {@link #make}.
 */
final class SegmentFileAhead {
    private static final System.Logger LOG = System.getLogger(SegmentFileAhead.class.getName());
    private static final long NONE = -1;

    private final FileIo io;
    private final Path dir;
    private final long storeId;
    private final long capacityBytes;
    /** The segment id whose file is made and not yet taken, or {@link #NONE}. */
    private final AtomicLong ready = new AtomicLong(NONE);
    /** The highest id a {@link #make} was started for (made, failed or being made). */
    private volatile long attempted = NONE;

    SegmentFileAhead(FileIo io, Path dir, long storeId, long capacityBytes) {
        this.io = io;
        this.dir = dir;
        this.storeId = storeId;
        this.capacityBytes = capacityBytes;
    }

    /** Whether segment {@code id}'s file is still to be made (not made, not tried). Writer-only, never blocks. */
    boolean wanted(long id) {
        return attempted < id;
    }

    /**
     * Makes segment {@code id}'s file unless it is made already; a file made for an earlier id and
     * not taken (a roll came first) is deleted. A failure (disk full) is logged and leaves the
     * roll to make the file, as it did before this class; it is not tried again for this id.
     */
    void make(long id) {
        if (attempted >= id) {
            return;
        }
        attempted = id;
        discardStale(id);
        Path file = fileFor(id);
        try {
            io.deleteIfExists(file); // left by a make that failed, or by a crash the open has not cleared
            ActiveSegment.makeFile(io, file, storeId, id, capacityBytes);
            CrashPoints.hit(CrashPoint.SEGMENT_MADE_AHEAD);
            ready.set(id);
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "making segment " + id + "'s file ahead failed (the roll makes it): "
                    + e);
            deleteQuietly(file);
        }
    }

    /** The made file of segment {@code id}, handed over to the caller, or null when none is ready. */
    Path take(long id) {
        return ready.compareAndSet(id, NONE) ? fileFor(id) : null;
    }

    /** Deletes the file made and not taken, if any: at close. */
    void discard() {
        long id = ready.getAndSet(NONE);
        if (id != NONE) {
            deleteQuietly(fileFor(id));
        }
    }

    private void discardStale(long wantedId) {
        long id = ready.get();
        if (id != NONE && id < wantedId && ready.compareAndSet(id, NONE)) {
            deleteQuietly(fileFor(id));
        }
    }

    private Path fileFor(long id) {
        return dir.resolve(segmentFileName(id) + ".ahead" + TEMP_SUFFIX);
    }

    private void deleteQuietly(Path file) {
        try {
            io.deleteIfExists(file);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "cannot delete " + file + " (the next open does): " + e);
        }
    }
}
