package dev.basalt.internal.store;

import java.util.concurrent.TimeUnit;

/**
 * Whether a namespace's inserts have calmed down enough to try a relayout again after one was
 * dropped for the writers' churn ({@link ListingRelayouts}). A load that inserts faster than a
 * relayout can catch up on would make every attempt walk the listing for nothing; so, after a
 * drop, the next attempt waits for a period of {@link #PERIOD_NANOS} in which the namespace took
 * fewer inserts than {@code 1 / }{@value #QUIET_FRACTION} of its keys. A load that ends is quiet
 * within about two periods, and its listing is laid out then.
 *
 * <p>Threads: the relayout's thread only.
 */
final class QuietWatch {
    static final long PERIOD_NANOS = TimeUnit.SECONDS.toNanos(1);
    static final int QUIET_FRACTION = 64;

    /** The insert count at the start of the current period; negative when not watching. */
    private long insertsAtCheck = -1;
    private long checkedAtNanos;

    /** Starts watching: a relayout was dropped when the namespace had taken {@code inserts}. */
    void start(long inserts, long nowNanos) {
        insertsAtCheck = inserts;
        checkedAtNanos = nowNanos;
    }

    /** Stops watching: a relayout begins (or a test forces one). */
    void stop() {
        insertsAtCheck = -1;
    }

    boolean watching() {
        return insertsAtCheck >= 0;
    }

    /**
     * Whether a relayout may begin now, given the namespace's insert count and size: always
     * when not watching; otherwise once a whole period took fewer inserts than the quiet share,
     * which ends the watch. A period that was not quiet starts the next one.
     */
    boolean allows(long inserts, long size, long nowNanos) {
        if (!watching()) {
            return true;
        }
        if (nowNanos - checkedAtNanos < PERIOD_NANOS) {
            return false;
        }
        boolean quiet = inserts - insertsAtCheck < Math.max(1, size / QUIET_FRACTION);
        if (quiet) {
            stop();
        } else {
            start(inserts, nowNanos);
        }
        return quiet;
    }
}
