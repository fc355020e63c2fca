package dev.basalt.internal.log;

/**
 * A record's location packed in a long: segment id in the high 32 bits, byte offset in the
 * low 32. Segments are at most 1 GiB, so an offset fits in 31 bits and a location is never
 * negative, which leaves negative values free for the index's sentinels.
 */
public final class Locations {
    private Locations() {
    }

    public static long of(long segmentId, long offset) {
        assert segmentId > 0 && segmentId <= Integer.MAX_VALUE && offset >= 0 && offset <= Integer.MAX_VALUE;
        return segmentId << 32 | offset;
    }

    public static int segmentId(long location) {
        return (int) (location >>> 32);
    }

    public static int offset(long location) {
        return (int) location;
    }

}
