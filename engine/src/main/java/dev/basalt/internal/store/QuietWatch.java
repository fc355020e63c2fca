package dev.basalt.internal.store;

import java.util.concurrent.TimeUnit;

/**
 * Whether a namespace's inserts have been quiet for a period, for {@link ListingRelayouts}: a
 * period of {@link #PERIOD_NANOS} in which the namespace took fewer inserts than
 * {@code 1 / }{@value #QUIET_FRACTION} of its keys. Two uses: after a relayout was dropped for
 * the writers' churn (a load that inserts faster than a relayout catches up would make every
 * attempt walk the listing for nothing), and before laying out a listing with few inserts since
 * its last layout (not worth a walk while more keep coming). A load that ends is quiet within
 * about two periods.
 *
 * <p>Threads: the relayout's thread only.
 */
final class QuietWatch {
    static final long PERIOD_NANOS = TimeUnit.SECONDS.toNanos(1);
    static final int QUIET_FRACTION = 64;

    /** The insert count at the start of the current period; negative when not watching. */
    private long insertsAtCheck = -1;
    private long checkedAtNanos;
    /** The insert count when the watch started. */
    private long insertsAtStart;

    /** Starts watching, when the namespace had taken {@code inserts}. */
    void start(long inserts, long nowNanos) {
        insertsAtStart = inserts;
        startPeriod(inserts, nowNanos);
    }

    private void startPeriod(long inserts, long nowNanos) {
        insertsAtCheck = inserts;
        checkedAtNanos = nowNanos;
    }

    /** Inserts since the watch started; meaningful while {@link #watching}. */
    long insertsSinceStart(long inserts) {
        return inserts - insertsAtStart;
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
            startPeriod(inserts, nowNanos);
        }
        return quiet;
    }
}
