package dev.basalt.benchmarks;

/**
 * A fixed-size histogram of nanosecond latencies with log-linear buckets: values below 16 ns
 * get a bucket each, and every power of two above is split into 16 equal sub-buckets, so a
 * bucket is at most 1/16 (6.25 %) of its values wide, from 1 ns up to {@code Long.MAX_VALUE},
 * in {@value #BUCKET_COUNT} counters (7.6 KiB) allocated once. Recording is a shift, a mask and
 * an increment: no allocation, cheap next to the reads it times.
 *
 * <p>Not thread-safe: one thread records; another may read it only after a happens-before
 * edge (for example {@code Thread.join()}).
 */
final class LatencyHistogram {
    /** log2 of the sub-buckets per power of two: 16 sub-buckets, 6.25 % resolution. */
    static final int SUB_BUCKET_BITS = 4;
    static final int SUB_BUCKET_COUNT = 1 << SUB_BUCKET_BITS;
    /** Values 0..15, then one row of 16 for each of the powers 2^4..2^62. */
    static final int BUCKET_COUNT = (Long.SIZE - SUB_BUCKET_BITS) * SUB_BUCKET_COUNT;

    private final long[] counts = new long[BUCKET_COUNT];
    private long totalCount;
    private long maxValueNs;

    /** Counts one latency; a negative one (a clock oddity) counts as 0. */
    void record(long valueNs) {
        long value = Math.max(0, valueNs);
        counts[bucketOf(value)]++;
        totalCount++;
        maxValueNs = Math.max(maxValueNs, value);
    }

    long totalCount() {
        return totalCount;
    }

    long maxValueNs() {
        return maxValueNs;
    }

    /**
     * The value at or below which {@code percentile} percent of the recorded values fall,
     * reported as its bucket's highest value (capped at the largest value recorded), so it
     * overstates by at most one bucket width. 0 when nothing was recorded.
     */
    long valueAtPercentileNs(double percentile) {
        if (totalCount == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(percentile / 100.0 * totalCount));
        long seen = 0;
        for (int bucket = 0; bucket < BUCKET_COUNT; bucket++) {
            seen += counts[bucket];
            if (seen >= rank) {
                return Math.min(highestValueOf(bucket), maxValueNs);
            }
        }
        return maxValueNs;
    }

    static int bucketOf(long value) {
        if (value < SUB_BUCKET_COUNT) {
            return (int) value;
        }
        int shift = (Long.SIZE - 1 - Long.numberOfLeadingZeros(value)) - SUB_BUCKET_BITS;
        int subBucket = (int) (value >>> shift) & (SUB_BUCKET_COUNT - 1);
        return (shift + 1) * SUB_BUCKET_COUNT + subBucket;
    }

    static long lowestValueOf(int bucket) {
        if (bucket < SUB_BUCKET_COUNT) {
            return bucket;
        }
        int shift = bucket / SUB_BUCKET_COUNT - 1;
        return (long) (SUB_BUCKET_COUNT + bucket % SUB_BUCKET_COUNT) << shift;
    }

    static long highestValueOf(int bucket) {
        if (bucket < SUB_BUCKET_COUNT) {
            return bucket;
        }
        int shift = bucket / SUB_BUCKET_COUNT - 1;
        return lowestValueOf(bucket) + (1L << shift) - 1;
    }
}
