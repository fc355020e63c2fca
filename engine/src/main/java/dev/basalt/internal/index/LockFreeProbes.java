package dev.basalt.internal.index;

import static dev.basalt.internal.index.SlotTable.EMPTY_HASH;

import org.agrona.DirectBuffer;

/**
 * The index's reads that run beside its one writer, without a lock: each probes one table
 * snapshot with acquire loads, from the key's home slot until an empty slot.
 *
 * <p>Each probe is bounded by the table's capacity, so that no interleaving with the writer can
 * spin a reader; a key present throughout is always met within its probe distance, because the
 * writer never empties a slot a live key's run passes through ({@link HashIndex}, invariant 2).
 * A table replaced by growth is never written again, so a reader that loaded it finishes on a
 * consistent, merely older, state.
 */
final class LockFreeProbes {
    private LockFreeProbes() {
    }

    /** The location whose record the matcher confirms holds the key, or {@link HashIndex#NO_LOCATION}. */
    static long locate(SlotTable t, long keyHash, DirectBuffer key, int offset, int length, KeyMatcher matcher) {
        int slot = t.homeSlot(keyHash);
        for (int probes = 0; probes < t.capacitySlots; probes++) {
            final long slotHash = t.hashAcquire(slot);
            if (slotHash == EMPTY_HASH) {
                return HashIndex.NO_LOCATION;
            }
            if (slotHash == keyHash) {
                final long location = t.locationAcquire(slot);
                if (location >= 0 && matcher.matches(location, key, offset, length)) {
                    return location;
                }
            }
            slot = t.nextSlot(slot);
        }
        return HashIndex.NO_LOCATION;
    }

    /**
     * False only when no slot held exactly {@code location} at some moment during the call;
     * true when one did, or when the probe ran its bound out (undecided, so "maybe").
     */
    static boolean mayHold(SlotTable t, long keyHash, long location) {
        int slot = t.homeSlot(keyHash);
        for (int probes = 0; probes < t.capacitySlots; probes++) {
            final long slotHash = t.hashAcquire(slot);
            if (slotHash == EMPTY_HASH) {
                return false;
            }
            if (slotHash == keyHash && t.locationAcquire(slot) == location) {
                return true;
            }
            slot = t.nextSlot(slot);
        }
        return true;
    }
}
