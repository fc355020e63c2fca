package dev.basalt;

import dev.basalt.internal.env.Limits;
import dev.basalt.internal.env.OptionRanges;
import dev.basalt.internal.env.ValueSizeLimit;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * How {@code Basalt.open} sets up an engine. Start from {@link #defaults()} and change what
 * you need; every {@code with} method returns a new instance, so instances are immutable,
 * thread-safe and can be shared.
 *
 * <pre>{@code
 * Basalt db = Basalt.open(dir, BasaltOptions.defaults()
 *         .withDurability(Durability.PERIODIC)
 *         .withSegmentSize(256L << 20));
 * }</pre>
 *
 * <table>
 *   <caption>Settings, defaults and allowed values</caption>
 *   <tr><th>setting</th><th>default</th><th>allowed</th></tr>
 *   <tr><td>{@link #withClock clock}</td><td>{@code Clock.systemUTC()}</td><td>any clock</td></tr>
 *   <tr><td>{@link #withMinExpirationTtl minExpirationTtl}</td><td>60 s</td><td>0 or more</td></tr>
 *   <tr><td>{@link #withDurability durability}</td><td>{@link Durability#GROUP_COMMIT}</td>
 *       <td>any</td></tr>
 *   <tr><td>{@link #withSegmentSize segmentSize}</td><td>64 MiB</td><td>1 MiB .. 1 GiB</td></tr>
 *   <tr><td>{@link #withMaxValueSize maxValueSize}</td><td>the smaller of 25 MiB (26,214,400
 *       bytes) and what one segment holds (segment size less 1,712 bytes)</td>
 *       <td>0 or more, fitting one segment</td></tr>
 *   <tr><td>{@link #withBackgroundCompaction backgroundCompaction}</td><td>true</td>
 *       <td>true or false</td></tr>
 *   <tr><td>{@link #withPeriodicSyncInterval periodicSyncInterval}</td><td>1 s</td>
 *       <td>more than 0</td></tr>
 *   <tr><td>{@link #withDiskReserve diskReserve}</td><td>64 MiB</td><td>0 (off) or more</td></tr>
 *   <tr><td>{@link #withCheckpointInterval checkpointInterval}</td><td>64 MiB of log</td>
 *       <td>0 (only at close) or more</td></tr>
 *   <tr><td>{@link #withMappedAppends mappedAppends}</td><td>true</td><td>true or false</td></tr>
 * </table>
 *
 * <p>Each {@code with} method checks its own argument at once ({@link NullPointerException}
 * for null, {@link IllegalArgumentException} naming the figure and the range otherwise).
 * One rule spans two settings and is checked by {@code Basalt.open}: a value of the largest
 * size must fit in one segment together with the largest key (512 bytes), the largest
 * metadata (1024 bytes) and 176 bytes of headers, namespace and padding: the segment size
 * less 1,712 bytes.
 */
public final class BasaltOptions {
    /** Sentinel: the caller never set a maximum value size, so the default (clamped) applies. */
    private static final long MAX_VALUE_SIZE_NOT_SET = ValueSizeLimit.NOT_SET;
    private static final BasaltOptions DEFAULTS = new BasaltOptions(Clock.systemUTC(),
            OptionRanges.DEFAULT_MIN_EXPIRATION_TTL, Durability.GROUP_COMMIT, Limits.DEFAULT_SEGMENT_BYTES,
            MAX_VALUE_SIZE_NOT_SET, true, OptionRanges.DEFAULT_PERIODIC_SYNC_INTERVAL,
            OptionRanges.DEFAULT_EXPIRY_BATCH_SIZE, OptionRanges.DEFAULT_EXPIRY_PACE,
            OptionRanges.DEFAULT_COMPACTION_BYTES_PER_SECOND, OptionRanges.DEFAULT_DISK_RESERVE_BYTES,
            OptionRanges.DEFAULT_CHECKPOINT_INTERVAL_BYTES, true);

    private final Clock clock;
    private final Duration minExpirationTtl;
    private final Durability durability;
    private final long segmentSizeBytes;
    private final long maxValueSizeBytesSet;
    private final boolean backgroundCompaction;
    private final Duration periodicSyncInterval;
    private final int expiryBatchSize;
    private final Duration expiryPace;
    private final long compactionBytesPerSecond;
    private final long diskReserveBytes;
    private final long checkpointIntervalBytes;
    private final boolean mappedAppends;

    private BasaltOptions(Clock clock, Duration minExpirationTtl, Durability durability,
                          long segmentSizeBytes, long maxValueSizeBytesSet,
                          boolean backgroundCompaction, Duration periodicSyncInterval,
                          int expiryBatchSize, Duration expiryPace, long compactionBytesPerSecond,
                          long diskReserveBytes, long checkpointIntervalBytes, boolean mappedAppends) {
        this.clock = clock;
        this.minExpirationTtl = minExpirationTtl;
        this.durability = durability;
        this.segmentSizeBytes = segmentSizeBytes;
        this.maxValueSizeBytesSet = maxValueSizeBytesSet;
        this.backgroundCompaction = backgroundCompaction;
        this.periodicSyncInterval = periodicSyncInterval;
        this.expiryBatchSize = expiryBatchSize;
        this.expiryPace = expiryPace;
        this.compactionBytesPerSecond = compactionBytesPerSecond;
        this.diskReserveBytes = diskReserveBytes;
        this.checkpointIntervalBytes = checkpointIntervalBytes;
        this.mappedAppends = mappedAppends;
    }

    /**
     * The defaults of the table above.
     *
     * @return the options of the table's default column
     */
    public static BasaltOptions defaults() {
        return DEFAULTS;
    }

    /**
     * The clock behind every expiry decision: "now" is its epoch second, rounded down. Tests
     * pass a clock they move by hand instead of sleeping. The engine never reads the wall
     * clock any other way.
     *
     * @param clock the clock behind every expiry decision (never the wall clock directly)
     * @return a copy of these options with the change; this object is unchanged
     */
    public BasaltOptions withClock(Clock clock) {
        return new BasaltOptions(Objects.requireNonNull(clock, "clock"), minExpirationTtl,
                durability, segmentSizeBytes, maxValueSizeBytesSet, backgroundCompaction,
                periodicSyncInterval, expiryBatchSize, expiryPace, compactionBytesPerSecond,
                diskReserveBytes, checkpointIntervalBytes, mappedAppends);
    }

    /**
     * How far ahead of now an expiration must be (default 60 s, as in Workers KV). Tests may
     * lower it to 0; a TTL must still be at least 1 second. A fraction of a second counts as a
     * whole second, since expirations are whole epoch seconds.
     *
     * @param minimum the smallest {@code expirationTtl}, and how far ahead an absolute expiration must be: 0
     *     or more (Workers KV: 60 s)
     * @return a copy of these options with the change; this object is unchanged
     * @throws IllegalArgumentException if {@code minimum} is negative
     */
    public BasaltOptions withMinExpirationTtl(Duration minimum) {
        OptionRanges.checkMinExpirationTtl(Objects.requireNonNull(minimum, "minimum"));
        return new BasaltOptions(clock, minimum, durability, segmentSizeBytes,
                maxValueSizeBytesSet, backgroundCompaction, periodicSyncInterval, expiryBatchSize, expiryPace, compactionBytesPerSecond,
                diskReserveBytes, checkpointIntervalBytes, mappedAppends);
    }

    /**
     * When a write returns and what a crash can take; see {@link Durability}.
     *
     * @param durability when a write is acknowledged: see {@link Durability}
     * @return a copy of these options with the change; this object is unchanged
     */
    public BasaltOptions withDurability(Durability durability) {
        return new BasaltOptions(clock, minExpirationTtl,
                Objects.requireNonNull(durability, "durability"), segmentSizeBytes,
                maxValueSizeBytesSet, backgroundCompaction, periodicSyncInterval, expiryBatchSize, expiryPace, compactionBytesPerSecond,
                diskReserveBytes, checkpointIntervalBytes, mappedAppends);
    }

    /**
     * Bytes per log segment file. Larger segments mean fewer files; smaller ones let
     * compaction reclaim space in smaller steps. A segment must hold the largest record.
     *
     * @param bytes bytes per segment file: 1 MiB to 1 GiB
     * @return a copy of these options with the change; this object is unchanged
     * @throws IllegalArgumentException unless {@code bytes} is from 1 MiB (1,048,576) to 1 GiB
     *     (1,073,741,824)
     */
    public BasaltOptions withSegmentSize(long bytes) {
        OptionRanges.checkSegmentSize(bytes);
        return new BasaltOptions(clock, minExpirationTtl, durability, bytes,
                maxValueSizeBytesSet, backgroundCompaction, periodicSyncInterval, expiryBatchSize, expiryPace, compactionBytesPerSecond,
                diskReserveBytes, checkpointIntervalBytes, mappedAppends);
    }

    /**
     * The largest value a {@code put} accepts, in bytes; a larger one is an
     * {@link IllegalArgumentException} and nothing is written.
     *
     * <p>Left unset, it is the smaller of 25 MiB (26,214,400 bytes, the Workers KV value limit)
     * and the largest value one segment holds (the segment size less 1,712 bytes: see the class
     * comment), so a segment smaller than about 25 MiB lowers it without an error; with a 1 MiB
     * segment it is 1,046,864 bytes. {@link #maxValueSizeBytes()} says what it came to. Set
     * explicitly, it is kept as given, and {@code Basalt.open} fails, naming both figures, if
     * such a value cannot fit in one segment.
     *
     * @param bytes the largest value in bytes
     * @return a copy of these options with the change; this object is unchanged
     * @throws IllegalArgumentException if {@code bytes} is negative
     */
    public BasaltOptions withMaxValueSize(long bytes) {
        OptionRanges.checkMaxValueSize(bytes);
        return new BasaltOptions(clock, minExpirationTtl, durability, segmentSizeBytes, bytes,
                backgroundCompaction, periodicSyncInterval, expiryBatchSize, expiryPace, compactionBytesPerSecond,
                diskReserveBytes, checkpointIntervalBytes, mappedAppends);
    }

    /**
     * Whether a background thread compacts segments as dead records pile up (default true).
     * When false, space is reclaimed only by {@code Basalt.compact()}.
     *
     * @param enabled whether compaction runs in the background
     * @return a copy of these options with the change; this object is unchanged
     */
    public BasaltOptions withBackgroundCompaction(boolean enabled) {
        return new BasaltOptions(clock, minExpirationTtl, durability, segmentSizeBytes,
                maxValueSizeBytesSet, enabled, periodicSyncInterval, expiryBatchSize, expiryPace, compactionBytesPerSecond,
                diskReserveBytes, checkpointIntervalBytes, mappedAppends);
    }

    /**
     * How often {@link Durability#PERIODIC} fsyncs in the background (default 1 s), which
     * bounds what a power loss can take. Ignored by the other modes.
     *
     * @param interval how often {@link Durability#PERIODIC} fsyncs
     * @return a copy of these options with the change; this object is unchanged
     * @throws IllegalArgumentException unless {@code interval} is more than 0
     */
    public BasaltOptions withPeriodicSyncInterval(Duration interval) {
        OptionRanges.checkPeriodicSyncInterval(Objects.requireNonNull(interval, "interval"));
        return new BasaltOptions(clock, minExpirationTtl, durability, segmentSizeBytes,
                maxValueSizeBytesSet, backgroundCompaction, interval, expiryBatchSize, expiryPace, compactionBytesPerSecond,
                diskReserveBytes, checkpointIntervalBytes, mappedAppends);
    }

    /**
     * How many due keys the background expiry purges per batch (default 1000). Between
     * batches it lets writers in, so a burst of expiries never starves them.
     *
     * @param keys the most expired keys purged in one batch
     * @return a copy of these options with the change; this object is unchanged
     * @throws IllegalArgumentException unless {@code keys} is 1..1,000,000
     */
    public BasaltOptions withExpiryBatchSize(int keys) {
        OptionRanges.checkExpiryBatchSize(keys);
        return new BasaltOptions(clock, minExpirationTtl, durability, segmentSizeBytes, maxValueSizeBytesSet,
                backgroundCompaction, periodicSyncInterval, keys, expiryPace, compactionBytesPerSecond,
                diskReserveBytes, checkpointIntervalBytes, mappedAppends);
    }

    /**
     * How often the background expiry looks for due keys when there is no burst (default
     * 100 ms). Reads hide an expired key at its second whatever this is; the pace decides only
     * how soon its memory is reclaimed.
     *
     * @param pace the pause between expiry batches when nothing is waiting
     * @return a copy of these options with the change; this object is unchanged
     * @throws IllegalArgumentException unless {@code pace} is more than 0
     */
    public BasaltOptions withExpiryPace(Duration pace) {
        OptionRanges.checkExpiryPace(Objects.requireNonNull(pace, "pace"));
        return new BasaltOptions(clock, minExpirationTtl, durability, segmentSizeBytes, maxValueSizeBytesSet,
                backgroundCompaction, periodicSyncInterval, expiryBatchSize, pace, compactionBytesPerSecond,
                diskReserveBytes, checkpointIntervalBytes, mappedAppends);
    }

    /**
     * The share of I/O compaction may take: bytes of segments it reads and rewrites per second
     * (default 64 MiB/s; 0 means unpaced). A pass sleeps between records to keep to it, so that
     * reads and writes in the foreground keep their latency while a large backlog is rewritten.
     * For background compaction this is a floor: when writers produce garbage faster than this
     * rate can reclaim it, a background pass speeds up to keep disk use bounded (see
     * {@code docs/compaction.md}, "Free space and pacing").
     *
     * @param bytesPerSecond the background compaction write rate; 0 for unpaced
     * @return a copy of these options with the change; this object is unchanged
     * @throws IllegalArgumentException if {@code bytesPerSecond} is negative
     */
    public BasaltOptions withCompactionRate(long bytesPerSecond) {
        OptionRanges.checkCompactionRate(bytesPerSecond);
        return new BasaltOptions(clock, minExpirationTtl, durability, segmentSizeBytes, maxValueSizeBytesSet,
                backgroundCompaction, periodicSyncInterval, expiryBatchSize, expiryPace, bytesPerSecond,
                diskReserveBytes, checkpointIntervalBytes, mappedAppends);
    }

    /**
     * The free space a {@code put} leaves on the data directory's file system (default 64 MiB;
     * 0 turns the check off). A put that would leave less fails with a {@link BasaltException}
     * naming the free space and the reserve, and writes nothing; deletes, {@code sync()} and
     * compaction may still use the reserve, so space can be freed and puts resume without a
     * reopen. The engine reads the free space once per mebibyte written and on every put
     * while under the reserve, so the check costs a system call per thousands of small puts.
     *
     * @param bytes free bytes kept for deletes and compaction; 0 for none
     * @return a copy of these options with the change; this object is unchanged
     * @throws IllegalArgumentException if {@code bytes} is negative
     */
    public BasaltOptions withDiskReserve(long bytes) {
        OptionRanges.checkDiskReserve(bytes);
        return new BasaltOptions(clock, minExpirationTtl, durability, segmentSizeBytes, maxValueSizeBytesSet,
                backgroundCompaction, periodicSyncInterval, expiryBatchSize, expiryPace, compactionBytesPerSecond,
                bytes, checkpointIntervalBytes, mappedAppends);
    }

    /**
     * Free bytes a put must leave on the data directory's file system; 0 means no check.
     *
     * @return free bytes kept for deletes and compaction
     */
    public long diskReserveBytes() {
        return diskReserveBytes;
    }

    /**
     * How much log the store writes between background checkpoints (default 64 MiB; 0: a
     * checkpoint only at a clean close). A checkpoint holds the indexes, so the next open loads
     * it and replays only the log written after it instead of all of it: after a crash, open
     * time grows with this interval, not with the data. Taking one holds up writers while the
     * indexes are copied in memory (a few milliseconds per million keys, measured in
     * {@code docs/benchmarks.md}); the file is written from the copy with the writers running,
     * and costs the indexes' size on disk again, so checkpoints are never closer than the last
     * one's size in log bytes: they never write more than the writers do. Never sooner after
     * the last one than 10 times as long as it took, either, so checkpoints take at most a
     * tenth of a core. A shorter interval trades disk writes for open time.
     *
     * @param bytes log bytes between checkpoints; 0 for none but the one at close
     * @return a copy of these options with the change; this object is unchanged
     * @throws IllegalArgumentException if {@code bytes} is negative
     */
    public BasaltOptions withCheckpointInterval(long bytes) {
        OptionRanges.checkCheckpointInterval(bytes);
        return new BasaltOptions(clock, minExpirationTtl, durability, segmentSizeBytes, maxValueSizeBytesSet,
                backgroundCompaction, periodicSyncInterval, expiryBatchSize, expiryPace, compactionBytesPerSecond,
                diskReserveBytes, bytes, mappedAppends);
    }

    /**
     * Log bytes between background checkpoints; 0 means only at a clean close.
     *
     * @return bytes of log between checkpoints
     */
    public long checkpointIntervalBytes() {
        return checkpointIntervalBytes;
    }

    /**
     * Whether a put's record is copied into a shared memory mapping of the log's active segment
     * instead of written with a system call (default true). Either way the record is in the
     * operating system's page cache when the put returns, so each durability mode keeps its
     * promise, a killed process loses nothing acknowledged, and the fsyncs are the same. The
     * copy saves a system call a put: under sustained overwrite at 1 M keys a put takes about
     * half the time ({@code docs/benchmarks.md}, "Mapped appends"). It is the trade RocksDB's
     * {@code allow_mmap_writes} and LMDB's {@code MDB_WRITEMAP} offer; here the mapping is
     * written only by the append path, at the log's tail, within bounds checked on every copy.
     *
     * <p>A full disk still fails the put cleanly, naming the space problem, with nothing
     * acknowledged: the pages a record is copied into are first backed by writing zeros with a
     * system call, a mebibyte ahead of the log's tail, so the file system refuses that call
     * instead of signalling the copy. (Those zeros count against {@link #withDiskReserve the
     * reserve} up to a mebibyte early.) Durability rests on {@code fsync} writing back pages
     * dirtied through a mapping, as it does on Linux; the power-loss, injected-fault and kill
     * campaigns run on both write paths ({@code docs/reliability.md}). Turn it off to write every
     * record with a system call: where a mapping's page faults are unwelcome, or to compare.
     *
     * @param enabled copy records into a mapping of the active segment
     * @return a copy of these options with the change; this object is unchanged
     */
    public BasaltOptions withMappedAppends(boolean enabled) {
        return new BasaltOptions(clock, minExpirationTtl, durability, segmentSizeBytes, maxValueSizeBytesSet,
                backgroundCompaction, periodicSyncInterval, expiryBatchSize, expiryPace, compactionBytesPerSecond,
                diskReserveBytes, checkpointIntervalBytes, enabled);
    }

    /**
     * Whether records are copied into a mapping of the active segment ({@link #withMappedAppends}).
     *
     * @return true when appends go through a shared mapping
     */
    public boolean mappedAppends() {
        return mappedAppends;
    }

    /**
     * Bytes per second a compaction pass may read and rewrite; 0 means unpaced.
     *
     * @return the background compaction write rate; 0 for unpaced
     */
    public long compactionBytesPerSecond() {
        return compactionBytesPerSecond;
    }

    /**
     * Due keys purged per background expiry batch.
     *
     * @return the most expired keys purged in one batch
     */
    public int expiryBatchSize() {
        return expiryBatchSize;
    }

    /**
     * The background expiry's idle pace.
     *
     * @return the pause between expiry batches
     */
    public Duration expiryPace() {
        return expiryPace;
    }

    /**
     * The clock behind every expiry decision.
     *
     * @return the clock behind every expiry decision
     */
    public Clock clock() {
        return clock;
    }

    /**
     * How far ahead of now an expiration must be.
     *
     * @return the smallest expirationTtl accepted
     */
    public Duration minExpirationTtl() {
        return minExpirationTtl;
    }

    /** {@link #minExpirationTtl()} in whole seconds, a fraction rounded up. */
    long minExpirationTtlSeconds() {
        long seconds = minExpirationTtl.getSeconds();
        boolean hasFraction = minExpirationTtl.getNano() != 0;
        return hasFraction && seconds < Long.MAX_VALUE ? seconds + 1 : seconds;
    }

    /**
     * When a write returns.
     *
     * @return when a write is acknowledged
     */
    public Durability durability() {
        return durability;
    }

    /**
     * Bytes per log segment file.
     *
     * @return bytes per segment file
     */
    public long segmentSizeBytes() {
        return segmentSizeBytes;
    }

    /**
     * Checks a value's size against {@link #maxValueSizeBytes()} as {@code put} does.
     *
     * @param valueBytes the value's size in bytes
     * @throws IllegalArgumentException naming the size and the limit when it is larger
     */
    public void checkValueSize(long valueBytes) {
        long limit = maxValueSizeBytes();
        if (valueBytes > limit) {
            throw new IllegalArgumentException("value is " + valueBytes + " bytes; the limit is " + limit);
        }
    }

    /**
     * The largest value a {@code put} accepts: as set, or when unset the smaller of 25 MiB and
     * what fits in one segment.
     *
     * @return the largest value in bytes
     */
    public long maxValueSizeBytes() {
        return ValueSizeLimit.effective(maxValueSizeBytesSet, segmentSizeBytes);
    }

    /**
     * Whether a background thread compacts.
     *
     * @return whether compaction runs in the background
     */
    public boolean backgroundCompaction() {
        return backgroundCompaction;
    }

    /**
     * How often {@link Durability#PERIODIC} fsyncs.
     *
     * @return how often PERIODIC durability fsyncs
     */
    public Duration periodicSyncInterval() {
        return periodicSyncInterval;
    }

    /**
     * Checks the rules that span settings; {@code Basalt.open} calls it before touching the
     * directory.
     *
     * @throws IllegalArgumentException if a value of the maximum size cannot fit in a segment
     */
    void validate() {
        ValueSizeLimit.checkFits(maxValueSizeBytes(), segmentSizeBytes);
    }

    @Override
    public String toString() {
        return "BasaltOptions[clock=" + clock
                + ", minExpirationTtl=" + minExpirationTtl
                + ", durability=" + durability
                + ", expiryBatchSize=" + expiryBatchSize
                + ", expiryPace=" + expiryPace
                + ", compactionBytesPerSecond=" + compactionBytesPerSecond
                + ", diskReserveBytes=" + diskReserveBytes
                + ", segmentSizeBytes=" + segmentSizeBytes
                + ", maxValueSizeBytes=" + maxValueSizeBytes()
                + (maxValueSizeBytesSet == MAX_VALUE_SIZE_NOT_SET ? " (default)" : "")
                + ", backgroundCompaction=" + backgroundCompaction
                + ", periodicSyncInterval=" + periodicSyncInterval
                + ", checkpointIntervalBytes=" + checkpointIntervalBytes
                + ", mappedAppends=" + mappedAppends + "]";
    }
}
