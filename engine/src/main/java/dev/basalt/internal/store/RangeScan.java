package dev.basalt.internal.store;

import dev.basalt.internal.listing.KeyBatch;
import dev.basalt.internal.listing.KeyListing;
import dev.basalt.internal.listing.SortedKeys;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One page of a key range in either direction, its keys resolved a batch at a time through a
 * {@link ListedLookAhead} (each batch's index and record loads started together): the binary-key
 * surface's {@code range} and {@code prefix} (through the index, every key), and a {@code list}
 * page while an open's backlog is owed (a prefix's range after a cursor,
 * {@link ListPage#listOwing}). Two walks:
 * <ul>
 *   <li>{@link #walk}: the listing alone, when it owes nothing;</li>
 *   <li>{@link #walkOwing}: while an open's backlog is still owed to the listing
 *       ({@link ListingBacklog}), the listing's keys between the bounds and the backlog's keys
 *       between them, merged in the walk's direction, each key visited once; an owed key, and a
 *       listed key also owed, is never taken as plain from its node. A page used to pay the whole
 *       backlog first: at 10 M keys after a kill, 1.6-1.9 s before the first one
 *       ({@code docs/benchmarks.md}, "The first page after an open merges the owed keys in").
 *       Resolving the owed keys through the index is what makes the merge right: the listing may
 *       lack an owed key, or hold one the log's tail deleted, and the index has the truth for
 *       both.</li>
 * </ul>
 *
 * <p>While owing, the listing is read {@value #LISTED_PER_ROUND} keys a round at most, each
 * round's keys copied out, so that the walk does not hold the listing's nodes while keys are
 * resolved; the merged keys go to the look-ahead in batches as a plain walk's do (without it,
 * a page of 1,000 entries at 10 M keys took 1.0-2.2 ms while the backlog was owed, against
 * 0.5-0.8 ms once paid).
 *
 * <p>Threads: any, lock-free, inside a read epoch; one object per page.
 */
final class RangeScan {
    /** Listed keys a round of {@link #walkOwing} reads at most. */
    static final int LISTED_PER_ROUND = 256;

    private final UnsafeBuffer start;
    private final boolean startInclusive;
    private final UnsafeBuffer end;
    private final boolean endInclusive;
    private final boolean descending;
    private final ListedLookAhead lookAhead;
    private final KeyBatch.Visitor resolve;
    /** Keys merged and not yet resolved ({@link #walkOwing}): the look-ahead's batch. */
    private final KeyBatch merged;
    private int visited;
    private int maxKeys;

    /**
     * The range from {@code start} (null: the first key, or the last when {@code descending})
     * toward {@code end} (null: no end), each bound inclusive or not; each key goes to
     * {@code resolver}, plain only when the listing flagged it so and does not owe it (and the
     * look-ahead resolves plain keys from their nodes).
     */
    RangeScan(byte[] start, boolean startInclusive, byte[] end, boolean endInclusive, boolean descending,
            ListedLookAhead lookAhead, ListedLookAhead.ListedKey resolver) {
        this.start = start == null ? null : new UnsafeBuffer(start);
        this.startInclusive = startInclusive;
        this.end = end == null ? null : new UnsafeBuffer(end);
        this.endInclusive = endInclusive;
        this.descending = descending;
        this.lookAhead = lookAhead;
        this.resolve = lookAhead.visitor(resolver);
        this.merged = lookAhead.batch();
    }

    /** Visits the range's live keys in {@code keys} until {@code maxKeys} were visited; returns how many were. */
    int walk(KeyListing keys, int maxKeys) {
        return keys.walk(start, 0, length(start), startInclusive, end, 0, length(end), endInclusive, descending,
                maxKeys, lookAhead.batch(), resolve);
    }

    /**
     * {@link #walk} while the listing still owes {@code owed}'s keys (sorted ascending, a key
     * possibly more than once): the listing's keys and the owed ones merged in the walk's order.
     */
    int walkOwing(KeyListing keys, OwedKeys owed, int maxKeys) {
        this.maxKeys = maxKeys;
        visited = 0;
        merged.clear();
        SortedKeys round = new SortedKeys();
        KeyBatch batch = new KeyBatch(ListedLookAhead.BATCH_KEYS);
        DirectBuffer resume = start;
        boolean resumeInclusive = startInclusive;
        int nextOwed = firstOwed(owed);
        while (visited < maxKeys) {
            round.clear();
            int wanted = Math.min(LISTED_PER_ROUND, maxKeys - visited);
            keys.walk(resume, 0, length(resume), resumeInclusive, end, 0, length(end), endInclusive, descending,
                    wanted, batch, listed -> {
                        for (int i = 0; i < listed.size(); i++) {
                            round.add(listed.buffer(i), listed.offset(i), listed.length(i), listed.plain(i));
                        }
                        return listed.size();
                    });
            DirectBuffer listedKeys = round.keys();
            for (int i = 0; i < round.size() && visited < maxKeys; i++) {
                int offset = round.keyOffset(i);
                int length = round.keyLength(i);
                int order = 1;
                while (inRange(owed, nextOwed) && (order = towardEnd(owed, nextOwed, listedKeys, offset, length)) < 0
                        && visited < maxKeys) {
                    nextOwed = mergeOwed(owed, nextOwed);
                }
                if (visited == maxKeys) {
                    break;
                }
                boolean owedToo = order == 0; // then the owed entry speaks for the key: never plain
                if (owedToo) {
                    nextOwed = pastRepeats(owed, nextOwed);
                }
                merge(listedKeys, offset, length, !owedToo && round.flag(i));
            }
            resolveMerged(); // before the next round reuses the round's key bytes
            if (round.size() < wanted) { // the listing has no more keys in the range
                while (inRange(owed, nextOwed) && visited < maxKeys) {
                    nextOwed = mergeOwed(owed, nextOwed);
                }
                resolveMerged();
                return visited;
            }
            int last = round.size() - 1;
            byte[] lastKey = new byte[round.keyLength(last)];
            listedKeys.getBytes(round.keyOffset(last), lastKey);
            resume = new UnsafeBuffer(lastKey);
            resumeInclusive = false;
        }
        return visited;
    }

    /** Merges owed key {@code key}; returns the next one in the walk's direction past its repeats. */
    private int mergeOwed(OwedKeys owed, int key) {
        merge(owed.keys(), owed.keyOffset(key), owed.keyLength(key), false);
        return pastRepeats(owed, key);
    }

    /**
     * Adds a key to the batch; resolves the batch once it is full or holds as many keys as are
     * left to count, so that the count never passes {@code maxKeys}.
     */
    private void merge(DirectBuffer key, int offset, int length, boolean plainListed) {
        merged.add(key, offset, length, plainListed);
        if (merged.size() == merged.capacity() || merged.size() == maxKeys - visited) {
            resolveMerged();
        }
    }

    private void resolveMerged() {
        if (merged.size() > 0) {
            visited += resolve.visit(merged);
            merged.clear();
        }
    }

    /** The first owed key the walk may visit: the first (last, descending) on the inner side of the start. */
    private int firstOwed(OwedKeys owed) {
        if (start == null) {
            return descending ? owed.size() - 1 : 0;
        }
        // Ascending: the first key above the start (or equal, inclusive). Descending: the one
        // before the first key above the start (or equal, exclusive): the last one on its inner side.
        return descending ? firstAbove(owed, start, !startInclusive) - 1 : firstAbove(owed, start, startInclusive);
    }

    /** The lowest owed index whose key is above {@code key}, or equal when {@code equalCounts}. */
    private static int firstAbove(OwedKeys owed, DirectBuffer key, boolean equalCounts) {
        int low = 0;
        int high = owed.size();
        while (low < high) {
            int middle = (low + high) >>> 1;
            int order = owed.compare(middle, key, 0, key.capacity());
            if (order > 0 || order == 0 && equalCounts) {
                high = middle;
            } else {
                low = middle + 1;
            }
        }
        return low;
    }

    /** True when owed key {@code i} exists and has not passed the range's end. */
    private boolean inRange(OwedKeys owed, int i) {
        if (i < 0 || i >= owed.size()) {
            return false;
        }
        if (end == null) {
            return true;
        }
        int order = towardEnd(owed, i, end, 0, end.capacity());
        return order < 0 || order == 0 && endInclusive;
    }

    /**
     * Owed key {@code i} against another key in the walk's order: negative when the walk meets
     * the owed key first, 0 when equal.
     */
    private int towardEnd(OwedKeys owed, int i, DirectBuffer other, int offset, int length) {
        int order = owed.compare(i, other, offset, length);
        return descending ? -order : order;
    }

    /** The next owed key in the walk's direction past {@code key} and its repeats. */
    private int pastRepeats(OwedKeys owed, int key) {
        int step = descending ? -1 : 1;
        int next = key + step;
        while (next >= 0 && next < owed.size()
                && owed.compare(next, owed.keys(), owed.keyOffset(key), owed.keyLength(key)) == 0) {
            next += step;
        }
        return next;
    }

    private static int length(DirectBuffer bound) {
        return bound == null ? 0 : bound.capacity();
    }
}
