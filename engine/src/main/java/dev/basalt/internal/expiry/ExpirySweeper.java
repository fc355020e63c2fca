package dev.basalt.internal.expiry;

/**
 * One bounded batch of background expiry, implemented by the store, called by
 * {@link ExpiryAgent} on the expiry thread.
 *
 * <p>The store's implementation: take the append lock; {@link ExpiryQueue#pollDue} up to
 * {@code maxEntries} entries due at {@code nowEpochSeconds}; for each, purge the key from the
 * namespace's hash index with {@code removeIfAt(keyHash, location)} and from the listing
 * index, but only if the index still points at that very location (an overwrite, a delete, or
 * a namespace drop since then makes the entry stale, and a stale entry costs only that check);
 * count the purges (stats' {@code expiredAndPurged}); release the lock.
 */
@FunctionalInterface
public interface ExpirySweeper {
    /**
     * Handles up to {@code maxEntries} due entries under the store's lock.
     *
     * @param nowEpochSeconds the agent's "now": the injected clock's epoch second, rounded down
     * @param maxEntries      the batch size, {@code >= 1}
     * @return entries taken from the queue, purged or stale, {@code 0..maxEntries}; exactly
     *     {@code maxEntries} tells the agent that more may be due (a burst)
     */
    int sweep(long nowEpochSeconds, int maxEntries);
}
