package dev.basalt.internal.store;

import dev.basalt.internal.log.Records;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * What the API reads of a live record, without knowing the log's layout: the key, the value,
 * the expiration and the metadata, each as a range of {@link #buffer()}. Valid only inside the
 * call that hands it out (a read epoch): the buffer is a segment's memory map, which may be
 * released once the call returns. Copy what must outlive it.
 */
public final class RecordView {
    private UnsafeBuffer buffer;
    private int offset;

    RecordView wrap(UnsafeBuffer segment, int recordOffset) {
        this.buffer = segment;
        this.offset = recordOffset;
        return this;
    }

    /** The memory the ranges below are in. */
    public DirectBuffer buffer() {
        return buffer;
    }

    public int keyOffset() {
        return Records.keyOffset(buffer, offset);
    }

    public int keyLength() {
        return Records.keyLength(buffer, offset);
    }

    public int valueOffset() {
        return Records.valueOffset(buffer, offset);
    }

    public int valueLength() {
        return Records.valueLength(buffer, offset);
    }

    public int metadataOffset() {
        return Records.metadataOffset(buffer, offset);
    }

    /** 0 when the record has no metadata. */
    public int metadataLength() {
        return Records.metadataLength(buffer, offset);
    }

    /** Epoch seconds, or {@code Limits.NO_EXPIRATION}. */
    public long expirationEpochSeconds() {
        return Records.expirationEpochSeconds(buffer, offset);
    }

    /** Reads a record found live; runs inside a read epoch. */
    @FunctionalInterface
    public interface Reader<T> {
        T read(RecordView record);
    }

    /** Receives each record a listing finds live; runs inside a read epoch. */
    @FunctionalInterface
    public interface Visitor {
        void visit(RecordView record);
    }
}
