package dev.basalt.internal.listing;

import static dev.basalt.internal.listing.NodeArena.NIL;
import static dev.basalt.internal.listing.NodeLayout.MAX_LEVEL;

import java.util.Arrays;
import org.agrona.DirectBuffer;

/**
 * {@link KeyListing#contains} for keys looked up in ascending order, each search starting where
 * the one before left off: the last node before the previous key on each level, climbing only as
 * far as the next key needs, as the writer's {@link InsertFinger} does. Keys a few dozen listed
 * keys apart then cost a few comparisons with nodes just touched instead of a descent from the
 * head.
 *
 * <p>What it is for: the listing catch-up looks a sorted hold of keys up this way before it takes
 * the append lock to insert them, so that the nodes the inserts pass are in the cache by then
 * and the writers wait for inserts without their cache misses.
 *
 * <p>Threads: a reader's, lock-free, beside the listing's writer; one thread per instance. The
 * lookups from one {@link #start} on run inside one read epoch: the path keeps nodes from one
 * lookup to the next, and a node removed meanwhile is not reused before the epoch ends (its
 * frozen pointers still lead forward, {@link KeyListing}'s invariant 1). A key present from
 * {@link #start} to its lookup is found; a key smaller than the one before may be reported absent.
 */
public final class AscendingLookups {
    private final int[] path = new int[MAX_LEVEL];
    private KeyListing listing;

    /** Starts a sequence of lookups in {@code listing}, from its head. */
    public void start(KeyListing listing) {
        this.listing = listing;
        Arrays.fill(path, KeyListing.HEAD);
    }

    /**
     * Whether the key is present, searched from the previous key's path.
     *
     * @throws IllegalArgumentException if the key is not 1..512 bytes within the buffer
     * @throws IllegalStateException    before {@link #start}
     */
    public boolean contains(DirectBuffer key, int offset, int length) {
        if (listing == null) {
            throw new IllegalStateException("no lookup sequence started");
        }
        KeyBounds.checkKey(key, offset, length);
        final int level = lowestLevelReaching(key, offset, length);
        int node = path[level];
        int next = NIL;
        for (int i = level; i >= 0; i--) {
            next = listing.nextAcquire(node, i);
            while (next != NIL && listing.sortsBefore(next, key, offset, length, true)) {
                node = next;
                next = listing.nextAcquire(node, i);
            }
            path[i] = node;
        }
        return listing.holdsLiveKey(next, key, offset, length);
    }

    /**
     * The lowest level whose successor of the path's node does not sort before the key (or the
     * top level): from there down, the path's nodes are where the search resumes.
     */
    private int lowestLevelReaching(DirectBuffer key, int offset, int length) {
        final int top = listing.topLevel;
        int level = 0;
        while (level < top - 1) {
            final int next = listing.nextAcquire(path[level], level);
            if (next == NIL || !listing.sortsBefore(next, key, offset, length, true)) {
                break;
            }
            level++;
        }
        return level;
    }
}
