package dev.basalt.internal.index;

import static dev.basalt.internal.index.SlotTable.EMPTY_HASH;

import dev.basalt.internal.env.OpenHelpers;
import java.util.Arrays;

/**
 * Copies a table's live slots into a fresh, empty one: a growth, and the move of a checkpoint's
 * table into a larger one at open. At open the second core is idle (the replay's reader waits
 * for the opening thread), so a large table is copied in two halves, the second on a helper
 * thread: the move of an 8 M-key table into 16 M slots took 195-215 ms of a 10 M-key open on one
 * thread ({@code docs/benchmarks.md}).
 *
 * <p>Why two halves can be filled at once: a key's home slot is its hash's high bits scaled to the
 * capacity, so the old table's first half holds, give or take a probe run at its edges, the keys
 * whose home is in the fresh table's first half. Each thread walks one half of the old table and
 * places the keys whose fresh home lies in its half of the fresh table, probing only inside that
 * half; any other key (a probe run that would cross into the other half or wrap around, a key
 * displaced across the old table's middle) is set aside and placed after both threads are done,
 * the ordinary way. Each thread writes only its own half, a placed key's run from its home slot
 * is unbroken when its thread is done with it, and a later insert only fills empty slots, so
 * every run stays unbroken ({@link HashIndex}'s second invariant). The fresh table is published
 * after the join, which orders the helper's stores before it.
 */
final class LiveSlotCopy {
    /**
     * Below this many old slots (a 128 MiB table) one thread copies: a smaller table is moved while
     * the log's side of the replay still has work for the second core (at 1 M keys two halves made
     * the open after a kill 10-20 ms slower).
     */
    static final int TWO_HALVES_MIN_SLOTS = 1 << 23;

    private LiveSlotCopy() {
    }

    /**
     * Inserts every live slot of {@code old} into {@code fresh}, which no reader can see and
     * which is empty; in two halves on two threads when {@code twoThreads} and the table is large.
     *
     * @return the number of keys copied
     */
    static int copy(SlotTable old, SlotTable fresh, boolean twoThreads) {
        if (!twoThreads || old.capacitySlots < TWO_HALVES_MIN_SLOTS) {
            return copyAll(old, fresh);
        }
        return copyInHalves(old, fresh);
    }

    /** {@link #copy} in two halves whatever the table's size (tests use small ones, whose edges are close). */
    static int copyInHalves(SlotTable old, SlotTable fresh) {
        Half second = new Half(old, fresh, old.capacitySlots / 2, old.capacitySlots,
                fresh.capacitySlots / 2, fresh.capacitySlots);
        Half first = new Half(old, fresh, 0, old.capacitySlots / 2, 0, fresh.capacitySlots / 2);
        OpenHelpers.inParallel("basalt-open-rehash", second, first); // the caller frees the old table afterwards
        return first.placed + second.placed + first.placeSetAside() + second.placeSetAside();
    }

    private static int copyAll(SlotTable old, SlotTable fresh) {
        int copied = 0;
        for (int slot = 0; slot < old.capacitySlots; slot++) {
            final long slotHash = old.hash(slot);
            final long slotLocation = old.location(slot);
            if (slotHash != EMPTY_HASH && slotLocation >= 0) {
                fresh.putPlain(fresh.firstEmptySlot(slotHash), slotHash, slotLocation);
                copied++;
            }
        }
        return copied;
    }

    /** One thread's share: old slots {@code [from, to)} into fresh slots {@code [low, high)}. */
    private static final class Half implements Runnable {
        private final SlotTable old;
        private final SlotTable fresh;
        private final int from;
        private final int to;
        private final int low;
        private final int high;
        /** Hash and location pairs of the keys this half could not place. */
        private long[] setAside = new long[64];
        private int setAsideCount;
        int placed;

        Half(SlotTable old, SlotTable fresh, int from, int to, int low, int high) {
            this.old = old;
            this.fresh = fresh;
            this.from = from;
            this.to = to;
            this.low = low;
            this.high = high;
        }

        @Override
        public void run() {
            for (int slot = from; slot < to; slot++) {
                final long slotHash = old.hash(slot);
                final long slotLocation = old.location(slot);
                if (slotHash != EMPTY_HASH && slotLocation >= 0 && !place(slotHash, slotLocation)) {
                    setAside(slotHash, slotLocation);
                }
            }
        }

        private boolean place(long keyHash, long location) {
            int slot = fresh.homeSlot(keyHash);
            if (slot < low) {
                return false;
            }
            while (slot < high) {
                if (fresh.hash(slot) == EMPTY_HASH) {
                    fresh.putPlain(slot, keyHash, location);
                    placed++;
                    return true;
                }
                slot++;
            }
            return false;
        }

        private void setAside(long keyHash, long location) {
            if (setAsideCount * 2 + 2 > setAside.length) {
                setAside = Arrays.copyOf(setAside, setAside.length * 2);
            }
            setAside[setAsideCount * 2] = keyHash;
            setAside[setAsideCount * 2 + 1] = location;
            setAsideCount++;
        }

        /** Inserts the keys set aside the ordinary way; the opening thread, after the join. */
        int placeSetAside() {
            for (int i = 0; i < setAsideCount; i++) {
                final long keyHash = setAside[i * 2];
                fresh.putPlain(fresh.firstEmptySlot(keyHash), keyHash, setAside[i * 2 + 1]);
            }
            return setAsideCount;
        }
    }
}
