package dev.basalt.internal.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * A table's live slots copied in two halves on two threads ({@link LiveSlotCopy}) and counted in
 * two halves ({@link SlotCensus}), against the one-thread copy and count. Small tables put the
 * halves' edges, the wrap-around and long probe runs close together.
 */
class LiveSlotCopyTest {
    /** Where the hashes crowd: the start, the middle and the end of every table. */
    private static final long[] CROWDED_TOPS = {0L, 1L << 31, (1L << 32) - 1};

    @Property(tries = 500)
    void everyLiveKeyCopiedInHalvesIsFoundFromItsHomeSlot(@ForAll("tables") Case c) {
        SlotTable old = c.oldTable();
        SlotTable fresh = new SlotTable(c.freshCapacity);
        try {
            int copied = LiveSlotCopy.copyInHalves(old, fresh);

            assertThat(copied).isEqualTo(c.live.size());
            assertThat(contents(fresh)).isEqualTo(c.live);
            c.live.forEach((hash, location) -> assertThat(probe(fresh, hash))
                    .as("hash %x from its home slot", hash).isEqualTo(location));
        } finally {
            old.free();
            fresh.free();
        }
    }

    @Property(tries = 300)
    void aCensusInHalvesCountsWhatOneThreadCounts(@ForAll("tables") Case c) {
        SlotTable old = c.oldTable();
        try {
            SlotCensus halves = SlotCensus.inHalves(old);

            assertThat(halves.live).isEqualTo(c.live.size());
            assertThat(halves.deleted).isEqualTo(c.tombstones);
        } finally {
            old.free();
        }
    }

    @Example
    void aCensusInHalvesNamesABadSlotTheHelperFound() {
        SlotTable table = new SlotTable(64);
        try {
            table.putPlain(3, 11L << 32, 7);
            table.putPlain(60, 13L << 32, -5);

            assertThatThrownBy(() -> SlotCensus.inHalves(table))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("slot 60 holds location -5, neither a record nor a tombstone");
        } finally {
            table.free();
        }
    }

    @Example
    void aLargeTableIsCopiedInHalvesToTheSameContentsAsOnOneThread() {
        int capacity = 1 << 20;
        SplittableRandom random = new SplittableRandom(42);
        SlotTable old = new SlotTable(capacity);
        SlotTable halves = new SlotTable(SlotTable.nextCapacity(capacity));
        SlotTable oneThread = new SlotTable(SlotTable.nextCapacity(capacity));
        try {
            Map<Long, Long> live = new HashMap<>();
            while (live.size() < SlotTable.maxUsedSlots(capacity)) {
                long hash = random.nextLong() | 1;
                if (live.putIfAbsent(hash, (long) live.size()) == null) {
                    old.putPlain(old.firstEmptySlot(hash), hash, live.get(hash));
                }
            }

            assertThat(LiveSlotCopy.copyInHalves(old, halves)).isEqualTo(live.size());
            assertThat(LiveSlotCopy.copy(old, oneThread, false)).isEqualTo(live.size());
            assertThat(contents(halves)).isEqualTo(live).isEqualTo(contents(oneThread));
            assertThat(SlotCensus.inHalves(old).live).isEqualTo(SlotCensus.of(old).live).isEqualTo(live.size());
        } finally {
            old.free();
            halves.free();
            oneThread.free();
        }
    }

    @Provide
    Arbitrary<Case> tables() {
        Arbitrary<Integer> capacity = Arbitraries.of(16, 24, 32, 48, 64, 96, 128);
        Arbitrary<Integer> steps = Arbitraries.integers().between(0, 3);
        Arbitrary<Double> load = Arbitraries.doubles().between(0, 1);
        Arbitrary<Long> seed = Arbitraries.longs();
        return Combinators.combine(capacity, steps, load, seed).as(Case::new);
    }

    /** The location found by probing from {@code hash}'s home slot, or -1 at the first empty slot. */
    private static long probe(SlotTable table, long hash) {
        for (int slot = table.homeSlot(hash); table.hash(slot) != SlotTable.EMPTY_HASH; slot = table.nextSlot(slot)) {
            if (table.hash(slot) == hash) {
                return table.location(slot);
            }
        }
        return -1;
    }

    private static Map<Long, Long> contents(SlotTable table) {
        Map<Long, Long> contents = new HashMap<>();
        for (int slot = 0; slot < table.capacitySlots; slot++) {
            if (table.hash(slot) != SlotTable.EMPTY_HASH) {
                assertThat(contents.put(table.hash(slot), table.location(slot))).as("slot %d", slot).isNull();
            }
        }
        return contents;
    }

    /**
     * An old table of {@code oldCapacity} slots filled to {@code load} of its limit with live keys
     * and tombstones whose hashes crowd where the halves meet, and a fresh one {@code steps} larger.
     */
    static final class Case {
        final int oldCapacity;
        final int freshCapacity;
        final Map<Long, Long> live = new HashMap<>();
        final List<long[]> slots = new ArrayList<>();
        int tombstones;

        Case(int oldCapacity, int steps, double load, long seed) {
            this.oldCapacity = oldCapacity;
            int fresh = oldCapacity;
            for (int i = 0; i < steps; i++) {
                fresh = SlotTable.nextCapacity(fresh);
            }
            this.freshCapacity = fresh;
            SplittableRandom random = new SplittableRandom(seed);
            int used = (int) (load * SlotTable.maxUsedSlots(oldCapacity));
            for (int i = 0; i < used; i++) {
                long hash = crowdedHash(random);
                if (live.containsKey(hash) || slots.stream().anyMatch(s -> s[0] == hash)) {
                    continue;
                }
                boolean tombstone = random.nextInt(4) == 0;
                long location = tombstone ? SlotTable.DELETED_LOCATION : 1000L + i;
                slots.add(new long[] {hash, location});
                if (tombstone) {
                    tombstones++;
                } else {
                    live.put(hash, location);
                }
            }
        }

        SlotTable oldTable() {
            SlotTable table = new SlotTable(oldCapacity);
            for (long[] slot : slots) {
                table.putPlain(table.firstEmptySlot(slot[0]), slot[0], slot[1]);
            }
            return table;
        }

        private static long crowdedHash(SplittableRandom random) {
            long top = random.nextInt(3) == 0 ? random.nextLong() >>> 32
                    : CROWDED_TOPS[random.nextInt(CROWDED_TOPS.length)] + random.nextInt(-3, 4);
            long hash = ((top & 0xFFFF_FFFFL) << 32) | (random.nextLong() & 0xFFFF_FFFFL);
            return hash == SlotTable.EMPTY_HASH ? 1 : hash;
        }

        @Override
        public String toString() {
            return "Case{old=" + oldCapacity + ", fresh=" + freshCapacity + ", live=" + live.size()
                    + ", tombstones=" + tombstones + "}";
        }
    }
}
