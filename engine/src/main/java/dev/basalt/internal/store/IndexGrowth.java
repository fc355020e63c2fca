package dev.basalt.internal.store;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * The thread that allocates a hash index's next table before the writer grows into it
 * ({@code HashIndex.prepareGrowth}), so that a growth under the append lock only copies slots.
 * Its own thread, not one more duty of {@code basalt-background}: that thread can be inside a
 * checkpoint for a few hundred milliseconds, and a loading writer reaches the growth sooner than
 * that (it missed two of a 1 M-key load's nine growths when the duty was there).
 *
 * <p>The writer wakes it when an index enters the last eighth before its growth (once a table,
 * {@code HashIndex.onGrowthNear}); otherwise it is parked and costs nothing. Daemon; stopped at
 * close before the indexes are freed (a table prepared after that is freed by the index's own
 * check).
 */
final class IndexGrowth {
    private static final System.Logger LOG = System.getLogger(IndexGrowth.class.getName());

    private final AtomicBoolean wanted = new AtomicBoolean();
    private volatile Thread thread;
    private volatile boolean stopping;

    /** Asks for a pass over the indexes; any thread (the writer, at a threshold). Never blocks. */
    void wake() {
        if (!wanted.getAndSet(true)) {
            Thread t = thread;
            if (t != null) {
                LockSupport.unpark(t);
            }
        }
    }

    /** Starts the thread; a wake before this is served at once. */
    void start(Namespaces namespaces) {
        Thread t = new Thread(() -> run(namespaces), "basalt-index-growth");
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    /** Stops the thread and waits for it (an allocation under way finishes first). */
    void stop() {
        Thread t = thread;
        stopping = true;
        if (t == null) {
            return;
        }
        LockSupport.unpark(t);
        boolean interrupted = false;
        while (t.isAlive()) {
            try {
                t.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void run(Namespaces namespaces) {
        while (!stopping) {
            if (!wanted.getAndSet(false)) {
                LockSupport.park(this);
                continue;
            }
            for (NamespaceState ns : namespaces.all()) {
                try {
                    ns.index().prepareGrowth();
                } catch (OutOfMemoryError e) {
                    // Direct memory short now: the writer's own growth will allocate (or fail) as before.
                    LOG.log(System.Logger.Level.WARNING, "could not allocate the next table of namespace "
                            + ns.name() + "'s index ahead of its growth: " + e.getMessage());
                }
            }
        }
    }
}
