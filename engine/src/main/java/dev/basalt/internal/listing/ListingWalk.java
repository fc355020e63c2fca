package dev.basalt.internal.listing;

import static dev.basalt.internal.listing.NodeArena.NIL;
import static dev.basalt.internal.listing.NodeLayout.HEADER_OFFSET;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The walk behind {@link KeyListing#walk}: keys from a start toward an optional far bound, in
 * either direction, a batch at a time, for ranges (the binary-key surface). A reader, like
 * {@code scan}: lock-free, allocation-free, and safe beside the one writer for the reasons the
 * listing's class comment gives.
 *
 * <p>Cost: ascending, one O(log n) seek then one pointer hop per key. Descending, one O(log n)
 * seek, then a short search per key: the list links forward only, so each step searches for the
 * predecessor of the key just visited, but it starts where the previous step's search passed
 * ({@link SearchPath}): at the lowest level whose node still sorts before the key, usually level
 * 1 or 2, a few node visits instead of the about 46 of a search from the head at 10M keys.
 * Walking backwards that way is what lets the listing need no back pointers (4 more bytes per
 * node and a second pointer to publish per insert).
 */
final class ListingWalk {
    private ListingWalk() {
    }

    static int walk(KeyListing listing, DirectBuffer from, int fromOffset, int fromLength, boolean fromInclusive,
            DirectBuffer to, int toOffset, int toLength, boolean toInclusive, boolean descending,
            int maxKeys, KeyBatch batch, KeyBatch.Visitor visitor) {
        final DirectBuffer fromBytes = KeyBounds.checkBound("from", from, fromOffset, fromLength);
        final DirectBuffer toBytes = KeyBounds.checkBound("to", to, toOffset, toLength);
        checkPage(maxKeys, batch, visitor);
        int node;
        if (descending) {
            node = fromLength == 0
                ? last(listing, batch.path)
                : floor(listing, fromBytes, fromOffset, fromLength, fromInclusive, batch.path, false);
        } else {
            node = listing.seek(fromBytes, fromOffset, fromLength, fromLength == 0 || fromInclusive);
        }
        int counted = 0;
        while (node != NIL && counted < maxKeys) {
            batch.clear();
            final int room = Math.min(batch.capacity(), maxKeys - counted);
            while (node != NIL && batch.size() < room) {
                final UnsafeBuffer chunk = listing.arena.chunk(node);
                final int at = NodeArena.offset(node);
                final int header = chunk.getIntAcquire(at + HEADER_OFFSET);
                final int keyOffset = at + NodeLayout.keyOffset(NodeLayout.level(header));
                final int keyLength = NodeLayout.keyLength(header);
                if (toLength > 0 && pastEnd(chunk, keyOffset, keyLength, toBytes, toOffset, toLength, toInclusive,
                        descending)) {
                    node = NIL;
                    break;
                }
                if (!NodeLayout.isRemoved(header)) {
                    batch.add(chunk, keyOffset, keyLength, NodeLayout.isPlain(header));
                }
                // A removed node's key and pointers stay intact until reclaim, which waits for this
                // reader (class comment), so seeking from its key is safe.
                node = descending
                    ? floor(listing, chunk, keyOffset, keyLength, false, batch.path, true)
                    : listing.nextAcquire(node, 0);
            }
            if (batch.size() > 0) {
                counted += batch.visitedBy(visitor);
            }
        }
        return counted;
    }

    /** Whether a key lies beyond the walk's far bound, in the walk's direction. */
    private static boolean pastEnd(DirectBuffer key, int keyOffset, int keyLength,
            DirectBuffer to, int toOffset, int toLength, boolean toInclusive, boolean descending) {
        final int c = UnsignedBytes.compare(key, keyOffset, keyLength, to, toOffset, toLength);
        return (descending ? c < 0 : c > 0) || (c == 0 && !toInclusive);
    }

    /**
     * The last node (live or retired) whose key is {@code < target} ({@code <= target} when
     * inclusive), or NIL when there is none; records in {@code path} the node the search left
     * each level from ({@link SearchPath}). Any thread.
     *
     * <p>With {@code fromPath}, the search starts where the previous one (for a greater target)
     * passed: at the lowest level whose recorded node still sorts before the target, instead of
     * at the head's top level. A descending walk steps back one key at a time, so that is usually
     * level 1 or 2, a few node visits instead of about {@code 4 * log4(n)}. Any start node that
     * sorts before the target gives the same answer a search from the head would, for the reason
     * {@link KeyListing}'s invariants make removed nodes safe to walk from: every node present
     * throughout lies on every level-0 path from below it, and a walk that lands on a removed
     * node steps back from its key.
     */
    private static int floor(KeyListing listing, DirectBuffer target, int offset, int length, boolean inclusive,
            SearchPath path, boolean fromPath) {
        int top = listing.topLevel;
        int node = KeyListing.HEAD;
        if (fromPath) {
            for (int i = 0; i < path.levels; i++) {
                final int recorded = path.nodes[i];
                if (recorded == KeyListing.HEAD || listing.sortsBefore(recorded, target, offset, length, true)) {
                    node = recorded;
                    top = i + 1;
                    break;
                }
            }
        }
        for (int i = top - 1; i >= 0; i--) {
            int next = listing.nextAcquire(node, i);
            while (next != NIL && listing.sortsBefore(next, target, offset, length, !inclusive)) {
                node = next;
                next = listing.nextAcquire(node, i);
            }
            path.nodes[i] = node;
        }
        if (top > path.levels || !fromPath) {
            path.levels = top;
        }
        return node == KeyListing.HEAD ? NIL : node;
    }

    /** The last node (live or retired) of the list, or NIL when it is empty; records its path. Any thread. */
    private static int last(KeyListing listing, SearchPath path) {
        final int top = listing.topLevel;
        int node = KeyListing.HEAD;
        for (int i = top - 1; i >= 0; i--) {
            int next = listing.nextAcquire(node, i);
            while (next != NIL) {
                node = next;
                next = listing.nextAcquire(node, i);
            }
            path.nodes[i] = node;
        }
        path.levels = top;
        return node == KeyListing.HEAD ? NIL : node;
    }

    /** Where a search left each level: {@code nodes[i]} for {@code i < levels}. A reader's scratch space. */
    static final class SearchPath {
        final int[] nodes = new int[NodeLayout.MAX_LEVEL];
        int levels;
    }

    private static void checkPage(int maxKeys, KeyBatch batch, KeyBatch.Visitor visitor) {
        if (maxKeys < 1) {
            throw new IllegalArgumentException("maxKeys=" + maxKeys + " must be >= 1");
        }
        if (batch == null || visitor == null) {
            throw new IllegalArgumentException(batch == null ? "batch is null" : "visitor is null");
        }
    }

    /** {@link KeyListing#scan}: one seek, then one hop per key. */
    static int scan(KeyListing listing, DirectBuffer from, int fromOffset, int fromLength, boolean inclusive,
                    DirectBuffer prefix, int prefixOffset, int prefixLength,
                    int maxKeys, KeyBatch batch, KeyBatch.Visitor visitor) {
        final DirectBuffer fromBytes = KeyBounds.checkBound("from", from, fromOffset, fromLength);
        final DirectBuffer prefixBytes = KeyBounds.checkBound("prefix", prefix, prefixOffset, prefixLength);
        checkPage(maxKeys, batch, visitor);
        final boolean fromInsidePrefixRange = fromLength > 0 && UnsignedBytes.compare(
            fromBytes, fromOffset, fromLength, prefixBytes, prefixOffset, prefixLength) >= 0;
        int node = fromInsidePrefixRange
            ? listing.seek(fromBytes, fromOffset, fromLength, inclusive)
            : listing.seek(prefixBytes, prefixOffset, prefixLength, true);
        int counted = 0;
        while (node != NIL && counted < maxKeys) {
            batch.clear();
            final int room = Math.min(batch.capacity(), maxKeys - counted);
            while (node != NIL && batch.size() < room) {
                final UnsafeBuffer chunk = listing.arena.chunk(node);
                final int at = NodeArena.offset(node);
                final int header = chunk.getIntAcquire(at + HEADER_OFFSET);
                node = listing.nextAcquire(node, 0);
                if (!NodeLayout.isRemoved(header)) {
                    final int keyOffset = at + NodeLayout.keyOffset(NodeLayout.level(header));
                    final int keyLength = NodeLayout.keyLength(header);
                    if (!UnsignedBytes.startsWith(chunk, keyOffset, keyLength, prefixBytes, prefixOffset, prefixLength)) {
                        node = NIL; // every key from here on sorts after the prefix range
                        break;
                    }
                    batch.add(chunk, keyOffset, keyLength, NodeLayout.isPlain(header));
                }
            }
            if (batch.size() > 0) {
                counted += batch.visitedBy(visitor);
            }
        }
        return counted;
    }
}
