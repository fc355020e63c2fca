package dev.basalt.internal.store;

import dev.basalt.BasaltException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Brings the listings an open left behind up to date after the store is open, so that the open
 * itself waits only for what reads need: the index. An open from a checkpoint replays the log
 * after it into the index, then owes each namespace's listing the keys the replay added or
 * removed ({@link ListingBacklog}); at 1,000,000 keys with a 430,000-key tail that was 280 ms of
 * a 630 ms open, the listing's inserts into a skip list the checkpoint caught scattered.
 *
 * <p>Who does the work: the background thread, {@value #KEYS_PER_HOLD} keys per hold of the
 * append lock, so a writer waits for a few hundred inserts at most; and anyone who needs the
 * listing before it is done does the rest on its own thread first: a {@code list} or range scan
 * of that namespace, the close (whose checkpoint must hold a whole listing). A background
 * checkpoint is not taken while any listing is behind, and a relayout does not start on one.
 *
 * <p>Why the writers may run meanwhile: every listing change of theirs is the one the index
 * change beside it calls for, so a key the open did not owe the listing stays right; for a key
 * it owes, the catch-up reads the index under the lock when the key's turn comes and inserts the
 * key (plain flag from the record the index names) or removes it, both no-ops when the listing
 * already agrees. A writer's change to such a key before its turn leaves the listing either
 * right or as behind as before, and no reader sees the listing until its catch-up is done.
 *
 * <p>Threads: any; one catch-up of a namespace at a time (its backlog's monitor), each hold
 * under the append lock.
 */
final class ListingCatchUp {
    /** Keys caught up per hold of the append lock: about 0.4 ms at 1 M keys (0.7 µs a key measured). */
    static final int KEYS_PER_HOLD = 512;
    /** Above 0, the background thread leaves the backlogs alone (tests watch the listing behind). */
    private static final AtomicInteger pausedForTests = new AtomicInteger();

    private final Namespaces namespaces;
    private final WritePath writes;

    ListingCatchUp(Namespaces namespaces, WritePath writes) {
        this.namespaces = namespaces;
        this.writes = writes;
    }

    /**
     * The background thread's duty cycle: one hold's worth of the first listing behind; returns
     * the keys caught up (0: none behind, or every one behind has failed).
     */
    int step() {
        if (pausedForTests.get() > 0) {
            return 0;
        }
        for (NamespaceState ns : namespaces.all()) {
            ListingBacklog backlog = ns.listingBacklog();
            if (backlog != null && backlog.failure() == null) {
                return applyOneHold(ns, backlog);
            }
        }
        return 0;
    }

    /**
     * Catches {@code ns}'s listing up on the caller's thread, if it is behind: what a page of it
     * needs first.
     *
     * @throws BasaltException when the catch-up failed (the listing cannot be trusted)
     */
    void finish(NamespaceState ns) {
        for (ListingBacklog backlog = ns.listingBacklog(); backlog != null; backlog = ns.listingBacklog()) {
            if (backlog.failure() != null) {
                throw new BasaltException("the listing of namespace " + ns.name()
                        + " could not be brought up to date after the open: " + backlog.failure(), backlog.failure());
            }
            applyOneHold(ns, backlog);
        }
    }

    /** Catches every listing up; at close, before its checkpoint. A failed one stays behind (no checkpoint). */
    void finishAll() {
        for (NamespaceState ns : namespaces.all()) {
            try {
                finish(ns);
            } catch (BasaltException e) {
                // Reported to its lists already; the close then writes no checkpoint.
            }
        }
    }

    private int applyOneHold(NamespaceState ns, ListingBacklog backlog) {
        synchronized (backlog) {
            if (ns.listingBacklog() != backlog || backlog.failure() != null) {
                return 0; // done by another thread meanwhile, or failed
            }
            backlog.sortOnce();
            writes.lock();
            try {
                if (ns.dropped()) {
                    ns.listingCaughtUp(); // its listing goes with it
                    return 0;
                }
                int applied = backlog.applyNext(ns, KEYS_PER_HOLD);
                if (backlog.remaining() == 0 && backlog.failure() == null) {
                    ns.listingCaughtUp();
                }
                return applied;
            } finally {
                writes.unlock();
            }
        }
    }

    /**
     * Stops the background thread's catch-ups until the returned handle is closed; lists and the
     * close still catch up on their own thread. For tests that change keys while a listing is
     * behind. Closing the handle twice resumes once.
     */
    static AutoCloseable pauseForTests() {
        pausedForTests.incrementAndGet();
        java.util.concurrent.atomic.AtomicBoolean resumed = new java.util.concurrent.atomic.AtomicBoolean();
        return () -> {
            if (resumed.compareAndSet(false, true)) {
                pausedForTests.decrementAndGet();
            }
        };
    }
}
