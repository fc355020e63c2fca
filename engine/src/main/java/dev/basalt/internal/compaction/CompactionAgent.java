package dev.basalt.internal.compaction;

import org.agrona.concurrent.Agent;
import org.agrona.concurrent.NanoClock;

/**
 * Background compaction: at most one pass per interval, on the engine's compaction thread.
 * A pass rewrites only segments past the victim policy's threshold, so an idle or append-only
 * store costs one cheap check per interval. {@link #doWork()} can be driven by hand in tests.
 */
public final class CompactionAgent implements Agent {
    /** Runs one pass; returns the number of segments compacted. */
    @FunctionalInterface
    public interface Pass {
        int run();
    }

    private final Pass pass;
    private final NanoClock nanoClock;
    private final long intervalNs;
    private long nextCheckNs;

    public CompactionAgent(Pass pass, NanoClock nanoClock, long intervalNs) {
        this.pass = pass;
        this.nanoClock = nanoClock;
        this.intervalNs = intervalNs;
        this.nextCheckNs = nanoClock.nanoTime() + intervalNs;
    }

    @Override
    public int doWork() {
        long now = nanoClock.nanoTime();
        if (now - nextCheckNs < 0) {
            return 0;
        }
        nextCheckNs = now + intervalNs;
        return pass.run();
    }

    @Override
    public String roleName() {
        return "basalt-compaction";
    }
}
