package dev.basalt.internal.env;

/**
 * The byte ranges a single writer stored into chunked memory while a {@link TrackedCopy} of it
 * was being taken: enough to bring that copy up to date later. One {@code long} a range:
 * chunk index (below 2^21), offset in the chunk (up to 2^31) and length (up to 4095), packed
 * so that a put's two or three stores cost two or three array writes and no allocation.
 *
 * <p>The trail has a cap, {@link #MAX_RANGES}: past it, it stops recording and says it
 * {@link #overflowed}, and the copy it served is taken again in full. A copy of 530 MB takes
 * about 0.1 s on the project's VMs, in which a writer makes some 15,000 puts and 50,000 stores;
 * the cap is 80 times that.
 *
 * <p>Threads: written by the memory's writer, read by the copier, both holding the writers'
 * lock (the lock orders them; nothing here is volatile); or read by the copier without the lock
 * through a {@link #recorded} snapshot taken under it: the writer only appends after the
 * snapshot's end, or into a new array, so the snapshot's ranges never change.
 */
public final class WriteTrail {
    /** Ranges recorded at most (32 MiB of trail); past this, {@link #overflowed}. */
    static final int MAX_RANGES = 1 << 22;
    /** Bytes of one range at most: {@value}; a longer store is recorded as several ranges. */
    static final int MAX_RANGE_BYTES = (1 << 12) - 1;
    private static final int LENGTH_BITS = 12;
    private static final int OFFSET_BITS = 31;

    private long[] ranges = new long[1024];
    private int size;
    private boolean overflowed;
    private boolean closed;

    /** Records that {@code length} bytes at {@code offset} of chunk {@code chunk} were stored. Writer. */
    public void wrote(int chunk, int offset, int length) {
        if (closed || overflowed) {
            return;
        }
        for (int done = 0; done < length; done += MAX_RANGE_BYTES) {
            add(chunk, offset + done, Math.min(MAX_RANGE_BYTES, length - done));
        }
    }

    private void add(int chunk, int offset, int length) {
        if (size == ranges.length) {
            if (size == MAX_RANGES) {
                overflowed = true;
                ranges = new long[0];
                size = 0;
                return;
            }
            ranges = java.util.Arrays.copyOf(ranges, Math.min(MAX_RANGES, size * 2));
        }
        ranges[size++] = (long) chunk << (OFFSET_BITS + LENGTH_BITS) | (long) offset << LENGTH_BITS | length;
    }

    /** True when more stores came than the trail holds: the copy it served must be taken again. */
    public boolean overflowed() {
        return overflowed;
    }

    /** Ranges recorded. */
    public int size() {
        return size;
    }

    /** Feeds every recorded range to {@code sink}, oldest first. */
    public void forEach(RangeSink sink) {
        forEach(ranges, 0, size, sink);
    }

    /** Feeds the recorded ranges from the {@code from}th on to {@code sink}, oldest first. */
    public void forEach(int from, RangeSink sink) {
        forEach(ranges, from, size, sink);
    }

    /**
     * The ranges recorded so far, to be read later without the lock ({@link Recorded#forEach});
     * null when the trail overflowed or was closed. Under the lock.
     */
    public Recorded recorded() {
        return overflowed || closed ? null : new Recorded(ranges, size);
    }

    /** The ranges a trail had recorded when {@link #recorded} was called. */
    public static final class Recorded {
        private final long[] ranges;
        private final int size;

        private Recorded(long[] ranges, int size) {
            this.ranges = ranges;
            this.size = size;
        }

        public int size() {
            return size;
        }

        /** Feeds the ranges from the {@code from}th on to {@code sink}, oldest first. */
        public void forEach(int from, RangeSink sink) {
            WriteTrail.forEach(ranges, from, size, sink);
        }
    }

    private static void forEach(long[] ranges, int from, int to, RangeSink sink) {
        for (int i = from; i < to; i++) {
            long range = ranges[i];
            sink.range((int) (range >>> (OFFSET_BITS + LENGTH_BITS)),
                    (int) (range >>> LENGTH_BITS) & Integer.MAX_VALUE, (int) range & MAX_RANGE_BYTES);
        }
    }

    /** Stops recording and lets go of the ranges; later {@link #wrote} calls do nothing. */
    public void close() {
        closed = true;
        ranges = new long[0];
        size = 0;
    }

    /** Takes the ranges of {@link #forEach}. */
    @FunctionalInterface
    public interface RangeSink {
        void range(int chunk, int offset, int length);
    }
}
