package dev.basalt.internal.store;

import dev.basalt.internal.env.CrashPoint;
import dev.basalt.internal.env.CrashPoints;
import dev.basalt.internal.events.ExpiryBatchEvent;

/**
 * Background expiry, one bounded batch at a time: takes due entries from the ledger and purges
 * each key only if its namespace still points at the very record that expired (a newer put of
 * the key survives the sweep). The expiry agent drives it with the store's clock; a test may
 * drive it with any "now".
 *
 * <p>Threads: a batch holds the append lock, because it changes the namespaces' structures.
 * "Now" for the agent is read under the lock, so no write can slip in between that reading and
 * the purge (with a clock that moved back, a stale "now" could purge a key written in between).
 */
public final class ExpirySweep {
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

    /** One batch as of the store's clock, read under the lock; returns the entries handled. */
    int sweepDue(int maxEntries) {
        writes.lock();
        try {
            return sweepLocked(reads.nowEpochSeconds(), maxEntries);
        } finally {
            writes.unlock();
        }
    }

    /** One batch of at most {@code maxEntries} entries due at {@code nowEpochSeconds}. */
    public int sweep(long nowEpochSeconds, int maxEntries) {
        writes.lock();
        try {
            return sweepLocked(nowEpochSeconds, maxEntries);
        } finally {
            writes.unlock();
        }
    }

    /** Keys purged since open. */
    long expiredAndPurged() {
        return expiredAndPurged;
    }

    private int sweepLocked(long nowEpochSeconds, int maxEntries) {
        if (open.isClosed()) {
            return 0;
        }
        ExpiryBatchEvent batchEvent = new ExpiryBatchEvent(); // JFR, off by default
        batchEvent.begin();
        long[] purged = new long[1];
        int handled = ledger.pollDue(nowEpochSeconds, maxEntries, (expiration, nsId, keyHash, location) -> {
            NamespaceState ns = namespaces.byId(nsId);
            if (ns != null && ns.purgeIfStillAt(keyHash, location)) {
                purged[0]++;
                CrashPoints.hit(CrashPoint.EXPIRY_PURGED);
            }
        });
        expiredAndPurged += purged[0];
        reclaimListings();
        batchEvent.finish(handled, purged[0], nowEpochSeconds);
        return handled;
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
