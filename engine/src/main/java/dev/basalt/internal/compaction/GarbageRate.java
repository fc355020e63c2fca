package dev.basalt.internal.compaction;

import java.util.function.LongSupplier;
import org.agrona.concurrent.NanoClock;

/**
 * How fast the log turns into garbage, and the compaction rate that keeps up with it, so that
 * disk use stays bounded under a sustained overwrite whatever the writers' speed.
 *
 * <p>Garbage produced between two samples is what the log grew by minus what the live data grew
 * by: an overwrite of a 150-byte record adds 150 bytes to the log and kills 150. The estimate is
 * an exponentially weighted mean over samples at least {@link #SAMPLE_SPACING_NS} apart (a
 * sample is taken when the rate is asked for and one is due), weight 1/2, so it follows a change
 * of pace within about a second. Compaction's own copies count too (the log grows, the live data
 * does not): that overstates the rate by at most the copy rate, which errs towards keeping up.
 *
 * <p>Why the factor in {@link #compactionBytesPerSecond}: to reclaim {@code g} bytes from
 * segments a fraction {@code d} dead, a pass reads {@code g / d} and writes {@code g (1 - d) / d};
 * at 0.3, the least dead a background victim can be ({@link VictimPolicy#background()}), that
 * is 5.7 bytes of I/O per byte of garbage. Twice that
 * (11.3 g) leaves the pass room to catch up after the interval it waits between passes; at 100,000
 * overwrites a second of 150-byte records (15 MB/s of garbage) that asks for 170 MB/s, more
 * than the 64 MiB/s default, which is why a fixed rate let the disk grow without bound.
 *
 * <p>Threads: any; the few fields are guarded by this object's monitor (asked at most once per
 * record by one pass at a time).
 */
public final class GarbageRate {
    static final long SAMPLE_SPACING_NS = 250_000_000L;
    private static final double HEADROOM = 2.0;

    private final LongSupplier appendedBytes;
    private final LongSupplier liveBytes;
    private final NanoClock nanoClock;
    private long lastSampleNs;
    private long lastAppended;
    private long lastLive;
    private double bytesPerSecond;

    /** Tracks the log's appended bytes and live bytes, both monotonic-clock sampled from now. */
    public GarbageRate(LongSupplier appendedBytes, LongSupplier liveBytes, NanoClock nanoClock) {
        this.appendedBytes = appendedBytes;
        this.liveBytes = liveBytes;
        this.nanoClock = nanoClock;
        this.lastSampleNs = nanoClock.nanoTime();
        this.lastAppended = appendedBytes.getAsLong();
        this.lastLive = liveBytes.getAsLong();
    }

    /** Bytes of garbage produced per second, recently; takes a sample when one is due. */
    public synchronized long bytesPerSecond() {
        long now = nanoClock.nanoTime();
        long elapsed = now - lastSampleNs;
        if (elapsed >= SAMPLE_SPACING_NS) {
            long appended = appendedBytes.getAsLong();
            long live = liveBytes.getAsLong();
            long garbage = Math.max(0, (appended - lastAppended) - (live - lastLive));
            double sample = garbage * 1e9 / elapsed;
            bytesPerSecond = (bytesPerSecond + sample) / 2;
            lastSampleNs = now;
            lastAppended = appended;
            lastLive = live;
        }
        return (long) bytesPerSecond;
    }

    /**
     * The I/O rate a pass needs to keep up with the garbage: {@code configured} (0: unpaced
     * stays unpaced) or the garbage's need at {@code deadFractionThreshold}, whichever is higher.
     */
    public long compactionBytesPerSecond(long configured, double deadFractionThreshold) {
        if (configured <= 0) {
            return 0;
        }
        double d = Math.max(0.05, deadFractionThreshold);
        double ioPerGarbageByte = 1 / d + (1 - d) / d;
        return Math.max(configured, (long) (HEADROOM * ioPerGarbageByte * bytesPerSecond()));
    }
}
