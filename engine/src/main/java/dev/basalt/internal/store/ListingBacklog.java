package dev.basalt.internal.store;

import org.agrona.DirectBuffer;

/**
 * The keys of one namespace whose listing entries an open left for {@link ListingCatchUp}: those
 * the replay of the log after the checkpoint added, removed or took the plain flag from. Each is
 * made to agree with the index as the index stands when its turn comes, not as the replay left
 * it, so the writers may change the same keys in between (see {@link ListingCatchUp} for why
 * that is safe). While nothing has changed the namespace since the open, what the replay saw of
 * a key stands in for a lookup.
 *
 * <p>Threads: {@link ListingCatchUp} calls it with this object's monitor held, and the append
 * lock too for {@link #payUnderLock}.
 */
final class ListingBacklog implements ListingDebt {
    private final OwedKeys owed = new OwedKeys();
    private RuntimeException failure;

    /**
     * Owes the listing {@code key}, which the replay left at {@code location} (NO_LOCATION:
     * gone), whose record is {@code plain} ({@link OwedKeys#PLAIN}, {@link OwedKeys#NOT_PLAIN} or
     * {@link OwedKeys#UNKNOWN}); at open.
     */
    void add(DirectBuffer key, int offset, int length, long location, byte plain) {
        owed.add(key, offset, length, location, plain);
    }

    /** Keys left. */
    int remaining() {
        return owed.remaining();
    }

    /** Sorts the keys once, so that each insert starts from the previous one; without the append lock. */
    @Override
    public void prepare() {
        owed.sortOnce();
    }

    @Override
    public int payUnderLock(NamespaceState ns, int maxKeys) {
        try {
            return owed.insertNext(ns, ns.keyChangesSinceOpen() == 0, maxKeys);
        } catch (RuntimeException e) {
            failure = e;
            return 0;
        }
    }

    @Override
    public boolean paid() {
        return owed.remaining() == 0;
    }

    @Override
    public RuntimeException failure() {
        return failure;
    }
}
