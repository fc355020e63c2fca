package dev.basalt.internal.store;

import dev.basalt.internal.listing.KeyListing;
import dev.basalt.internal.listing.ListingOrder;
import dev.basalt.internal.log.SegmentLog;
import org.agrona.concurrent.NanoClock;

/**
 * Lays the namespaces' listings out in key order again once random inserts have scattered them
 * ({@link Relayout} says why), one namespace at a time, a step per call of the background
 * thread:
 * <ol>
 *   <li>a namespace whose listing took inserts of a quarter of its keys since its last layout
 *       (and holds at least {@link #MIN_KEYS}) begins, under the append lock: from then on its
 *       writers note every key whose listing entry they change;</li>
 *   <li>without the lock, {@link #KEYS_PER_STEP} keys per call, each step in a read epoch and
 *       with the namespaces' memory held: the live listing is walked in key order and each key
 *       appended to a fresh listing, whose nodes so lie in memory in key order;</li>
 *   <li>the noted keys are made in the copy what they are in the live listing: in rounds
 *       without the lock (the keys noted up to a round's start; those changed again are noted
 *       again), {@link #KEYS_PER_STEP} a call, until at most {@link #FINISH_UNDER_LOCK} are left;
 *       those under the lock, where the copy then replaces the live listing;</li>
 *   <li>without the lock: once every reader that could be in the replaced listing has left, it
 *       is freed.</li>
 * </ol>
 * The writers wait for step 1, the start of each round and the last round only: a few hundred
 * seeks at most.
 * A quarter of the keys between layouts bounds the work: a listing that grows from empty slowly is
 * walked about five times its final size in all. Memory: for the length of a walk, a second listing.
 *
 * <p>A relayout the writers outrun is dropped: once they changed more than
 * {@code 1 / }{@value #CHURN_FRACTION} of the namespace's keys since it began, catching up would
 * cost the background thread about what the inserts cost the writers, would scatter the copy as
 * the inserts scatter the listing, and would keep every changed key on the heap. A bulk load is
 * the case: without this, the background thread spent nine tenths of its time catching up during
 * a load of 1 M keys in batches ({@code docs/listing.md}). The namespace is tried again once its
 * inserts calm down ({@link QuietWatch}), so a load's listing is laid out a second or two after
 * the load ends, or once another quarter of its keys went in (writers that slowed to a rate a walk
 * keeps up with need not be quiet).
 *
 * <p>A quarter is what a busy namespace waits for; a quiet one is laid out sooner. A listing
 * whose inserts since its last layout reach {@code 1 / }{@value #QUIET_INSERTS_FRACTION} of its
 * keys is laid out after a period in which it took few inserts ({@link QuietWatch}): a load that
 * ends between two layouts would otherwise leave up to a fifth of its nodes out of order for good,
 * and at 10 M keys that made a page five times slower.
 *
 * <p>The count of inserts since the last layout lives in memory only. A listing an open maps
 * from a checkpoint lies in memory as it did when the checkpoint was written, laid out or not; so
 * once per open, when a namespace first holds {@link #MIN_KEYS}, a sample of its walk
 * ({@link ListingOrder}) estimates how many of its nodes are out of order, and that estimate
 * counts as inserts since the last layout.
 *
 * <p>Threads: the background agent's, or a test's ({@link #relayoutAll}); one at a time. The
 * background checkpoint runs through {@link #excluding}, so a listing is never replaced while a
 * checkpoint copies it.
 */
final class ListingRelayouts {
    private static final System.Logger LOG = System.getLogger(ListingRelayouts.class.getName());
    /** Below this a listing is small enough for its pages to come from the cache anyway. */
    static final long MIN_KEYS = 65_536;
    /** A relayout is due once inserts since the last reach {@code size / INSERTS_FRACTION}. */
    static final int INSERTS_FRACTION = 4;
    /**
     * Under a millisecond of walking per call, so the thread's other agents are not held up, and
     * a writer that waits for the readers to leave (compaction, the reclaim of removed nodes) waits
     * for at most one step.
     */
    static final int KEYS_PER_STEP = 4_096;
    /** A relayout is dropped once the writers changed more than {@code size / CHURN_FRACTION} keys since it began. */
    static final int CHURN_FRACTION = 16;
    /**
     * A quiet namespace is laid out once its inserts since the last layout reach
     * {@code size / QUIET_INSERTS_FRACTION}.
     */
    static final int QUIET_INSERTS_FRACTION = 64;

    private final Namespaces namespaces;
    private final WritePath writes;
    private final ReadEpochs epochs;
    private final OpenState open;
    private final SegmentLog log;
    /** Held while a step reads a listing without the lock; a dropped namespace's memory is released inside it. */
    private final Object namespaceMemory;
    private final long minKeys;
    private final NanoClock clock;
    /**
     * Keys changed since the last round that the final round catches up on under the lock: at a
     * few microseconds each (two seeks in the live listing, one in the copy), about a millisecond.
     */
    static final int FINISH_UNDER_LOCK = 256;
    /** Rounds without the lock before the last one is taken under it whatever is left. */
    static final int MAX_ROUNDS = 16;

    private NamespaceState current;
    private boolean walked;
    /** Keys being caught up on without the lock, or null. */
    private Relayout.Changes catchingUp;
    private int rounds;
    private long completed;
    private long roundsWithoutLock;
    private long abandoned;

    ListingRelayouts(Namespaces namespaces, WritePath writes, ReadEpochs epochs, OpenState open, SegmentLog log,
            Object namespaceMemory, long minKeys, NanoClock clock) {
        this.namespaces = namespaces;
        this.writes = writes;
        this.epochs = epochs;
        this.open = open;
        this.log = log;
        this.namespaceMemory = namespaceMemory;
        this.minKeys = minKeys;
        this.clock = clock;
    }

    /** One step of the protocol in the class comment; returns 1 when it did something. */
    synchronized int step() {
        return step(true);
    }

    private int step(boolean mayAbandon) {
        if (open.isClosed() || log.failed()) {
            return 0;
        }
        if (current == null) {
            return begin() ? 1 : 0;
        }
        if (mayAbandon && outrun(current.relaid())) {
            abandon();
            return 1;
        }
        if (catchingUp == null && !walked) {
            walked = underMemory(() -> current.relaid().copyForRelayout(KEYS_PER_STEP));
        } else if (catchingUp != null) {
            if (underMemory(() -> current.relaid().catchUpRelayout(catchingUp, KEYS_PER_STEP))) {
                catchingUp = null;
            }
        } else {
            takeOrFinish();
        }
        return 1;
    }

    /**
     * Runs {@code work} on the current namespace's listing without the lock: inside a read epoch
     * (no node it reads is reused meanwhile) and with the namespaces' memory held (a drop frees it
     * only after). A dropped namespace ends the relayout: its release freed the copy.
     */
    private boolean underMemory(java.util.function.BooleanSupplier work) {
        Boolean done = withoutLock(current, work::getAsBoolean);
        if (done == null) {
            forget();
            return false;
        }
        return done;
    }

    /** {@link UnlockedListingRead#run}. */
    private <T> T withoutLock(NamespaceState ns, java.util.function.Supplier<T> read) {
        return UnlockedListingRead.run(epochs, namespaceMemory, ns, read);
    }

    /**
     * Under the lock: takes the keys changed since the last round for a catch-up without the lock,
     * or, once few are left (or after {@link #MAX_ROUNDS}), catches up on them there and replaces
     * the listing; then frees the replaced one once its readers left.
     */
    private void takeOrFinish() {
        NamespaceState ns = current;
        KeyListing replaced;
        writes.lock();
        try {
            if (open.isClosed() || ns.dropped()) {
                forget(); // the close or the drop releases the copy with the namespace
                return;
            }
            if (ns.relaid().relayoutChangesNoted() > FINISH_UNDER_LOCK && rounds < MAX_ROUNDS) {
                catchingUp = ns.relaid().takeRelayoutChanges();
                rounds++;
                roundsWithoutLock++;
                return;
            }
            forget();
            replaced = ns.relaid().finishRelayout();
        } finally {
            writes.unlock();
        }
        if (replaced == null) {
            LOG.log(System.Logger.Level.WARNING, "the key-order copy of namespace " + ns.name()
                    + "'s listing disagreed with it and was dropped; the listing stays as it was");
            return;
        }
        completed++;
        epochs.awaitReaders();
        replaced.close();
    }

    private static boolean outrun(RelaidListing listing) {
        return listing.relayoutChurn() > Math.max(FINISH_UNDER_LOCK, listing.current().size() / CHURN_FRACTION);
    }

    /** Drops the relayout under way and starts watching its namespace for a quiet period. */
    private void abandon() {
        NamespaceState ns = current;
        Relayout dropped;
        writes.lock();
        try {
            if (open.isClosed() || ns.dropped()) {
                forget(); // the close or the drop releases the copy with the namespace
                return;
            }
            dropped = ns.relaid().abandonRelayout();
        } finally {
            writes.unlock();
        }
        forget();
        dropped.discard(); // never published: no reader can be inside it
        abandoned++;
        ns.relaid().dropWatch().start(ns.relaid().insertsSinceLayout(), clock.nanoTime());
    }

    private void forget() {
        current = null;
        catchingUp = null;
        walked = false;
        rounds = 0;
    }

    /**
     * Ends the relayout under way, then lays out every namespace's listing now, whatever its
     * size; on the caller's thread, beside the writers. For tests.
     */
    synchronized void relayoutAll() {
        while (current != null && step(false) == 1) {
            // finish the one under way
        }
        for (NamespaceState ns : namespaces.all()) {
            if (begin(ns)) {
                while (current != null && step(false) == 1) {
                    // walk, then finish
                }
            }
        }
    }

    /** Catch-up rounds taken without the lock since the store opened. */
    synchronized long roundsWithoutLock() {
        return roundsWithoutLock;
    }

    /** Runs {@code work} (the background checkpoint) with no relayout step beside it. */
    synchronized int excluding(java.util.function.IntSupplier work) {
        return work.getAsInt();
    }

    /** Relayouts dropped because the writers outran them, since the store opened. */
    synchronized long abandoned() {
        return abandoned;
    }

    /** Relayouts completed since the store opened (a copy dropped for disagreeing is not counted). */
    synchronized long completed() {
        return completed;
    }

    private boolean begin() {
        for (NamespaceState ns : namespaces.all()) {
            if (ns.listingDebt() != null) {
                continue; // still catching up after the open (ListingCatchUp)
            }
            RelaidListing listing = ns.relaid();
            if (ns.owedNewKeys().due(listing.current().size())) {
                continue; // a load under way: the background thread lists its keys first (OwedNewKeys)
            }
            if (listing.current().size() >= minKeys && listing.sampleOrderOnce()) {
                sampleOrder(ns);
            }
            long inserts = listing.insertsSinceLayout();
            long size = listing.current().size();
            long now = clock.nanoTime();
            if (listing.relayoutDue(minKeys, INSERTS_FRACTION)) {
                // After a drop: again once quiet, or once another quarter went in (the writers may
                // have slowed to a rate a walk keeps up with without ever being quiet).
                QuietWatch dropped = listing.dropWatch();
                if (!dropped.watching() || dropped.insertsSinceStart(inserts) >= size / INSERTS_FRACTION
                        || dropped.allows(inserts, size, now)) {
                    return begin(ns);
                }
            } else if (listing.relayoutDue(minKeys, QUIET_INSERTS_FRACTION)) {
                QuietWatch idle = listing.idleWatch();
                if (!idle.watching()) {
                    idle.start(inserts, now); // a quiet period from now makes it due
                } else if (idle.allows(inserts, size, now)) {
                    return begin(ns);
                }
            }
        }
        return false;
    }

    /**
     * Samples {@code ns}'s listing's order in memory: each node out of order costs about one step
     * back, so the share of steps back estimates the nodes out of order, counted as inserts.
     */
    private void sampleOrder(NamespaceState ns) {
        Double backward = withoutLock(ns,
                () -> ListingOrder.backwardShare(ns.relaid().current(), ListingOrder.SAMPLE_HOPS));
        if (backward == null) {
            return;
        }
        writes.lock();
        try {
            if (!open.isClosed() && !ns.dropped()) {
                ns.relaid().countOutOfOrder((long) (backward * ns.relaid().current().size()));
            }
        } finally {
            writes.unlock();
        }
    }

    /** Begins a relayout of {@code ns} unless the store closed or it was dropped; none may be under way. */
    boolean begin(NamespaceState ns) {
        writes.lock();
        try {
            if (open.isClosed() || ns.dropped()) {
                return false;
            }
            ns.relaid().beginRelayout();
            forget();
            current = ns;
            return true;
        } finally {
            writes.unlock();
        }
    }
}
