package dev.basalt.internal.store;

import dev.basalt.internal.checkpoint.UnlistedKeys;
import dev.basalt.internal.listing.AscendingLookups;
import dev.basalt.internal.listing.KeyListing;
import dev.basalt.internal.listing.SortedKeys;
import java.util.Arrays;
import org.agrona.DirectBuffer;

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
    static final byte UNKNOWN = UnlistedKeys.UNKNOWN;
    /** The record has no expiration and no metadata. */
    static final byte PLAIN = UnlistedKeys.PLAIN;
    /** The record has an expiration or metadata. */
    static final byte NOT_PLAIN = UnlistedKeys.NOT_PLAIN;

    private final SortedKeys keys = new SortedKeys();
    /** Per key: its location when noted (NO_LOCATION: none); in the order added, then in key order. */
    private long[] noted = new long[1024];
    /** Per key: {@link #PLAIN}, {@link #NOT_PLAIN} or {@link #UNKNOWN}; in the order added, then in key order. */
    private byte[] plainness = new byte[1024];
    private boolean sorted;
    /** The next key to insert, by its index in key order. */
    private int next;
    /** {@link #warmNext}'s lookups; the catch-up's thread, with the monitor held. */
    private final AscendingLookups warmLookups = new AscendingLookups();

    /** Owes {@code key}, noted at {@code location} (NO_LOCATION: absent), whose record is {@code plain}. */
    void add(DirectBuffer key, int offset, int length, long location, byte plain) {
        int at = keys.size();
        if (at == plainness.length) {
            growTo(Math.max(1024, 2 * at));
        }
        keys.add(key, offset, length, false);
        plainness[at] = plain;
        noted[at] = location;
    }

    /**
     * Owes the {@code size} keys in {@code keyBytes} and {@code keyStarts}, key i noted at
     * {@code noted[i]} with {@code plainness[i]}: the arrays become this object's, not copied
     * ({@link SortedKeys#adopt}). Only while empty; {@code noted} and {@code plainness} of one length.
     */
    void adopt(byte[] keyBytes, int[] keyStarts, long[] noted, byte[] plainness, int size) {
        if (noted.length != plainness.length || noted.length < size) {
            throw new IllegalArgumentException("noted locations and plainness for " + noted.length + " and "
                    + plainness.length + " keys, not " + size);
        }
        keys.adopt(keyBytes, keyStarts, size);
        this.noted = noted;
        this.plainness = plainness;
    }

    /** Grows what is noted beside the keys to hold {@code room} keys, if smaller. */
    private void growTo(int room) {
        if (room > plainness.length) {
            plainness = Arrays.copyOf(plainness, room);
            noted = Arrays.copyOf(noted, room);
        }
    }

    /** Keys added since the last {@link #clear}. */
    int size() {
        return keys.size();
    }

    /** Bytes of those keys. */
    int keyBytes() {
        return keys.keyBytes();
    }

    /**
     * Puts the keys and what was noted of them in key order, once; without the append lock. From
     * then on key {@code i} is the {@code i}-th in key order, and walking them reads memory in
     * sequence (in the order added, each key's turn was a cache miss or three).
     */
    void sortOnce() {
        if (sorted) {
            return;
        }
        int[] from = keys.sortInPlace();
        long[] sortedNoted = new long[from.length];
        byte[] sortedPlainness = new byte[from.length];
        for (int i = 0; i < from.length; i++) {
            sortedNoted[i] = noted[from[i]];
            sortedPlainness[i] = plainness[from[i]];
        }
        noted = sortedNoted;
        plainness = sortedPlainness;
        sorted = true;
    }

    boolean sorted() {
        return sorted;
    }

    /** Keys not yet inserted. */
    int remaining() {
        return keys.size() - next;
    }

    /**
     * Makes up to {@code maxKeys} more keys, in key order, agree with {@code ns}'s index: by what
     * was noted of them when {@code asNoted} (nothing changed since), else by a lookup. Under the
     * append lock, after {@link #sortOnce}. Returns how many.
     */
    int insertNext(NamespaceState ns, boolean asNoted, int maxKeys) {
        int end = Math.min(keys.size(), next + maxKeys);
        DirectBuffer bytes = keys.keys();
        int inserted = 0;
        for (; next < end; next++, inserted++) {
            if (asNoted) {
                ns.catchUpListed(bytes, keys.keyOffset(next), keys.keyLength(next), noted[next], plainness[next]);
            } else {
                ns.catchUpListed(bytes, keys.keyOffset(next), keys.keyLength(next), NamespaceState.LOOK_UP, UNKNOWN);
            }
        }
        return inserted;
    }

    /**
     * Looks the next {@code maxKeys} keys up in {@code listing} without changing it, so that the
     * nodes their inserts pass are in the cache when {@link #insertNext} runs under the lock. A
     * lock-free reader's lookups, each from the one before ({@link AscendingLookups}):
     * inside one read epoch, after {@link #sortOnce}, by the thread that then inserts them.
     * The answers are not needed: the inserts find the same nodes again, now cached.
     */
    void warmNext(KeyListing listing, int maxKeys) {
        int end = Math.min(keys.size(), next + maxKeys);
        DirectBuffer bytes = keys.keys();
        warmLookups.start(listing);
        for (int at = next; at < end; at++) {
            warmLookups.contains(bytes, keys.keyOffset(at), keys.keyLength(at));
        }
    }

    /**
     * A copy of the keys and what was noted of them, in their present order, as a checkpoint
     * saves them: in {@code room} when they fit it (null: none), else in arrays of its own.
     */
    UnlistedKeys copyKeys(OwedKeysRoom room) {
        int size = keys.size();
        if (room == null || !room.fits(size, keys.keyBytes())) {
            return UnlistedKeys.of(keys.keyBytesCopy(), keys.keyStartsCopy(), Arrays.copyOf(noted, size),
                    Arrays.copyOf(plainness, size), size);
        }
        keys.copyInto(room.keyBytes, room.keyStarts);
        System.arraycopy(noted, 0, room.noted, 0, size);
        System.arraycopy(plainness, 0, room.plainness, 0, size);
        return UnlistedKeys.of(room.keyBytes, room.keyStarts, room.noted, room.plainness, size);
    }

    /** The buffer the keys lie in, for the accessors below; valid until the next {@link #add}. */
    DirectBuffer keys() {
        return keys.keys();
    }

    /** Key {@code i} (in key order once sorted) starts here in {@link #keys()}. */
    int keyOffset(int i) {
        return keys.keyOffset(i);
    }

    int keyLength(int i) {
        return keys.keyLength(i);
    }

    /** Where key {@code i} was noted (NO_LOCATION: absent). */
    long noted(int i) {
        return noted[i];
    }

    /** What was noted of key {@code i}'s record: {@link #PLAIN}, {@link #NOT_PLAIN} or {@link #UNKNOWN}. */
    byte plainness(int i) {
        return plainness[i];
    }

    /** {@link SortedKeys#compare} of key {@code i} with {@code other}'s bytes. */
    int compare(int i, DirectBuffer other, int offset, int length) {
        return keys.compare(i, other, offset, length);
    }

    /** Every key counts as inserted: a {@link ListingMerge} listed them all. */
    void allInserted() {
        next = keys.size();
    }

    /** Forgets every key, keeping the memory. */
    void clear() {
        keys.clear();
        sorted = false;
        next = 0;
    }
}
