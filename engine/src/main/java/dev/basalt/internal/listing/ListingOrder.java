package dev.basalt.internal.listing;

import static dev.basalt.internal.listing.NodeArena.NIL;

/**
 * How far a listing's nodes lie from key order in memory, judged from a sample. The arena hands
 * out addresses in increasing order, so a listing built in key order (a relayout's copy, or keys
 * inserted in order) has every node after its predecessor in memory, and one built from keys in
 * random order has about half its nodes before theirs. What the count of inserts since the last
 * layout cannot say, a sample can: a listing mapped from a checkpoint carries no such count.
 *
 * <p>Threads: a reader's, inside a read epoch (as a page).
 */
public final class ListingOrder {
    /** Hops sampled: a few milliseconds of cache misses at most, and a share good to a few per cent. */
    public static final int SAMPLE_HOPS = 4_096;

    private ListingOrder() {
    }

    /**
     * The share of the first {@code maxHops} steps of {@code listing}'s walk in key order that go
     * back in memory: 0 for a listing laid out in key order, about one half for random inserts.
     */
    public static double backwardShare(KeyListing listing, int maxHops) {
        int node = listing.nextAcquire(KeyListing.HEAD, 0);
        int hops = 0;
        int backward = 0;
        while (node != NIL && hops < maxHops) {
            int next = listing.nextAcquire(node, 0);
            if (next == NIL) {
                break;
            }
            if (Integer.compareUnsigned(next, node) < 0) {
                backward++;
            }
            hops++;
            node = next;
        }
        return hops == 0 ? 0 : (double) backward / hops;
    }
}
