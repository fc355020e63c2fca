package dev.basalt.internal.store;

import dev.basalt.internal.env.Limits;
import dev.basalt.internal.log.Records;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * What the API reads of a live record, without knowing the log's layout: the key, the value,
 * the expiration and the metadata, each as a range of {@link #buffer()}. Valid only inside the
 * call that hands it out (a read epoch): the buffer is a segment's memory map, which may be
 * released once the call returns. Copy what must outlive it.
 *
 * <p>A {@code list} page may hand out a key without its record ({@link #wrapPlainKey}): a key the
 * listing knows has no expiration and no metadata. Then the buffer is the listing's memory, the
 * key range is all there is, and asking for the value is a bug ({@link IllegalStateException}).
 */
public final class RecordView {
    private static final int KEY_ONLY = -1;

    private DirectBuffer buffer;
    /** The record's offset in {@link #buffer}, or {@link #KEY_ONLY}. */
    private int offset;
    private int keyOffset;
    private int keyLength;

    RecordView wrap(UnsafeBuffer segment, int recordOffset) {
        this.buffer = segment;
        this.offset = recordOffset;
        return this;
    }

    /** A key with no expiration and no metadata, at {@code key[keyOffset, keyOffset + keyLength)}. */
    RecordView wrapPlainKey(DirectBuffer key, int keyOffset, int keyLength) {
        this.buffer = key;
        this.offset = KEY_ONLY;
        this.keyOffset = keyOffset;
        this.keyLength = keyLength;
        return this;
    }

    /** The memory the ranges below are in. */
    public DirectBuffer buffer() {
        return buffer;
    }

    public int keyOffset() {
        return offset == KEY_ONLY ? keyOffset : Records.keyOffset(buffer, offset);
    }

    public int keyLength() {
        return offset == KEY_ONLY ? keyLength : Records.keyLength(buffer, offset);
    }

    /** @throws IllegalStateException when this view holds a listed key only */
    public int valueOffset() {
        return Records.valueOffset(buffer, recordOffset());
    }

    /** @throws IllegalStateException when this view holds a listed key only */
    public int valueLength() {
        return Records.valueLength(buffer, recordOffset());
    }

    public int metadataOffset() {
        return offset == KEY_ONLY ? keyOffset + keyLength : Records.metadataOffset(buffer, offset);
    }

    /** 0 when the record has no metadata. */
    public int metadataLength() {
        return offset == KEY_ONLY ? 0 : Records.metadataLength(buffer, offset);
    }

    /** Epoch seconds, or {@code Limits.NO_EXPIRATION}. */
    public long expirationEpochSeconds() {
        return offset == KEY_ONLY ? Limits.NO_EXPIRATION : Records.expirationEpochSeconds(buffer, offset);
    }

    private int recordOffset() {
        if (offset == KEY_ONLY) {
            throw new IllegalStateException("a key listed without its record has no value to read");
        }
        return offset;
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
