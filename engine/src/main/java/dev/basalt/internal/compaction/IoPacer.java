package dev.basalt.internal.compaction;

import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import org.agrona.concurrent.NanoClock;

/**
 * Keeps a compaction pass to its share of I/O: after each record the pass reports the bytes it
 * read and wrote, and the pacer sleeps while the pass is ahead of its rate line. The sleeps fall
 * between records, when the pass holds no lock, so the foreground gets the disk and the append
 * lock meanwhile.
 *
 * <p>The rate is read again at every report (a background pass follows the garbage rate, see
 * {@link GarbageRate}), so the line advances by {@code bytes / rate-now}. A pass that fell behind
 * its line (it lost its CPU, or the rate rose) keeps at most {@link #MAX_CREDIT_NS} of credit: it
 * then catches up at its rate instead of in one burst. Sleeps shorter than {@link #MIN_SLEEP_NS}
 * are left for later (a park that short oversleeps anyway; the line makes up for it), and a sleep
 * is capped at one second so a rate change or a close is noticed soon. Threads: one pass.
 */
public final class IoPacer {
    /** Sleeps; a test passes one that records instead. */
    @FunctionalInterface
    public interface Sleeper {
        void sleepNanos(long nanos);
    }

    private static final long MAX_SLEEP_NS = 1_000_000_000L;
    static final long MIN_SLEEP_NS = 1_000_000L;
    static final long MAX_CREDIT_NS = 100_000_000L;

    private final LongSupplier bytesPerSecond;
    private final NanoClock nanoClock;
    private final Sleeper sleeper;
    /** When the bytes reported so far are due at the rate; starts at the pacer's creation. */
    private long lineNs;
    private long sleptNs;

    /** A pacer for a fixed {@code bytesPerSecond} (0: never sleeps), starting now. */
    public IoPacer(long bytesPerSecond, NanoClock nanoClock, Sleeper sleeper) {
        this(() -> bytesPerSecond, nanoClock, sleeper);
    }

    /** A pacer whose rate (bytes per second, 0: unpaced) is asked again at every report. */
    public IoPacer(LongSupplier bytesPerSecond, NanoClock nanoClock, Sleeper sleeper) {
        this.bytesPerSecond = bytesPerSecond;
        this.nanoClock = nanoClock;
        this.sleeper = sleeper;
        this.lineNs = nanoClock.nanoTime();
    }

    /** A pacer that parks the calling thread. */
    public static IoPacer parking(long bytesPerSecond, NanoClock nanoClock) {
        return new IoPacer(bytesPerSecond, nanoClock, LockSupport::parkNanos);
    }

    /** A parking pacer at a rate asked again at every report. */
    public static IoPacer parking(LongSupplier bytesPerSecond, NanoClock nanoClock) {
        return new IoPacer(bytesPerSecond, nanoClock, LockSupport::parkNanos);
    }

    /** Counts {@code moreBytes} of I/O and sleeps while the pass is ahead of its rate. */
    public void account(long moreBytes) {
        long rate = bytesPerSecond.getAsLong();
        if (rate <= 0) {
            return;
        }
        long now = nanoClock.nanoTime();
        lineNs = Math.max(lineNs, now - MAX_CREDIT_NS) + (long) (moreBytes * 1e9 / rate);
        long aheadNs = lineNs - now;
        if (aheadNs >= MIN_SLEEP_NS) {
            long sleep = Math.min(aheadNs, MAX_SLEEP_NS);
            sleptNs += sleep;
            sleeper.sleepNanos(sleep);
        }
    }

    /** Total time asked to sleep so far. */
    public long sleptNanos() {
        return sleptNs;
    }
}
