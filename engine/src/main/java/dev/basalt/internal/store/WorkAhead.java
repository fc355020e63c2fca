package dev.basalt.internal.store;

import dev.basalt.BasaltException;
import dev.basalt.internal.log.SegmentLog;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * The thread that does ahead of time what a writer would otherwise do under the append lock:
 * <ul>
 *   <li>allocates a hash index's next table before the index grows into it
 *       ({@code HashIndex.prepareGrowth}), so that the growth only copies slots (fresh direct
 *       memory took 70 ms for 24 MiB on our VM);</li>
 *   <li>in {@code PERIODIC} mode, forces the active segment each time the writers have appended
 *       another eighth of it, or 4 MiB ({@code WriterAhead.onForceStepAppended}), so that the force a roll
 *       makes under the lock finds at most that eighth unflushed (a roll's force of a whole 64 MiB
 *       segment took 67-89 ms during a load);</li>
 *   <li>allocates the active segment's next chunk of hint entries and, with mapped appends,
 *       backs its pages by writing zeros ahead of the writer ({@link SegmentLog#prepareAhead}):
 *       together 15 % of the writer's time under sustained overwrite when it did both itself;
 *       and makes the next segment's file, which the roll then only renames
 *       ({@code SegmentFileAhead}).</li>
 * </ul>
 * Its own thread, not more duties of {@code basalt-background}: that thread can be inside a
 * checkpoint for a few hundred milliseconds, and a loading writer reaches a growth or a roll
 * sooner (it missed two of a 1 M-key load's nine growths when the duty was there).
 *
 * <p>The writer wakes it ({@link #indexGrowthNear}, {@link #logGrew}, {@link #logAheadWanted});
 * otherwise it is parked and
 * costs nothing. Daemon; stopped at close before the indexes are freed and the log closed.
 */
final class WorkAhead {
    private static final System.Logger LOG = System.getLogger(WorkAhead.class.getName());

    private final AtomicBoolean growthWanted = new AtomicBoolean();
    private final AtomicBoolean forceWanted = new AtomicBoolean();
    private final AtomicBoolean aheadWanted = new AtomicBoolean();
    private volatile Thread thread;
    private volatile boolean stopping;

    /** An index entered the last eighth before its growth; any thread (the writer). Never blocks. */
    void indexGrowthNear() {
        wake(growthWanted);
    }

    /** The writers appended another eighth of the active segment; any thread (the writer). Never blocks. */
    void logGrew() {
        wake(forceWanted);
    }

    /** The log has hint memory or backed pages to prepare; any thread (the writer). Never blocks. */
    void logAheadWanted() {
        wake(aheadWanted);
    }

    private void wake(AtomicBoolean wanted) {
        // Read first: the writer asks on every append until the thread has run.
        if (!wanted.get() && !wanted.getAndSet(true)) {
            Thread t = thread;
            if (t != null) {
                LockSupport.unpark(t);
            }
        }
    }

    /** Starts the thread; a wake before this is served at once. */
    void start(Namespaces namespaces, SegmentLog log) {
        Thread t = new Thread(() -> run(namespaces, log), "basalt-work-ahead");
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    /** Stops the thread and waits for it (an allocation or a force under way finishes first). */
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

    private void run(Namespaces namespaces, SegmentLog log) {
        while (!stopping) {
            boolean force = forceWanted.getAndSet(false);
            boolean growth = growthWanted.getAndSet(false);
            boolean ahead = aheadWanted.getAndSet(false);
            if (!force && !growth && !ahead) {
                LockSupport.park(this);
                continue;
            }
            if (ahead) {
                prepareAhead(log);
            }
            if (force) {
                forceBehind(log);
            }
            if (growth) {
                prepareGrowths(namespaces);
            }
        }
    }

    private static void forceBehind(SegmentLog log) {
        try {
            if (!log.failed()) {
                log.force();
            }
        } catch (BasaltException e) {
            // The log has failed: the writers report it; a roll would fail the same way.
        }
    }

    private static void prepareAhead(SegmentLog log) {
        try {
            log.prepareAhead();
        } catch (OutOfMemoryError e) {
            // Direct memory short now: the writer allocates its hint chunk itself, as before.
            LOG.log(System.Logger.Level.WARNING, "could not allocate the log's next hint chunk ahead: "
                    + e.getMessage());
        }
    }

    private static void prepareGrowths(Namespaces namespaces) {
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
