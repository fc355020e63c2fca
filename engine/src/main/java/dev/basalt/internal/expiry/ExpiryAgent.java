package dev.basalt.internal.expiry;

import java.time.Clock;
import java.time.Duration;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.NanoClock;

/**
 * The background half of expiry: an Agrona {@link Agent} whose {@link #doWork()} runs at most
 * one bounded {@link ExpirySweeper#sweep} and returns how many entries it handled, so a test
 * drives it by hand with a manual {@link Clock} and {@link NanoClock} and no thread.
 *
 * <h2>Thread ownership</h2>
 * All methods on the agent's thread (the engine's {@code AgentRunner}, or a test). The sweeper
 * takes the store's lock itself; the agent holds no lock and shares no state.
 *
 * <h2>Pacing</h2>
 * <ul>
 *   <li><b>Idle:</b> after a sweep that handled fewer than {@code batchSize} entries, nothing
 *       more is due, so the next sweep waits {@code paceNs} (default 100 ms): ten lock
 *       acquisitions a second when there is nothing to do, and a key is purged at most about
 *       one pace after its second. Reads never depend on the purge: they check the
 *       expiration themselves.</li>
 *   <li><b>Burst:</b> a sweep that handled exactly {@code batchSize} entries (a backlog after
 *       open, or a forward clock jump) is followed by another, but only after a gap as long as
 *       the batch took by the nano clock. Releasing the lock between batches is not enough by
 *       itself: the store's lock is not fair, so an agent that re-locks at once usually beats
 *       the writer it just woke (waking takes tens of microseconds). The gap caps the sweep at
 *       half the lock's time during a burst: writers wait at most one batch (about 1 ms at
 *       1000 entries) and get the other half. A manual nano clock that does not move between
 *       batches makes the gap zero, so a test sees batch after batch.</li>
 * </ul>
 *
 * <h2>Time</h2>
 * "Now" comes only from the injected {@link Clock}: its epoch second, rounded down, the same
 * rule as reads. The agent does not smooth it. A jump forwards makes everything up to the new
 * second due at once, and it is purged batch by batch as above. A jump backwards makes
 * nothing newly due; what was purged stays purged (the index no longer holds it), and what
 * was due but not yet purged simply waits until the clock passes its second again, in step
 * with reads, which then also see it as live. A store that wants time never to go backwards
 * passes a clock that never does, to reads and this agent alike. Pace and gaps use only the
 * injected {@link NanoClock}, never the wall clock.
 */
public final class ExpiryAgent implements Agent {
    /** The agent's role name, also a good name for its thread. */
    public static final String ROLE_NAME = "basalt-expiry";
    /** Entries per sweep: about 1 ms under the lock at 10,000,000 queued (see {@link ExpiryQueue}). */
    public static final int DEFAULT_BATCH_SIZE = 1_000;
    /** Time between sweeps when nothing more is due. */
    public static final long DEFAULT_PACE_NS = Duration.ofMillis(100).toNanos();

    private final ExpirySweeper sweeper;
    private final Clock clock;
    private final NanoClock nanoClock;
    private final int batchSize;
    private final long paceNs;
    /** The next sweep may start when {@code nanoClock.nanoTime() - nextSweepNs >= 0}. */
    private long nextSweepNs;

    /**
     * An agent whose first {@link #doWork()} sweeps at once (a backlog left by recovery is
     * purged without waiting a pace).
     *
     * @param sweeper   the store's bounded batch
     * @param clock     the source of "now" in epoch seconds; the store's clock
     * @param nanoClock the source of pace and gap time
     * @param batchSize entries per sweep, {@code >= 1}
     * @param paceNs    time between sweeps when idle, {@code >= 0}
     * @throws IllegalArgumentException if an option is out of range
     */
    public ExpiryAgent(ExpirySweeper sweeper, Clock clock, NanoClock nanoClock, int batchSize, long paceNs) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize=" + batchSize + " must be >= 1");
        }
        if (paceNs < 0) {
            throw new IllegalArgumentException("paceNs=" + paceNs + " must be >= 0");
        }
        this.sweeper = sweeper;
        this.clock = clock;
        this.nanoClock = nanoClock;
        this.batchSize = batchSize;
        this.paceNs = paceNs;
        this.nextSweepNs = nanoClock.nanoTime();
    }

    /**
     * Sweeps once if the pace or the burst gap allows, else returns 0 at once.
     *
     * @return entries handled by this call, {@code 0..batchSize}; 0 lets the idle strategy idle
     * @throws IllegalStateException if the sweeper reports a count outside {@code 0..batchSize}
     */
    @Override
    public int doWork() {
        final long startNs = nanoClock.nanoTime();
        if (startNs - nextSweepNs < 0) {
            return 0;
        }
        final long nowEpochSeconds = Math.floorDiv(clock.millis(), 1000L);
        final int handled = sweeper.sweep(nowEpochSeconds, batchSize);
        if (handled < 0 || handled > batchSize) {
            throw new IllegalStateException("sweeper handled " + handled + " entries; expected 0.." + batchSize);
        }
        final long endNs = nanoClock.nanoTime();
        nextSweepNs = handled == batchSize ? endNs + (endNs - startNs) : endNs + paceNs;
        return handled;
    }

    @Override
    public String roleName() {
        return ROLE_NAME;
    }

    /** Entries per sweep. */
    public int batchSize() {
        return batchSize;
    }

    /** Time between sweeps when idle. */
    public long paceNs() {
        return paceNs;
    }
}
