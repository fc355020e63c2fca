package dev.basalt.internal.store;

import org.agrona.concurrent.Agent;
import org.agrona.concurrent.NanoClock;

/**
 * {@code PERIODIC} durability: forces the log once per interval on an engine-owned thread.
 * {@link #doWork()} does at most one fsync and says whether it did, so a test can drive it by
 * hand with a fake nano clock.
 */
final class PeriodicSyncAgent implements Agent {
    private final Runnable sync;
    private final NanoClock nanoClock;
    private final long intervalNs;
    private long nextSyncNs;

    PeriodicSyncAgent(Runnable sync, NanoClock nanoClock, long intervalNs) {
        this.sync = sync;
        this.nanoClock = nanoClock;
        this.intervalNs = intervalNs;
        this.nextSyncNs = nanoClock.nanoTime() + intervalNs;
    }

    @Override
    public int doWork() {
        long now = nanoClock.nanoTime();
        if (now - nextSyncNs < 0) {
            return 0;
        }
        nextSyncNs = now + intervalNs;
        sync.run();
        return 1;
    }

    @Override
    public String roleName() {
        return "basalt-periodic-sync";
    }
}
