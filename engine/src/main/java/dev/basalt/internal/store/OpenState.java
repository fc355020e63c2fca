package dev.basalt.internal.store;

import dev.basalt.internal.log.SegmentLog;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Whether the store is open, and the checks every call makes against it: reads need an open
 * store and a live namespace; writes also need a log whose fsyncs have not failed.
 */
final class OpenState {
    private final AtomicBoolean closed = new AtomicBoolean();
    private final SegmentLog log;

    OpenState(SegmentLog log) {
        this.log = log;
    }

    /** True for the one caller that closes the store. */
    boolean close() {
        return closed.compareAndSet(false, true);
    }

    boolean isClosed() {
        return closed.get();
    }

    void checkOpen() {
        if (closed.get()) {
            throw new IllegalStateException("the Basalt store is closed");
        }
    }

    void checkReadable(NamespaceState ns) {
        checkOpen();
        if (ns.dropped()) {
            throw new IllegalStateException("namespace " + ns.name() + " was dropped");
        }
    }

    /** Also throws the recorded failure once an fsync failed: no later write is acknowledged. */
    void checkWritable(NamespaceState ns) {
        checkReadable(ns);
        checkLogHealthy();
    }

    void checkLogHealthy() {
        if (log.failed()) {
            log.force(); // throws the recorded failure
        }
    }
}
