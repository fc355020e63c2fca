package dev.basalt.internal.index;

import static dev.basalt.internal.index.SlotTable.DELETED_LOCATION;
import static dev.basalt.internal.index.SlotTable.EMPTY_HASH;

import java.util.HashSet;
import java.util.Set;

/** Checks a {@link HashIndex}'s invariants (its class Javadoc) by a full scan; O(capacity), for tests. */
final class IndexInvariants {
    private IndexInvariants() {
    }

    /**
     * Scans every slot of {@code index}'s table. Writer thread.
     *
     * @throws AssertionError naming the first broken invariant
     */
    static void verify(HashIndex index) {
        final SlotTable t = index.table();
        int live = 0;
        int deleted = 0;
        final Set<Long> locations = new HashSet<>();
        for (int slot = 0; slot < t.capacitySlots; slot++) {
            final long slotHash = t.hash(slot);
            if (slotHash == EMPTY_HASH) {
                continue;
            }
            final long slotLocation = t.location(slot);
            if (slotLocation == DELETED_LOCATION) {
                deleted++;
                continue;
            }
            check(slotLocation >= 0, "slot " + slot + " has location " + slotLocation);
            check(locations.add(slotLocation), "location " + slotLocation + " is in two slots");
            for (int s = t.homeSlot(slotHash); s != slot; s = t.nextSlot(s)) {
                check(t.hash(s) != EMPTY_HASH, "run of slot " + slot + " broken at empty slot " + s);
            }
            live++;
        }
        final String counts = "liveKeys=" + index.size() + ", deletedSlots=" + index.deletedSlots()
            + ", capacitySlots=" + t.capacitySlots + ", maxUsedSlots=" + t.maxUsedSlots;
        check(live == index.size(), "counted live=" + live + ", " + counts);
        check(deleted == index.deletedSlots(), "counted deleted=" + deleted + ", " + counts);
        check(live + deleted <= t.maxUsedSlots, "load above 0.75: " + counts);
    }

    private static void check(boolean condition, String message) {
        if (!condition) {
            throw new AssertionError(message);
        }
    }
}
