package dev.basalt;

import dev.basalt.internal.store.RetainedValue;
import java.io.InputStream;
import java.lang.ref.Cleaner;

/**
 * A stored value read straight from the segment's memory map, never copied whole onto the
 * heap. Holds a reference on the segment until closed or read to the end, so the mapping
 * stays valid however long the caller takes. Not thread-safe, like any InputStream. A stream
 * dropped without being closed or read to the end is released by the garbage collector, with a
 * warning naming the key ({@link StreamLease}).
 */
final class ValueStream extends InputStream {
    private RetainedValue segment;
    private final int start;
    private final int length;
    private int position;
    private int mark;
    private final Cleaner.Cleanable lease;

    ValueStream(RetainedValue value, String namespace, String key) {
        this.segment = value;
        this.start = value.record().valueOffset();
        this.length = value.record().valueLength();
        this.lease = StreamLease.watch(this, value::release, "a segment", namespace, key);
    }

    @Override
    public int read() {
        if (!ensureOpen()) {
            return -1;
        }
        int b = segment.buffer().getByte(start + position) & 0xFF;
        position++;
        releaseAtEnd();
        return b;
    }

    @Override
    public int read(byte[] target, int offset, int count) {
        java.util.Objects.checkFromIndexSize(offset, count, target.length);
        if (count == 0) {
            return 0;
        }
        if (!ensureOpen()) {
            return -1;
        }
        int n = Math.min(count, length - position);
        segment.buffer().getBytes(start + position, target, offset, n);
        position += n;
        releaseAtEnd();
        return n;
    }

    @Override
    public long skip(long n) {
        if (n <= 0 || segment == null) {
            return 0;
        }
        int skipped = (int) Math.min(n, length - position);
        position += skipped;
        releaseAtEnd();
        return skipped;
    }

    @Override
    public int available() {
        return segment == null ? 0 : length - position;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    @Override
    public synchronized void mark(int readLimit) {
        mark = position;
    }

    @Override
    public synchronized void reset() throws java.io.IOException {
        throw new java.io.IOException("mark/reset not supported (mark at " + mark + ")");
    }

    private boolean ensureOpen() {
        return segment != null && position < length || releaseAtEnd();
    }

    /** Releases the segment once everything is read; returns false (nothing left). */
    private boolean releaseAtEnd() {
        if (segment != null && position >= length) {
            lease.clean(); // releases the segment
            segment = null;
        }
        return false;
    }

    @Override
    public void close() {
        if (segment != null) {
            lease.clean(); // releases the segment
            segment = null;
        }
    }
}
