package dev.basalt.internal.env;

import java.time.Duration;

/**
 * The defaults of {@code BasaltOptions} and the range each setting's {@code with} method checks,
 * each refusal naming the setting, the figure and the range (the table in {@code BasaltOptions}
 * says the same to users). Stateless.
 */
public final class OptionRanges {
    public static final Duration DEFAULT_MIN_EXPIRATION_TTL = Duration.ofSeconds(60);
    public static final Duration DEFAULT_PERIODIC_SYNC_INTERVAL = Duration.ofSeconds(1);
    public static final int DEFAULT_EXPIRY_BATCH_SIZE = 1_000;
    public static final Duration DEFAULT_EXPIRY_PACE = Duration.ofMillis(100);
    /** 64 MiB/s: a 64 MiB segment takes about a second, a small share of a disk's bandwidth. */
    public static final long DEFAULT_COMPACTION_BYTES_PER_SECOND = 64L << 20;
    /**
     * 64 MiB: room for compaction to write one default segment and for deletes, which are
     * what frees space, once puts are refused.
     */
    public static final long DEFAULT_DISK_RESERVE_BYTES = 64L << 20;
    public static final long DEFAULT_CHECKPOINT_INTERVAL_BYTES = 64L << 20;

    private OptionRanges() {
    }

    public static void checkMinExpirationTtl(Duration minimum) {
        if (minimum.isNegative()) {
            throw new IllegalArgumentException("minExpirationTtl is " + minimum + "; it must be 0 or more");
        }
    }

    public static void checkPeriodicSyncInterval(Duration interval) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("periodic sync interval is " + interval + "; it must be more than 0");
        }
    }

    public static void checkExpiryPace(Duration pace) {
        if (pace.isNegative() || pace.isZero()) {
            throw new IllegalArgumentException("expiry pace is " + pace + "; it must be more than 0");
        }
    }

    public static void checkSegmentSize(long bytes) {
        if (bytes < Limits.MIN_SEGMENT_BYTES || bytes > Limits.MAX_SEGMENT_BYTES) {
            throw new IllegalArgumentException("segment size is " + bytes + " bytes; it must be "
                    + Limits.MIN_SEGMENT_BYTES + ".." + Limits.MAX_SEGMENT_BYTES);
        }
    }

    public static void checkMaxValueSize(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("max value size is " + bytes + " bytes; it must be 0 or more");
        }
    }

    public static void checkExpiryBatchSize(int keys) {
        if (keys < 1 || keys > 1_000_000) {
            throw new IllegalArgumentException("expiry batch size is " + keys + "; it must be 1..1000000");
        }
    }

    public static void checkCompactionRate(long bytesPerSecond) {
        if (bytesPerSecond < 0) {
            throw new IllegalArgumentException("compaction rate is " + bytesPerSecond
                    + " bytes per second; it must be 0 (unpaced) or more");
        }
    }

    public static void checkDiskReserve(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("disk reserve is " + bytes + " bytes; it must be 0 (off) or more");
        }
    }

    public static void checkCheckpointInterval(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("checkpoint interval is " + bytes
                    + " bytes of log; it must be 0 (only at close) or more");
        }
    }
}
