package dev.basalt.internal.index;

/**
 * A walk over the live entries of a {@link HashIndex} in slot order, a stretch of slots at a
 * time, with the index's writer free to change it between stretches: how the listing of a
 * namespace rebuilt from the whole log is filled after the open, a few thousand keys per hold of
 * the append lock.
 *
 * <p>What it promises: every key live in the index from the walk's start to its end is visited,
 * and the walk ends after as many steps as the table it started on has stretches, whatever the
 * writer does. It walks the table that was current at its start, to the end: within one table an
 * entry never moves (an insert fills an empty slot or a tombstone, a remove leaves a tombstone or
 * empties a slot, a put of a present key changes its location in place), so a key live
 * throughout keeps its slot; a rehash moves entries into a new table but never writes the old
 * one again, so the key is still in its slot there. (Starting over on the new table instead
 * could starve the walk: writers adding keys fast enough rehash it before each walk ends.)
 *
 * <p>What it does not promise: a key added or removed during the walk may or may not be visited,
 * and once the table was replaced ({@link #onCurrentTable} false) a visited entry may be stale.
 * The caller looks such keys up again; the writer's own changes take care of the rest.
 *
 * <p>Memory: the walk keeps its table reachable, so a table replaced meanwhile is freed only
 * after the walk. Threads: the index's writer; the caller must not step a closed index.
 */
public final class IndexWalk {
    private final HashIndex index;
    private final SlotTable table;
    private int nextSlot;

    /** A walk from the first slot of {@code index}'s current table. */
    public IndexWalk(HashIndex index) {
        this.index = index;
        this.table = index.table();
    }

    /**
     * Visits the live entries of up to {@code maxSlots} more slots of the walk's table, in slot
     * order.
     *
     * @return true while slots are left, false once the walk has passed the table's last slot
     */
    public boolean step(int maxSlots, HashIndex.EntryConsumer consumer) {
        int end = (int) Math.min(table.capacitySlots, (long) nextSlot + maxSlots);
        for (int slot = nextSlot; slot < end; slot++) {
            long hash = table.hash(slot);
            long location = table.location(slot);
            if (hash != 0 && location >= 0) {
                consumer.accept(hash, location);
            }
        }
        nextSlot = end;
        return nextSlot < table.capacitySlots;
    }

    /** True while the index still uses the walk's table: an entry visited now is the index's own. */
    public boolean onCurrentTable() {
        return index.currentTable() == table;
    }
}
