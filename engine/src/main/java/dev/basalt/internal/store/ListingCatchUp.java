package dev.basalt.internal.store;

import dev.basalt.BasaltException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Brings the listings an open left behind up to date after the store is open, so that the open
 * itself waits only for what reads need: the index. An open from a checkpoint replays the log
 * after it into the index, then owes each namespace's listing the keys the replay added or
 * removed ({@link ListingBacklog}); at 1,000,000 keys with a 430,000-key tail that was 280 ms of
 * a 630 ms open, the listing's inserts into a skip list the checkpoint caught scattered. An open
 * that replays the whole log owes a large namespace's listing every key ({@link ListingFromIndex}).
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
    /**
     * A namespace rebuilt from the whole log with at most this many keys is listed by the open
     * itself: a few milliseconds, not worth a catch-up.
     */
    static final int LISTED_AT_OPEN_UP_TO = 1 << 16;
    /** Above 0, the background thread leaves the debts alone (tests watch the listing behind). */
    private static final AtomicInteger pausedForTests = new AtomicInteger();
    private static final int KEYS_PER_TEST_BATCH = 97;
    /** Above 0, every namespace rebuilt from the whole log is left to the catch-up (tests). */
    private static final AtomicInteger deferAllForTests = new AtomicInteger();

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
            ListingDebt debt = ns.listingDebt();
            if (debt != null && debt.failure() == null) {
                return payOneHold(ns, debt);
            }
        }
        return 0;
    }

    /** Whether an open that rebuilt a namespace of {@code keys} keys from the whole log lists them itself. */
    static boolean listsAtOpen(long keys) {
        return keys <= LISTED_AT_OPEN_UP_TO && deferAllForTests.get() == 0;
    }

    /**
     * Keys per sorted batch of a {@link ListingFromIndex}: {@value ListingFromIndex#MAX_KEYS_PER_BATCH},
     * or {@value #KEYS_PER_TEST_BATCH} under {@link #deferAllListingsForTests}, so that a test's
     * few thousand keys take many batches.
     */
    static int keysPerSortedBatch() {
        return deferAllForTests.get() == 0 ? ListingFromIndex.MAX_KEYS_PER_BATCH : KEYS_PER_TEST_BATCH;
    }

    /**
     * Catches {@code ns}'s listing up on the caller's thread, if it is behind: what a page of it
     * needs first.
     *
     * @throws BasaltException when the catch-up failed (the listing cannot be trusted)
     */
    void finish(NamespaceState ns) {
        for (ListingDebt debt = ns.listingDebt(); debt != null; debt = ns.listingDebt()) {
            if (debt.failure() != null) {
                throw new BasaltException("the listing of namespace " + ns.name()
                        + " could not be brought up to date after the open: " + debt.failure(), debt.failure());
            }
            payOneHold(ns, debt);
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

    private int payOneHold(NamespaceState ns, ListingDebt debt) {
        synchronized (debt) {
            if (ns.listingDebt() != debt || debt.failure() != null) {
                return 0; // done by another thread meanwhile, or failed
            }
            debt.prepare();
            writes.lock();
            try {
                if (ns.dropped()) {
                    ns.listingCaughtUp(); // its listing goes with it
                    return 0;
                }
                int work = debt.payUnderLock(ns, KEYS_PER_HOLD);
                if (debt.paid() && debt.failure() == null) {
                    ns.listingCaughtUp();
                }
                return work;
            } finally {
                writes.unlock();
            }
        }
    }

    /**
     * Until the returned handle is closed, an open that rebuilds a namespace from the whole log
     * leaves its listing to the catch-up whatever its size, in small batches; for tests. Closing
     * twice resumes once.
     */
    static AutoCloseable deferAllListingsForTests() {
        return hold(deferAllForTests);
    }

    /**
     * Stops the background thread's catch-ups until the returned handle is closed; lists and the
     * close still catch up on their own thread. For tests that change keys while a listing is
     * behind. Closing the handle twice resumes once.
     */
    static AutoCloseable pauseForTests() {
        return hold(pausedForTests);
    }

    private static AutoCloseable hold(AtomicInteger count) {
        count.incrementAndGet();
        java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();
        return () -> {
            if (released.compareAndSet(false, true)) {
                count.decrementAndGet();
            }
        };
    }
}
