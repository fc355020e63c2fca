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

    /**
     * Loads the home slot of each of {@code keyHashes[0..count)}, no branch on what it finds, so
     * that every load is in flight at once; returns a mix of the loaded words for the caller to
     * keep, so that the loads are not dropped. For a writer about to index the keys itself.
     */
    public static long touchHomeSlots(HashIndex index, long[] keyHashes, int count) {
        final SlotTable t = index.table();
        long mix = 0;
        for (int i = 0; i < count; i++) {
            mix += t.hash(t.homeSlot(keyHashes[i]));
        }
        return mix;
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
