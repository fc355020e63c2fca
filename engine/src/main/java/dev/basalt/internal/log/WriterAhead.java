package dev.basalt.internal.log;

import java.io.IOException;

/**
 * What an appending writer hands to another thread rather than do under the append lock, and
 * the hooks that wake that thread (the store's work-ahead thread):
 * <ul>
 *   <li>{@link #onForceStepAppended}: the active segment passed another eighth of its capacity,
 *       or 4 MiB if that is more ({@code PERIODIC} forces it behind the writer, so a roll's force
 *       finds little to do);</li>
 *   <li>{@link #onPrepareWanted}: the next hint chunk was taken ({@link SpareChunk}), the
 *       mapped segment's backed pages run low ({@link ActiveSegment#backingRunsLow}), or the
 *       appends reached the segment's last quarter and the next segment's file is still to be
 *       made ({@link SegmentFileAhead}): the thread calls
 *       {@link SegmentLog#prepareAhead}.</li>
 * </ul>
 * A hook runs on the writer, under the append lock: it must not block.
 */
public final class WriterAhead {
    private static final System.Logger LOG = System.getLogger(WriterAhead.class.getName());
    private final SpareChunk spareChunk = new SpareChunk();
    private final SegmentFileAhead nextSegment;
    private volatile Runnable forceStepAppended;
    private volatile Runnable prepareWanted;

    WriterAhead(SegmentFileAhead nextSegment) {
        this.nextSegment = nextSegment;
    }

    /** Has {@code hook} run each time the appends pass another force step of the active segment; set once, at open. */
    public void onForceStepAppended(Runnable hook) {
        this.forceStepAppended = hook;
    }

    /** Has {@code hook} run when {@link SegmentLog#prepareAhead} has work; set once, at open. */
    public void onPrepareWanted(Runnable hook) {
        this.prepareWanted = hook;
    }

    /**
     * Readies the next hint chunk, backs {@code active}'s pages ahead of the writer and, once
     * the appends reached its last quarter, makes the next segment's file. A failure to back
     * (disk full) is left to the writer, which backs what it needs itself and reports it; a
     * failure to make the file, to the roll.
     */
    void prepare(ActiveSegment active) {
        spareChunk.prepare();
        if (active == null) {
            return;
        }
        try {
            active.backAhead();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "backing " + active.segment.path() + " ahead failed: " + e);
        }
        if (active.nextFileDue()) {
            nextSegment.make(active.segment.id() + 1);
        }
    }

    SpareChunk spareChunk() {
        return spareChunk;
    }

    SegmentFileAhead nextSegment() {
        return nextSegment;
    }

    /** After an append to {@code target}: wakes the hooks that have work. Writer-only. */
    void afterAppend(ActiveSegment target) {
        Runnable forceStep = forceStepAppended;
        if (forceStep != null && target.passedAnotherForceStep()) {
            forceStep.run();
        }
        Runnable prepare = prepareWanted;
        if (prepare != null && (!spareChunk.ready() || target.backingRunsLow()
                || target.wantsNextFile() && nextSegment.wanted(target.segment.id() + 1))) {
            prepare.run();
        }
    }
}
