package dev.basalt.internal.listing;

import static dev.basalt.internal.listing.NodeArena.NIL;
import static dev.basalt.internal.listing.NodeLayout.MAX_LEVEL;

import org.agrona.DirectBuffer;

/**
 * Where the writer's last insert went, so that an insert landing right after it needs no
 * descent from the head: the case of keys arriving in ascending order (a bulk load, a Kafka
 * changelog restore or a numbered sequence of keys), where a descent costs about
 * {@code log4(n)} levels of cache misses and this costs two key comparisons with nodes just
 * touched. Keys arriving in random order pay those two comparisons and then descend as before.
 *
 * <p>Why one level-0 check is enough: {@code last[i]} holds, for every level, the rightmost
 * node whose key is at most the last inserted key. If a new key sorts after that key and
 * not after its level-0 successor, no node on any level lies between them, so {@code last[i]}
 * is its predecessor on every level too. A removal can unlink such a node, so it forgets the
 * finger. Writer-only, like the inserts it serves.
 */
final class InsertFinger {
    /** The key was placed: the predecessors are filled, and the key is absent. */
    static final int ABSENT = 0;
    /** The key is present already, found next to the last insert. */
    static final int PRESENT = 1;
    /** The key is not next to the last insert; search from the head. */
    static final int MISSED = 2;

    private final KeyListing listing;
    private final int[] last = new int[MAX_LEVEL];
    private boolean valid;

    InsertFinger(KeyListing listing) {
        this.listing = listing;
    }

    /** Places the key next to the last insert if it belongs there; see the constants. */
    int place(DirectBuffer key, int offset, int length, int[] predecessors) {
        if (!valid || !listing.sortsBefore(last[0], key, offset, length, true)) {
            return MISSED;
        }
        final int successor = listing.next(last[0], 0);
        final int c = successor == NIL ? 1 : listing.compareKey(successor, key, offset, length);
        if (c < 0) {
            return MISSED;
        }
        if (c == 0) {
            return PRESENT;
        }
        System.arraycopy(last, 0, predecessors, 0, MAX_LEVEL);
        return ABSENT;
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
