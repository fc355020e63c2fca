package dev.basalt.internal.index;

import static dev.basalt.internal.index.SlotTable.EMPTY_HASH;

/**
 * Index loads for a batch of keys, started before any key is looked up, so that their cache
 * misses overlap: a reader that resolves several keys in a row (a {@code list} page) would
 * otherwise wait for each key's slot, then its record, then the next key's slot. Decides
 * nothing: {@link HashIndex#get} still confirms every key, so a candidate that turns out not to
 * be the key (a collision, or a slot the writer changed meanwhile) costs one useless load.
 * Any thread, lock-free, allocation-free, like {@link HashIndex#get}.
 */
public final class SlotLookAhead {
    private SlotLookAhead() {
    }

    /**
     * Fills {@code candidates[i]} with the location that {@link HashIndex#get} would check first
     * for {@code keyHashes[i]}: the first live slot of its probe run that holds the hash, not
     * confirmed against the key; {@link HashIndex#NO_LOCATION} when there is none.
     */
    public static void candidates(HashIndex index, long[] keyHashes, long[] candidates, int count) {
        final SlotTable t = index.table();
        for (int i = 0; i < count; i++) {
            candidates[i] = candidate(t, keyHashes[i]);
        }
    }

    private static long candidate(SlotTable t, long keyHash) {
        int slot = t.homeSlot(keyHash);
        for (int probes = 0; probes < t.capacitySlots; probes++) {
            final long slotHash = t.hashAcquire(slot);
            if (slotHash == EMPTY_HASH) {
                break;
            }
            if (slotHash == keyHash) {
                final long location = t.locationAcquire(slot);
                if (location >= 0) {
                    return location;
                }
            }
            slot = t.nextSlot(slot);
        }
        return HashIndex.NO_LOCATION;
    }
}
