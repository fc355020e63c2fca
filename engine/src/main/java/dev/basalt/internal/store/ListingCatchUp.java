package dev.basalt.internal.store;

import dev.basalt.BasaltException;
import dev.basalt.internal.listing.KeyListing;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

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
 * listing before it is done does the rest on its own thread first: the close (whose checkpoint
 * must hold a whole listing), a {@code list} or a range scan of that namespace unless the debt is
 * an open's backlog, whose sorted keys a page merges in instead ({@link #finishForPage}).
 * A background checkpoint is not taken while any listing is behind, and a relayout does not
 * start on one.
 *
 * <p>Why the writers may run meanwhile: every listing change of theirs is the one the index
 * change beside it calls for, so a key the open did not owe the listing stays right; for a key
 * it owes, the catch-up reads the index under the lock when the key's turn comes and inserts the
 * key (plain flag from the record the index names) or removes it, both no-ops when the listing
 * already agrees. A writer's change to such a key before its turn leaves the listing either
 * right or as behind as before, and no reader takes the listing alone for an owed key until
 * its catch-up is done (a page resolves every owed key through the index).
 *
 * <p>A backlog of at least an eighth of its listing's keys is paid by a merge instead, when
 * nothing changed the namespace since the open: the live listing and the owed keys are merged,
 * without the lock, into a fresh listing laid out in key order, which replaces the live one under
 * the lock ({@link ListingMerge} has the figures and why it is safe). A change before the merge
 * ends discards the copy, and the keys are inserted one by one as above.
 *
 * <p>It lists the new keys the writers owe ({@link OwedNewKeys}) the same way: the background
 * thread once a batch is due, a list or range scan and the close before they read the listing, a
 * background checkpoint between its steps ({@link #listOwedNewKeys()}; its capture saves the keys
 * owed as they stand). Whoever lists them looks each hold's keys up before it takes the lock
 * ({@link #warm}), and takes it ahead of the writers ({@code WritePath.lockForBackgroundStep}):
 * the hold then inserts into cached nodes (a batched load of 1 M keys: 1.1-1.3 s instead of 1.4-1.8).
 *
 * <p>Threads: any; one catch-up of a namespace at a time (its backlog's monitor, or its owed new
 * keys' monitor), each hold under the append lock.
 */
final class ListingCatchUp {
    /** Keys caught up per hold of the append lock: about 0.4 ms at 1 M keys (0.7 µs a key measured). */
    static final int KEYS_PER_HOLD = 512;
    /**
     * The owed keys' hold is warmed ({@link #warm}) only while fewer keys than this wait beside it:
     * warming costs processor time the inserts then need, and when the writers outrun the
     * catch-up (a 10 M-key load on two cores) cold inserts under the lock hold them to the
     * listing's pace, where warmed ones let the keys pile up to {@link OwedNewKeys#MAX_OWED} and
     * the writers insert them one by one, unsorted (a 10 M-key load took 43 s warming always,
     * 20.7-25.8 s with this bound and 26.0-30.7 s never warming; {@code docs/benchmarks.md}).
     */
    static final int WARM_WHILE_OWED_BELOW = OwedNewKeys.MAX_OWED / 2;
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

    private static final System.Logger LOG = System.getLogger(ListingCatchUp.class.getName());
    /** Marks a merge step that gave up: the backlog is paid key by key instead. */
    private static final int MERGE_GIVEN_UP = -1;

    private final Namespaces namespaces;
    private final WritePath writes;
    private final ReadEpochs epochs;
    /** Held while a merge step walks a listing without the lock; a dropped namespace's memory is released inside it. */
    private final Object namespaceMemory;
    private final AtomicLong merged = new AtomicLong();

    ListingCatchUp(Namespaces namespaces, WritePath writes, ReadEpochs epochs, Object namespaceMemory) {
        this.namespaces = namespaces;
        this.writes = writes;
        this.epochs = epochs;
        this.namespaceMemory = namespaceMemory;
    }

    /**
     * The background thread's duty cycle: one hold's worth of the first listing behind; returns
     * the keys caught up (0: none behind, or every one behind has failed).
     */
    int step() {
        return pausedForTests.get() > 0 ? 0 : stepNow();
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
        listOwedNewKeys(ns);
    }

    /**
     * Readies {@code ns}'s listing for a {@code list} page or a range scan: as {@link #finish},
     * except that an open's backlog ({@link ListingBacklog}) is left to the background and its
     * keys, sorted, returned for the page to merge in ({@link ListPage#listOwing},
     * {@link RangeScan#walkOwing}); null when nothing is owed
     * but what {@link #finish} paid. After a 10 M-key open the first page waited 1.6-1.9 s for
     * the whole merge; a page that merges the owed keys in costs a sort of them at most.
     *
     * @throws BasaltException when the catch-up failed (the listing cannot be trusted)
     */
    OwedKeys finishForPage(NamespaceState ns) {
        if (ns.listingDebt() instanceof ListingBacklog backlog) {
            OwedKeys owed = backlog.sortedForPages();
            if (owed != null) {
                listOwedNewKeys(ns);
                return owed;
            }
        }
        finish(ns);
        return null;
    }

    /**
     * Lists the new keys the writers owed {@code ns}'s listing before the call ({@link OwedNewKeys}),
     * a hold of the append lock at a time. A batch another thread took is finished first; keys
     * owed meanwhile are left (a writer that never stops would never let the call end).
     */
    private void listOwedNewKeys(NamespaceState ns) {
        OwedNewKeys owed = ns.owedNewKeys();
        if (!owed.none()) {
            synchronized (owed) {
                boolean hadBatch = owed.underWay() != null;
                listWholeBatch(ns, owed);
                if (hadBatch) {
                    listWholeBatch(ns, owed);
                }
            }
        }
    }

    /**
     * {@link #listOwedNewKeys(NamespaceState)} for every namespace: for a background checkpoint,
     * which runs on the thread that lists them otherwise, between its long steps (the copying,
     * the file's writing), so that the writers do not run into {@link OwedNewKeys#MAX_OWED} and
     * insert directly meanwhile (a 3 M-key load took 12-20 s instead of 7-10 when they did).
     */
    void listOwedNewKeys() {
        if (pausedForTests.get() > 0) {
            return; // in the background step's stead, so paused with it
        }
        for (NamespaceState ns : namespaces.all()) {
            listOwedNewKeys(ns); // a dropped namespace's keys are left (listNewKeysOneHold)
        }
    }

    /** One step of {@link #step} even while paused; for tests that interleave writes with a catch-up. */
    int stepNow() {
        for (NamespaceState ns : namespaces.all()) {
            ListingDebt debt = ns.listingDebt();
            if (debt != null && debt.failure() == null) {
                return payOneHold(ns, debt);
            }
        }
        for (NamespaceState ns : namespaces.all()) {
            OwedNewKeys owed = ns.owedNewKeys();
            if (owed.due(ns.relaid().current().size())) {
                synchronized (owed) {
                    return listNewKeysOneHold(ns, owed);
                }
            }
        }
        return 0;
    }

    /** Lists the batch under way to its end, or takes the owed keys as one and lists them; with the monitor held. */
    private void listWholeBatch(NamespaceState ns, OwedNewKeys owed) {
        while (listNewKeysOneHold(ns, owed) > 0 && owed.underWay() != null) {
            // a hold at a time, so that a writer waits for KEYS_PER_HOLD inserts at most
        }
    }

    /**
     * Lists one hold's worth of {@code ns}'s owed new keys, taking the writers' keys as a batch
     * (and sorting it without the lock) when none is under way, so that a hold of a batch under
     * way takes the lock once; with {@code owed}'s monitor held. Before the hold, while the
     * writers keep up with it, the hold's keys are looked up without the lock ({@link #warm}).
     * Returns the keys listed (0: none owed).
     */
    private int listNewKeysOneHold(NamespaceState ns, OwedNewKeys owed) {
        OwedKeys batch = owed.underWay();
        if (batch == null) {
            writes.lock();
            try {
                batch = ns.dropped() ? null : owed.take();
            } finally {
                writes.unlock();
            }
            if (batch == null) {
                return 0;
            }
            batch.sortOnce();
        }
        if (owed.owedNow() < WARM_WHILE_OWED_BELOW) {
            warm(ns, batch);
        }
        writes.lockForBackgroundStep();
        try {
            return ns.dropped() ? 0 : Math.max(1, owed.listNext(ns, KEYS_PER_HOLD));
        } finally {
            writes.unlock();
        }
    }

    /**
     * Looks the next hold's keys up in the listing as a reader would, without the lock, so that
     * the nodes their inserts pass are in the cache when the hold runs: the inserts' cache misses
     * (most of their time) are then taken beside the writers rather than while they wait.
     */
    private void warm(NamespaceState ns, OwedKeys batch) {
        UnlockedListingRead.run(epochs, namespaceMemory, ns, () -> {
            batch.warmNext(ns.relaid().current(), KEYS_PER_HOLD);
            return null;
        });
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
            if (debt instanceof ListingBacklog backlog && !backlog.insertsKeyByKey()) {
                int work = mergeStep(ns, backlog);
                if (work != MERGE_GIVEN_UP) {
                    return work;
                }
            }
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
     * One step of paying {@code backlog} by a merge ({@link ListingMerge}): the first checks that
     * the merge is wanted and that nothing changed the namespace since the open; the last
     * replaces the listing if that still holds. Returns the keys appended, or
     * {@link #MERGE_GIVEN_UP} once the keys are to be inserted one by one instead.
     */
    private int mergeStep(NamespaceState ns, ListingBacklog backlog) {
        if (backlog.merge() == null && !mergeStarted(ns, backlog)) {
            return ns.listingDebt() == null ? 0 : MERGE_GIVEN_UP;
        }
        ListingMerge merge = backlog.merge();
        Boolean done;
        try {
            done = UnlockedListingRead.run(epochs, namespaceMemory, ns,
                    () -> merge.step(ns.relaid().current(), ns, ListingMerge.KEYS_PER_STEP));
        } catch (RuntimeException e) {
            // A walk beside a writer may meet a record a change moved; that change rules the
            // merge out anyway, and the keys inserted one by one are right either way. Without
            // such a change the failure is the merge's own, worth a warning.
            boolean changed;
            writes.lock();
            try {
                changed = ns.keyChangesSinceOpen() != 0;
            } finally {
                writes.unlock();
            }
            LOG.log(changed ? System.Logger.Level.DEBUG : System.Logger.Level.WARNING, "merging the listing of"
                    + " namespace " + ns.name() + " failed; its owed keys are inserted one by one instead", e);
            backlog.insertKeyByKeyFromNowOn();
            return MERGE_GIVEN_UP;
        }
        if (done == Boolean.FALSE) {
            return ListingMerge.KEYS_PER_STEP;
        }
        KeyListing replaced = null;
        writes.lock();
        try {
            if (ns.dropped()) {
                ns.listingCaughtUp(); // its listing goes with it
            } else if (ns.keyChangesSinceOpen() == 0) {
                replaced = ns.relaid().replaceCaughtUp(backlog.mergeHandedOver());
                ns.listingCaughtUp();
            }
        } finally {
            writes.unlock();
        }
        if (replaced == null) {
            backlog.insertKeyByKeyFromNowOn(); // frees the copy; key by key unless dropped
            return ns.listingDebt() == null ? 0 : MERGE_GIVEN_UP;
        }
        merged.incrementAndGet();
        epochs.awaitReaders();
        replaced.close();
        return ListingMerge.KEYS_PER_STEP;
    }

    /** Starts a merge of {@code backlog} if one is wanted and nothing changed {@code ns} since the open. */
    private boolean mergeStarted(NamespaceState ns, ListingBacklog backlog) {
        writes.lock();
        try {
            if (ns.dropped()) {
                ns.listingCaughtUp();
            } else if (ns.keyChangesSinceOpen() == 0
                    && ListingBacklog.mergesInto(backlog.remaining(), ns.relaid().current().size())) {
                backlog.startMerge();
                return true;
            }
        } finally {
            writes.unlock();
        }
        backlog.insertKeyByKeyFromNowOn();
        return false;
    }

    /** Backlogs paid by a merge since the store opened. */
    long merged() {
        return merged.get();
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
