package dev.basalt.internal.listing;

import static dev.basalt.internal.listing.NodeArena.NIL;
import static dev.basalt.internal.listing.NodeLayout.MAX_LEVEL;

import org.agrona.DirectBuffer;

/**
 * Where the writer's last insert went, so that an insert landing shortly after it needs no
 * descent from the head: the case of keys arriving in ascending order, either next to each
 * other (a bulk load, a Kafka changelog restore or a numbered sequence of keys) or spread
 * between keys already listed (the new keys of a replayed log tail, sorted at open). A descent
 * costs about {@code log4(n)} levels of cache misses; from the finger, a key right after the
 * last costs two key comparisons with nodes just touched, and one {@code g} keys further on
 * about {@code log4(g)} levels. Keys arriving in random order pay at most {@link #REACH}
 * comparisons and then descend as before.
 *
 * <p>Why the finger's nodes are predecessors: {@code last[i]} holds, for every level, the
 * rightmost node whose key is at most the last inserted key. If a new key sorts after that key
 * and not after the finger's successor on level {@code h}, no node of level {@code h} or above
 * lies between them, so {@code last[i]} is its predecessor on level {@code i >= h}; the levels
 * thin upwards, so the successors only move right as {@code h} grows, and the lowest such
 * {@code h} is found by climbing. Below it a descent that starts at {@code last[h - 1]}, a node
 * before the key, finds the rest. A removal can unlink a finger node, so it forgets the finger.
 * Writer-only, like the inserts it serves.
 */
final class InsertFinger {
    /** The key was placed: the predecessors are filled, and the key is absent. */
    static final int ABSENT = 0;
    /** The key is present already, found next to the last insert. */
    static final int PRESENT = 1;
    /** The key is not near the last insert; search from the head. */
    static final int MISSED = 2;
    /**
     * How many levels the finger climbs before it gives up: a key before the finger's successor
     * on level {@code REACH - 1} is found from the finger, and that successor lies on average
     * {@code 4^(REACH - 1)} = 64 listed keys ahead (the listing's levels thin by four). Farther
     * away a descent from the head costs little more: the misses that cost are those of the
     * lowest levels, which a descent from the finger takes too (a reach of 6 measured no
     * cheaper at 10 M keys, {@code docs/benchmarks.md}). A key in random order gives up after
     * {@code REACH} comparisons, most with nodes the last insert just touched.
     */
    static final int REACH = 4;

    private final KeyListing listing;
    private final int[] last = new int[MAX_LEVEL];
    private boolean valid;

    InsertFinger(KeyListing listing) {
        this.listing = listing;
    }

    /**
     * Places the key after the last insert if it sorts within {@link #REACH} of it; see the
     * constants. Finds the lowest level whose successor of the finger sorts at or after the key;
     * on that level and above the finger's nodes are the predecessors, below it a descent from
     * the finger finds them.
     */
    int place(DirectBuffer key, int offset, int length, int[] predecessors) {
        if (!valid || !listing.sortsBefore(last[0], key, offset, length, true)) {
            return MISSED;
        }
        int level = 0;
        while (sortsBeforeKey(listing.next(last[level], level), key, offset, length)) {
            if (++level == REACH) {
                return MISSED;
            }
        }
        System.arraycopy(last, level, predecessors, level, MAX_LEVEL - level);
        if (level == 0) {
            final int successor = listing.next(last[0], 0);
            return successor != NIL && listing.compareKey(successor, key, offset, length) == 0 ? PRESENT : ABSENT;
        }
        return listing.descend(last[level - 1], level - 1, key, offset, length, predecessors) ? PRESENT : ABSENT;
    }

    private boolean sortsBeforeKey(int node, DirectBuffer key, int offset, int length) {
        return node != NIL && listing.sortsBefore(node, key, offset, length, true);
    }

    /** The node just linked, of the given level, after {@code predecessors} on each level. */
    void inserted(int node, int level, int[] predecessors) {
        for (int i = 0; i < MAX_LEVEL; i++) {
            last[i] = i < level ? node : predecessors[i];
        }
        valid = true;
    }

    /** A node was unlinked: the finger may point at it. */
    void forget() {
        valid = false;
    }
}
