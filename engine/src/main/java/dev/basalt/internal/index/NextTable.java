package dev.basalt.internal.index;

import java.util.concurrent.atomic.AtomicReference;

/**
 * The table a {@link HashIndex}'s next growth moves into, allocated ahead of time by another
 * thread (the store's {@code basalt-work-ahead}), so that the writer's rehash only copies slots.
 * Fresh direct memory costs more to get than to fill: {@code allocateDirect} zeroes it, and every
 * page's first touch is a fault. On our 2-vCPU VM a 24 MiB table took 70 ms to allocate, and the
 * growth at 786,432 keys held the append lock for about 80 ms of a 1 M-key load's 2.4 s, every
 * growth of that load 290 ms together.
 *
 * <p>When: once the live keys reach 7/8 of what the current table holds before it grows, and
 * only for tables of {@link #MIN_PREPARED_SLOTS} slots or more (a smaller one is allocated in
 * well under a millisecond). The cost is memory held early: a namespace whose key count stays in
 * that last eighth keeps the next table (1.33x or 1.5x the current one) allocated and unused.
 * The eighth leaves that thread time to be scheduled and to allocate: at a loading writer's pace
 * (a key a microsecond) it is 100 ms of writes at 786,432 keys. A writer that grows the table
 * before the prepared one is there allocates its own, as before.
 *
 * <p>Threads: {@link #prepare} on the work-ahead thread, {@link #take} on the writer,
 * {@link #free} on the writer at close. A table here was never published to readers, so one
 * that does not fit is freed at once.
 */
final class NextTable {
    /** 1 MiB of slots: below it the writer's own allocation is cheap. */
    static final int MIN_PREPARED_SLOTS = 1 << 16;

    private final AtomicReference<SlotTable> prepared = new AtomicReference<>();

    /**
     * The live keys from which {@code t}'s next table is prepared; -1 for a table too small to
     * bother (or at the largest size).
     */
    static int prepareAt(SlotTable t) {
        return t.capacitySlots < MIN_PREPARED_SLOTS || t.capacitySlots >= SlotTable.MAX_CAPACITY_SLOTS ? -1
            : t.maxUsedSlots - t.maxUsedSlots / 8;
    }

    /**
     * Allocates the table {@code index}'s current one grows into, if its live keys are in the
     * last eighth before that growth and none of that size is prepared. Work-ahead thread.
     *
     * @return whether a table was allocated (work done)
     */
    boolean prepare(HashIndex index) {
        final SlotTable current = index.currentTable();
        final int at = prepareAt(current);
        if (at < 0 || index.size() < at) {
            return false;
        }
        final int capacity = SlotTable.nextCapacity(current.capacitySlots);
        final SlotTable held = prepared.get();
        if (held == SlotTable.CLOSED || held != null && held.capacitySlots == capacity) {
            return false;
        }
        final SlotTable fresh = new SlotTable(capacity);
        // A growth during the allocation took the table's place already: this one would go unused.
        if (index.currentTable() != current || !prepared.compareAndSet(held, fresh)) {
            fresh.free();
            return false;
        }
        if (held != null) {
            held.free(); // a size the table did not grow to; no reader ever saw it
        }
        return true;
    }

    /** The prepared table if it has {@code capacity} slots, else a fresh one. Writer thread. */
    SlotTable take(int capacity) {
        final SlotTable held = prepared.get();
        if (held != null && held != SlotTable.CLOSED && held.capacitySlots == capacity
                && prepared.compareAndSet(held, null)) {
            return held;
        }
        return new SlotTable(capacity);
    }

    /** Bytes of the prepared table; 0 for none. Any thread. */
    long offHeapBytes() {
        final SlotTable held = prepared.get();
        return held == null ? 0 : held.offHeapBytes;
    }

    /** Frees the prepared table; nothing is prepared from now on. Writer thread, at close. */
    void free() {
        final SlotTable held = prepared.getAndSet(SlotTable.CLOSED);
        if (held != null) {
            held.free();
        }
    }
}
