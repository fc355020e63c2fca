package dev.basalt.internal.compaction;

import java.util.concurrent.locks.LockSupport;
import org.agrona.concurrent.NanoClock;

/**
 * Keeps a compaction pass to its share of I/O: after each batch the pass reports the bytes it
 * read and wrote, and the pacer sleeps until the pass is no further ahead than the rate allows
 * ({@code bytes / bytesPerSecond} since the start). The sleeps fall between batches, when the
 * pass holds no lock, so the foreground gets the disk and the append lock meanwhile.
 *
 * <p>Why a token-bucket-free design: a pass is one long stream of work, so "no further ahead
 * than the line" is all the state needed; a sleep is capped at one second so a rate change or
 * a close is noticed soon. Threads: one pass.
 */
public final class IoPacer {
    /** Sleeps; a test passes one that records instead. */
    @FunctionalInterface
    public interface Sleeper {
        void sleepNanos(long nanos);
    }

    private static final long MAX_SLEEP_NS = 1_000_000_000L;

    private final long bytesPerSecond;
    private final NanoClock nanoClock;
    private final Sleeper sleeper;
    private final long startNs;
    private long bytes;
    private long sleptNs;

    /** A pacer for {@code bytesPerSecond} (0: never sleeps), starting now. */
    public IoPacer(long bytesPerSecond, NanoClock nanoClock, Sleeper sleeper) {
        this.bytesPerSecond = bytesPerSecond;
        this.nanoClock = nanoClock;
        this.sleeper = sleeper;
        this.startNs = nanoClock.nanoTime();
    }

    /** A pacer that parks the calling thread. */
    public static IoPacer parking(long bytesPerSecond, NanoClock nanoClock) {
        return new IoPacer(bytesPerSecond, nanoClock, LockSupport::parkNanos);
    }

    /** Counts {@code moreBytes} of I/O and sleeps while the pass is ahead of its rate. */
    public void account(long moreBytes) {
        bytes += moreBytes;
        if (bytesPerSecond <= 0) {
            return;
        }
        long dueNs = startNs + (long) (bytes * 1e9 / bytesPerSecond);
        long aheadNs = dueNs - nanoClock.nanoTime();
        if (aheadNs > 0) {
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
