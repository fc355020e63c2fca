package dev.basalt.internal.store;

import dev.basalt.BasaltOptions;
import dev.basalt.Durability;
import dev.basalt.internal.compaction.CompactionAgent;
import dev.basalt.internal.env.FreedMemory;
import dev.basalt.internal.expiry.ExpiryAgent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntUnaryOperator;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.CompositeAgent;
import org.agrona.concurrent.NanoClock;

/**
 * The engine's two working threads (a third, {@link WorkAhead}'s, allocates index tables and
 * forces the log ahead of the writer, and is parked otherwise). {@code basalt-background} runs
 * the expiry sweep, the background checkpoint (when the log grew by the configured interval),
 * the hint files of sealed segments (which a roll leaves to it, off the append lock), the return
 * of freed memory to the system
 * ({@link FreedMemory}, every ten seconds), the catch-up of listings an open left behind
 * ({@link ListingCatchUp}), the listings' relayouts in key order
 * ({@link ListingRelayouts}, a short step at a time) and, in PERIODIC mode, the fsync agent;
 * {@code basalt-compaction} runs background compaction on its own, so that a long pass never
 * holds up the periodic fsync (the PERIODIC promise is about a second of
 * exposure) or the expiry sweep. Both are daemon threads that {@link #stop()} joins.
 */
final class BackgroundThreads {
    private static final System.Logger LOG = System.getLogger(BackgroundThreads.class.getName());

    private final AgentRunner background;
    /** Null when background compaction is off. */
    private final AgentRunner compaction;

    private BackgroundThreads(AgentRunner background, AgentRunner compaction) {
        this.background = background;
        this.compaction = compaction;
    }

    /**
     * Starts the threads. {@code sweep} runs one expiry batch of at most the given entries (it
     * reads "now" itself, under the append lock); {@code force} is the periodic fsync;
     * {@code compactOnce} runs one background pass; {@code writeSealedHints} writes the hint
     * files rolls left pending; {@code relayoutListings} takes one step of laying a listing out in
     * key order ({@link ListingRelayouts}); {@code catchUpListings} one hold's worth of the
     * listings an open left behind ({@link ListingCatchUp}).
     */
    static BackgroundThreads start(BasaltOptions options, NanoClock nanoClock, IntUnaryOperator sweep,
            Runnable force, CompactionAgent.Pass compactOnce, java.util.function.IntSupplier checkpointIfDue,
            java.util.function.IntSupplier writeSealedHints, java.util.function.IntSupplier relayoutListings,
            java.util.function.IntSupplier catchUpListings) {
        // The agent's own reading of the clock is ignored: see ExpirySweep on why "now" is read
        // under the append lock.
        Agent expiry = new ExpiryAgent((agentNow, maxEntries) -> sweep.applyAsInt(maxEntries), options.clock(),
                nanoClock, options.expiryBatchSize(), options.expiryPace().toNanos());
        List<Agent> agents = new ArrayList<>();
        agents.add(expiry);
        long idleMs = Math.max(1, Math.min(50, options.expiryPace().toMillis() / 4));
        if (options.durability() == Durability.PERIODIC) {
            long intervalNs = options.periodicSyncInterval().toNanos();
            agents.add(new PeriodicSyncAgent(force, nanoClock, intervalNs));
            idleMs = Math.max(1, Math.min(idleMs, TimeUnit.NANOSECONDS.toMillis(intervalNs) / 10));
        }
        if (options.checkpointIntervalBytes() > 0) {
            agents.add(agent("basalt-checkpoint", checkpointIfDue));
        }
        agents.add(agent("basalt-sealed-hints", writeSealedHints));
        agents.add(agent("basalt-listing-catch-up", catchUpListings));
        agents.add(agent("basalt-listing-relayout", relayoutListings));
        agents.add(agent("basalt-freed-memory", () -> FreedMemory.releaseIfDue(nanoClock) ? 1 : 0));
        Agent composite = new CompositeAgent(agents);
        // Backoff rather than a fixed sleep: between the batches of an expiry burst the agent
        // idles only briefly, so a burst is not held to one batch per sleep.
        AgentRunner background = startAgent(composite, "basalt-background", TimeUnit.MILLISECONDS.toNanos(idleMs));
        AgentRunner compaction = null;
        if (options.backgroundCompaction()) {
            compaction = startAgent(new CompactionAgent(compactOnce, nanoClock, TimeUnit.SECONDS.toNanos(1)),
                    "basalt-compaction", TimeUnit.MILLISECONDS.toNanos(50));
        }
        return new BackgroundThreads(background, compaction);
    }

    /** Stops both threads and waits for them (a running compaction step first finishes). */
    void stop() {
        if (compaction != null) {
            compaction.close();
        }
        background.close();
    }

    /** An agent named {@code roleName} whose duty cycle is {@code work} (returning the work done). */
    private static Agent agent(String roleName, java.util.function.IntSupplier work) {
        return new Agent() {
            @Override
            public int doWork() {
                return work.getAsInt();
            }

            @Override
            public String roleName() {
                return roleName;
            }
        };
    }

    private static AgentRunner startAgent(Agent agent, String threadName, long maxIdleNanos) {
        AgentRunner runner = new AgentRunner(new BackoffIdleStrategy(10, 20, TimeUnit.MICROSECONDS.toNanos(1),
                maxIdleNanos),
                error -> LOG.log(System.Logger.Level.ERROR, "background work failed: " + error, error),
                null, agent);
        AgentRunner.startOnThread(runner, r -> {
            Thread thread = new Thread(r, threadName);
            thread.setDaemon(true);
            return thread;
        });
        return runner;
    }
}
