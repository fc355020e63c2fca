package dev.basalt.internal.listing;

import static dev.basalt.internal.listing.KeyListing.HEAD;
import static dev.basalt.internal.listing.NodeArena.NIL;
import static dev.basalt.internal.listing.NodeLayout.MAX_LEVEL;

/**
 * The invariants of {@link KeyListing}'s class comment, checked by a full walk: O(n * levels),
 * for tests, on the writer thread.
 */
final class ListingInvariants {
    private ListingInvariants() {
    }

    /** @throws AssertionError naming the first broken invariant */
    static void verify(KeyListing listing) {
        long count = 0;
        for (int node = listing.next(HEAD, 0); node != NIL; node = listing.next(node, 0)) {
            check(!NodeLayout.isRemoved(listing.header(node)), "a linked node is marked removed");
            final int successor = listing.next(node, 0);
            check(successor == NIL || compareNodes(listing, node, successor) < 0, "level 0 is not strictly ascending");
            count++;
        }
        check(count == listing.size, "walked " + count + " keys, size=" + listing.size);
        for (int i = 1; i < MAX_LEVEL; i++) {
            int below = listing.next(HEAD, i - 1);
            for (int node = listing.next(HEAD, i); node != NIL; node = listing.next(node, i)) {
                check(NodeLayout.level(listing.header(node)) > i, "a node of lower level is on level " + i);
                while (below != node) {
                    check(below != NIL, "level " + i + " is not a sublist of level " + (i - 1));
                    below = listing.next(below, i - 1);
                }
            }
            check(i < listing.topLevel || listing.next(HEAD, i) == NIL,
                    "level " + i + " in use above topLevel=" + listing.topLevel);
        }
        verifyFreeLists(listing.arena);
    }

    /** Every free list holds nodes of its own size, and together they hold {@code freeBytes}. */
    private static void verifyFreeLists(NodeArena arena) {
        final int[] heads = arena.freeListHeads();
        long bytes = 0;
        for (int units = 0; units < heads.length; units++) {
            for (int node = heads[units]; node != NIL; node = arena.chunk(node).getInt(NodeArena.offset(node))) {
                bytes += (long) units << NodeLayout.UNIT_SHIFT;
                check(bytes <= arena.freeBytes(), "the free lists hold more than freeBytes=" + arena.freeBytes());
            }
        }
        check(bytes == arena.freeBytes(), "the free lists hold " + bytes + " bytes, freeBytes=" + arena.freeBytes());
    }

    private static int compareNodes(KeyListing listing, int a, int b) {
        final int headerB = listing.header(b);
        return listing.compareKey(a, listing.arena.chunk(b),
            NodeArena.offset(b) + NodeLayout.keyOffset(NodeLayout.level(headerB)), NodeLayout.keyLength(headerB));
    }

    private static void check(boolean condition, String message) {
        if (!condition) {
            throw new AssertionError(message);
        }
    }
}
