package dev.basalt.internal.store;

import dev.basalt.internal.listing.SortedKeys;
import org.agrona.DirectBuffer;
import org.agrona.collections.LongArrayList;

/**
 * The keys of one namespace whose listing entries an open left for {@link ListingCatchUp}: those
 * the replay of the log after the checkpoint added, removed or took the plain flag from. Each is
 * made to agree with the index as the index stands when its turn comes, not as the replay left
 * it, so the writers may change the same keys in between (see {@link ListingCatchUp} for why
 * that is safe).
 *
 * <p>Threads: {@link ListingCatchUp} calls it with this object's monitor held, and the append
 * lock too for {@link #payUnderLock}.
 */
final class ListingBacklog implements ListingDebt {
    private final SortedKeys keys = new SortedKeys();
    /** Per key, in the order added: its location when the replay ended (NO_LOCATION: none). */
    private final LongArrayList replayed = new LongArrayList();
    /** Per key, in the order added: whether that record is plain, if the replay read it. */
    private byte[] plainness = new byte[1024];

    /** {@link #add}'s {@code plain}: the record at the location was not read by the replay. */
    static final byte UNKNOWN = 0;
    /** The record has no expiration and no metadata. */
    static final byte PLAIN = 1;
    /** The record has an expiration or metadata. */
    static final byte NOT_PLAIN = 2;
    /** The keys' indexes in key order; sorted off the open's path, at the first turn. */
    private int[] order;
    private int next;
    private RuntimeException failure;

    /**
     * Owes the listing {@code key}, which the replay left at {@code location} (NO_LOCATION:
     * gone), whose record is {@code plain} ({@link #PLAIN}, {@link #NOT_PLAIN} or
     * {@link #UNKNOWN}); at open.
     */
    void add(DirectBuffer key, int offset, int length, long location, byte plain) {
        if (replayed.size() == plainness.length) {
            plainness = java.util.Arrays.copyOf(plainness, 2 * plainness.length);
        }
        plainness[replayed.size()] = plain;
        keys.add(key, offset, length, false);
        replayed.addLong(location);
    }

    /** Keys left. */
    int remaining() {
        return order == null ? keys.size() : order.length - next;
    }

    /** Sorts the keys once, so that each insert starts from the previous one; without the append lock. */
    @Override
    public void prepare() {
        if (order == null) {
            order = keys.sortedOrder();
        }
    }

    /**
     * Brings the listing entries of up to {@code maxKeys} more keys, in key order, into agreement
     * with {@code ns}'s index; under the append lock, after {@link #prepare}. Returns how many.
     */
    @Override
    public int payUnderLock(NamespaceState ns, int maxKeys) {
        int end = Math.min(order.length, next + maxKeys);
        DirectBuffer bytes = keys.keys();
        boolean asReplayed = ns.keyChangesSinceOpen() == 0;
        int applied = 0;
        try {
            for (; next < end; next++, applied++) {
                int key = order[next];
                if (asReplayed) {
                    ns.catchUpListed(bytes, keys.keyOffset(key), keys.keyLength(key), replayed.getLong(key),
                            plainness[key]);
                } else {
                    ns.catchUpListed(bytes, keys.keyOffset(key), keys.keyLength(key), NamespaceState.LOOK_UP,
                            UNKNOWN);
                }
            }
        } catch (RuntimeException e) {
            failure = e;
        }
        return applied;
    }

    @Override
    public boolean paid() {
        return remaining() == 0;
    }

    @Override
    public RuntimeException failure() {
        return failure;
    }
}
