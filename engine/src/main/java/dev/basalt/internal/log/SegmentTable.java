package dev.basalt.internal.log;

/**
 * The log's segments by id: an array replaced whole on every change (copy on write), so that a
 * reader finds a segment with one volatile load and no lock. Changes come from one thread at a
 * time (the append lock, or the open).
 */
final class SegmentTable {
    private volatile Segment[] byId = new Segment[16];

    /** Adds {@code segment} under its id. */
    void install(Segment segment) {
        Segment[] table = byId;
        int id = (int) segment.id();
        if (id >= table.length) {
            Segment[] grown = new Segment[Math.max(table.length * 2, id + 1)];
            System.arraycopy(table, 0, grown, 0, table.length);
            table = grown;
        } else {
            table = table.clone();
        }
        table[id] = segment;
        byId = table;
    }

    void uninstall(Segment segment) {
        Segment[] table = byId.clone();
        table[(int) segment.id()] = null;
        byId = table;
    }

    /** The segment with this id, or null; lock-free. */
    Segment get(int id) {
        Segment[] table = byId;
        return id >= 0 && id < table.length ? table[id] : null;
    }

    /** The table as it is now, in id order, with nulls for the ids not held. */
    Segment[] snapshot() {
        return byId;
    }

    /** Empties the table; returns what it held. */
    Segment[] clear() {
        Segment[] table = byId;
        byId = new Segment[0];
        return table;
    }
}
