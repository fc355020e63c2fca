package dev.basalt.internal.store;

import dev.basalt.internal.log.Segment;
import org.agrona.DirectBuffer;

/**
 * A live record whose segment is held mapped for as long as the caller needs it (a value stream
 * that outlives its read epoch): the value and metadata ranges stay readable until
 * {@link #release()}, which must be called exactly once.
 */
public final class RetainedValue {
    private final Segment segment;
    private final RecordView view;

    RetainedValue(Segment segment, int recordOffset) {
        this.segment = segment;
        this.view = new RecordView().wrap(segment.buffer(), recordOffset);
    }

    /** The record; valid until {@link #release()}. */
    public RecordView record() {
        return view;
    }

    /** The memory of the value, for reads after the lookup. */
    public DirectBuffer buffer() {
        return view.buffer();
    }

    /** Lets the segment go; the record must not be touched afterwards. */
    public void release() {
        segment.release();
    }
}
