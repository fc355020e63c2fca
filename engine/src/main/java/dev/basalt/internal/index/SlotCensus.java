package dev.basalt.internal.index;

import static dev.basalt.internal.index.SlotTable.DELETED_LOCATION;
import static dev.basalt.internal.index.SlotTable.EMPTY_HASH;

import dev.basalt.internal.env.OpenHelpers;

/**
 * The live and deleted slots of a table a checkpoint restored, counted to check them against the
 * image's own figures before the index is used. A large table is counted in two halves, the second
 * on a helper thread: at open the second core is idle, and at 10 M keys the count of a mapped
 * 12.6 M-slot table took 80-95 ms on one thread, most of it the first touch of the mapped pages
 * ({@code docs/benchmarks.md}).
 */
final class SlotCensus {
    /**
     * Below this many slots (a 128 MiB table) one thread counts: the count runs beside the opening
     * thread's load of the listings, and only a larger table's count outlasts it.
     */
    static final int TWO_HALVES_MIN_SLOTS = 1 << 23;

    final long live;
    final long deleted;

    private SlotCensus(long live, long deleted) {
        this.live = live;
        this.deleted = deleted;
    }

    /**
     * Counts {@code table}'s slots, which no thread writes meanwhile.
     *
     * @throws IllegalArgumentException naming a slot found whose location is neither a
     *                                  record's nor a tombstone's
     */
    static SlotCensus of(SlotTable table) {
        if (table.capacitySlots < TWO_HALVES_MIN_SLOTS) {
            return count(table, 0, table.capacitySlots);
        }
        return inHalves(table);
    }

    /** {@link #of} in two halves whatever the table's size. */
    static SlotCensus inHalves(SlotTable table) {
        int middle = table.capacitySlots / 2;
        SlotCensus[] halves = new SlotCensus[2];
        OpenHelpers.inParallel("basalt-open-count", () -> halves[1] = count(table, middle, table.capacitySlots),
                () -> halves[0] = count(table, 0, middle)); // the caller unmaps the table on a failure
        return new SlotCensus(halves[0].live + halves[1].live, halves[0].deleted + halves[1].deleted);
    }

    private static SlotCensus count(SlotTable table, int from, int to) {
        long live = 0;
        long deleted = 0;
        for (int slot = from; slot < to; slot++) {
            long hash = table.hash(slot);
            if (hash == EMPTY_HASH) {
                continue;
            }
            long location = table.location(slot);
            if (location >= 0) {
                live++;
            } else if (location == DELETED_LOCATION) {
                deleted++;
            } else {
                throw new IllegalArgumentException("slot " + slot + " holds location " + location
                        + ", neither a record nor a tombstone");
            }
        }
        return new SlotCensus(live, deleted);
    }
}
