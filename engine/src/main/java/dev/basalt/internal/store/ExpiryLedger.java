package dev.basalt.internal.store;

import dev.basalt.internal.env.Limits;
import dev.basalt.internal.expiry.ExpiryQueue;

/**
 * The engine's one expiry timer queue, shared by every namespace, with the count of live keys
 * that have an expiration. Namespaces add and retire entries here; the sweep takes due ones.
 *
 * <p>Why the count: overwrites and deletes leave stale entries behind (an entry is only judged
 * when it comes due). Once stale entries outnumber the live ones they are dropped in one O(n)
 * pass, so the queue stays under twice the live expiring keys (plus a floor that keeps small
 * stores from rebuilding often).
 *
 * <p>Threads: under the engine's append lock (or recovery, alone).
 */
final class ExpiryLedger implements AutoCloseable {
    private static final long REBUILD_FLOOR = 4096;

    private final ExpiryQueue queue = new ExpiryQueue();
    private final Namespaces namespaces;
    private long liveExpiringKeys;

    ExpiryLedger(Namespaces namespaces) {
        this.namespaces = namespaces;
    }

    /** A key of {@code ns} now lives at {@code location}; queues its expiration, if it has one. */
    void track(NamespaceState ns, long keyHash, long location, long expiration) {
        if (expiration == Limits.NO_EXPIRATION) {
            return;
        }
        liveExpiringKeys++;
        requeue(ns, keyHash, location, expiration);
    }

    /** A live expiring key moved to {@code location} (compaction): one more entry, no more keys. */
    void requeue(NamespaceState ns, long keyHash, long location, long expiration) {
        if (expiration == Limits.NO_EXPIRATION) {
            return;
        }
        queue.add(expiration, ns.id(), keyHash, location);
        if (queue.size() > 2 * Math.max(liveExpiringKeys, REBUILD_FLOOR)) {
            queue.removeIf((exp, nsId, hash, loc) -> !namespaces.holds(nsId, hash, loc));
        }
    }

    /** A live key with this expiration stopped being live (overwritten, deleted, purged, dropped). */
    void untrack(long expiration) {
        if (expiration != Limits.NO_EXPIRATION) {
            liveExpiringKeys--;
        }
    }

    /** At open from a checkpoint: the count of live expiring keys it recorded. */
    void restoreCount(long liveExpiringKeys) {
        this.liveExpiringKeys = liveExpiringKeys;
    }

    /** At open from a checkpoint: one queued entry as it was (stale ones included), counting nothing. */
    void restoreEntry(NamespaceState ns, long keyHash, long location, long expiration) {
        queue.add(expiration, ns.id(), keyHash, location);
    }

    long liveExpiringKeys() {
        return liveExpiringKeys;
    }

    /**
     * Visits every queued entry (for a checkpoint), {@link #queuedEntries()} of them; the visitor
     * answers false for each, so the queue is left as it was.
     */
    void forEachEntry(ExpiryQueue.EntryPredicate visitor) {
        long removed = queue.removeIf(visitor);
        assert removed == 0 : "a visitor removed " + removed + " entries";
    }

    /** Entries queued, stale ones included. */
    long queuedEntries() {
        return queue.size();
    }

    /** Hands due entries to {@code consumer}, at most {@code maxEntries}; returns how many it took. */
    int pollDue(long nowEpochSeconds, int maxEntries, ExpiryQueue.DueEntryConsumer consumer) {
        return queue.pollDue(nowEpochSeconds, maxEntries, consumer);
    }

    long offHeapBytes() {
        return queue.offHeapBytes();
    }

    @Override
    public void close() {
        queue.close();
    }
}
