package dev.basalt.internal.store;

import dev.basalt.internal.listing.SortedKeys;
import java.util.Arrays;
import org.agrona.DirectBuffer;
import org.agrona.collections.LongArrayList;

/**
 * Keys a listing owes, each with the location its index entry had when it was noted and what
 * the noting saw of that record (plain or not), made to agree with the index in key order, each
 * insert starting from the one before ({@link #insertNext}). What both {@link ListingDebt}s
 * hold: the keys a replayed tail changed ({@link ListingBacklog}), a batch of a namespace's
 * whole index ({@link ListingFromIndex}).
 *
 * <p>Threads: as {@link ListingDebt}; {@link #insertNext} under the append lock.
 */
final class OwedKeys {
    /** {@link #add}'s {@code plain}: the record at the location was not read. */
    static final byte UNKNOWN = 0;
    /** The record has no expiration and no metadata. */
    static final byte PLAIN = 1;
    /** The record has an expiration or metadata. */
    static final byte NOT_PLAIN = 2;

    private final SortedKeys keys = new SortedKeys();
    /** Per key, in the order added: its location when noted (NO_LOCATION: none). */
    private final LongArrayList noted = new LongArrayList();
    /** Per key, in the order added: {@link #PLAIN}, {@link #NOT_PLAIN} or {@link #UNKNOWN}. */
    private byte[] plainness = new byte[1024];
    /** The keys' indexes in key order once sorted; null before. */
    private int[] order;
    private int next;

    /** Owes {@code key}, noted at {@code location} (NO_LOCATION: absent), whose record is {@code plain}. */
    void add(DirectBuffer key, int offset, int length, long location, byte plain) {
        if (noted.size() == plainness.length) {
            plainness = Arrays.copyOf(plainness, 2 * plainness.length);
        }
        plainness[noted.size()] = plain;
        keys.add(key, offset, length, false);
        noted.addLong(location);
    }

    /** Keys added since the last {@link #clear}. */
    int size() {
        return keys.size();
    }

    /** Bytes of those keys. */
    int keyBytes() {
        return keys.keyBytes();
    }

    /** Sorts the keys, once; without the append lock. */
    void sortOnce() {
        if (order == null) {
            order = keys.sortedOrder();
        }
    }

    boolean sorted() {
        return order != null;
    }

    /** Keys not yet inserted. */
    int remaining() {
        return order == null ? keys.size() : order.length - next;
    }

    /**
     * Makes up to {@code maxKeys} more keys, in key order, agree with {@code ns}'s index: by what
     * was noted of them when {@code asNoted} (nothing changed since), else by a lookup. Under the
     * append lock, after {@link #sortOnce}. Returns how many.
     */
    int insertNext(NamespaceState ns, boolean asNoted, int maxKeys) {
        int end = Math.min(order.length, next + maxKeys);
        DirectBuffer bytes = keys.keys();
        int inserted = 0;
        for (; next < end; next++, inserted++) {
            int key = order[next];
            if (asNoted) {
                ns.catchUpListed(bytes, keys.keyOffset(key), keys.keyLength(key), noted.getLong(key), plainness[key]);
            } else {
                ns.catchUpListed(bytes, keys.keyOffset(key), keys.keyLength(key), NamespaceState.LOOK_UP, UNKNOWN);
            }
        }
        return inserted;
    }

    /** Forgets every key, keeping the memory. */
    void clear() {
        keys.clear();
        noted.clear();
        order = null;
        next = 0;
    }
}
