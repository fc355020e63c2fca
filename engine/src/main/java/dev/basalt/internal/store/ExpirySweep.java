package dev.basalt.internal.store;

import dev.basalt.internal.env.CrashPoint;
import dev.basalt.internal.env.CrashPoints;
import dev.basalt.internal.events.ExpiryBatchEvent;
import java.util.function.LongSupplier;

/**
 * Background expiry, one bounded batch at a time: takes due entries from the ledger and purges
 * each key only if its namespace still points at the very record that expired (a newer put of
 * the key survives the sweep). The expiry agent drives it with the store's clock; a test may
 * drive it with any "now".
 *
 * <p>Threads: a batch purges {@value #ENTRIES_PER_HOLD} entries per hold of the append lock,
 * because it changes the namespaces' structures, and lets waiting writers through between two
 * holds. A whole batch of 1,000 under one hold kept writers waiting 4-6 ms, several times a
 * second, in the mixed benchmark at 1 M keys (issue 14: a writer waits for at most one record's
 * worth of another thread's work; 32 purges take tens of microseconds). "Now" for the agent is
 * read under the lock of each hold, so no write can slip in between that reading and the purge
 * (with a clock that moved back, a stale "now" could purge a key written in between).
 */
public final class ExpirySweep {
    /** Entries purged per hold of the append lock. */
    static final int ENTRIES_PER_HOLD = 32;
    /** Between two holds, yields at most this often to writers parked on the lock. */
    private static final int MAX_YIELDS_TO_WRITERS = 16;
    /** A listing reclaims removed nodes only once this many bytes of them wait. */
    private static final long RECLAIM_THRESHOLD_BYTES = 1L << 20;

    private final WritePath writes;
    private final Namespaces namespaces;
    private final ExpiryLedger ledger;
    private final ReadEpochs epochs;
    private final OpenState open;
    private final Reads reads;
    private volatile long expiredAndPurged;

    ExpirySweep(WritePath writes, Namespaces namespaces, ExpiryLedger ledger, ReadEpochs epochs, OpenState open,
            Reads reads) {
        this.writes = writes;
        this.namespaces = namespaces;
        this.ledger = ledger;
        this.epochs = epochs;
        this.open = open;
        this.reads = reads;
    }

    /**
     * One batch of at most {@code maxEntries} entries, as of the store's clock read under the
     * lock; returns the entries handled.
     */
    int sweepDue(int maxEntries) {
        return sweepInHolds(maxEntries, reads::nowEpochSeconds);
    }

    /** One batch of at most {@code maxEntries} entries due at {@code nowEpochSeconds}. */
    public int sweep(long nowEpochSeconds, int maxEntries) {
        return sweepInHolds(maxEntries, () -> nowEpochSeconds);
    }

    /** Keys purged since open. */
    long expiredAndPurged() {
        return expiredAndPurged;
    }

    private int sweepInHolds(int maxEntries, LongSupplier now) {
        ExpiryBatchEvent batchEvent = new ExpiryBatchEvent(); // JFR, off by default
        batchEvent.begin();
        int handled = 0;
        long purged = 0;
        long lastNow = 0;
        while (handled < maxEntries) {
            int wanted = Math.min(ENTRIES_PER_HOLD, maxEntries - handled);
            int taken;
            writes.lock();
            try {
                if (open.isClosed()) {
                    break;
                }
                lastNow = now.getAsLong();
                long before = expiredAndPurged;
                taken = purgeDue(lastNow, wanted);
                purged += expiredAndPurged - before;
                if (taken < wanted || handled + taken == maxEntries) {
                    reclaimListings();
                }
            } finally {
                writes.unlock();
            }
            handled += taken;
            if (taken < wanted) {
                break;
            }
            letWaitingWritersThrough();
        }
        batchEvent.finish(handled, purged, lastNow);
        return handled;
    }

    /** Purges at most {@code maxEntries} entries due at {@code nowEpochSeconds}; under the lock. */
    private int purgeDue(long nowEpochSeconds, int maxEntries) {
        long[] purged = new long[1];
        int handled = ledger.pollDue(nowEpochSeconds, maxEntries, (expiration, nsId, keyHash, location) -> {
            NamespaceState ns = namespaces.byId(nsId);
            if (ns != null && ns.purgeIfStillAt(keyHash, location)) {
                purged[0]++;
                CrashPoints.hit(CrashPoint.EXPIRY_PURGED);
            }
        });
        expiredAndPurged += purged[0];
        return handled;
    }

    /** The lock is not fair: without this, the next hold would take it back before a woken writer runs. */
    private void letWaitingWritersThrough() {
        for (int i = 0; i < MAX_YIELDS_TO_WRITERS && writes.threadsQueued(); i++) {
            Thread.yield();
        }
    }

    /**
     * Lets the listings reuse the memory of removed keys once no reader can be on them (the
     * KeyListing reclaim protocol: every reader that started before the removals has left, and
     * no removal happens in between, which holding the append lock guarantees). Amortised: runs
     * only when a listing holds more than {@link #RECLAIM_THRESHOLD_BYTES} of removed nodes.
     */
    private void reclaimListings() {
        boolean due = false;
        for (NamespaceState ns : namespaces.all()) {
            due |= ns.removedListingBytes() > RECLAIM_THRESHOLD_BYTES;
        }
        if (!due) {
            return;
        }
        epochs.awaitReaders();
        for (NamespaceState ns : namespaces.all()) {
            ns.reclaimListing();
        }
    }
}
