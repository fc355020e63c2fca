package dev.basalt.internal.store;

import dev.basalt.internal.checkpoint.UnlistedKeys;
import dev.basalt.internal.index.SlotLookAhead;
import dev.basalt.internal.listing.KeyListing;
import org.agrona.DirectBuffer;

/**
 * The keys of one namespace whose listing entries an open left for {@link ListingCatchUp}: those
 * the replay of the log after the checkpoint added, removed or took the plain flag from. Each is
 * made to agree with the index as the index stands when its turn comes, not as the replay left
 * it, so the writers may change the same keys in between (see {@link ListingCatchUp} for why
 * that is safe). While nothing has changed the namespace since the open, what the replay saw of
 * a key stands in for a lookup.
 *
 * <p>Threads: {@link ListingCatchUp} calls it with this object's monitor held, and the append
 * lock too for {@link #payUnderLock}.
 */
final class ListingBacklog implements ListingDebt {
    /**
     * A listing owing at least {@code 1 / MERGE_FRACTION} of its keys is built again by a merge
     * ({@link ListingMerge}: about a tenth of a microsecond a key listed or owed, plus a cache miss
     * a listed key where the listing lies scattered, against 0.65-1.1 µs an owed key inserted),
     * unless a change to the namespace since the open rules that out.
     */
    static final int MERGE_FRACTION = 8;
    /** Fewer owed keys than this are inserted: a few milliseconds at most, not worth a copy. */
    static final int MERGE_MIN_KEYS = 1024;

    /**
     * The unlisted keys' index slots are loaded this many at a time before they are checked
     * ({@link #oweAlso}), so that the misses overlap, as the replay's are ({@link ReplayLookAhead}).
     */
    static final int LOOK_AHEAD_KEYS = 32;

    private final OwedKeys owed;
    /** What the look-ahead's loads returned, kept so that the compiler cannot drop them; never read. */
    private long loaded;
    /** Volatile for the pages that read it without the monitor ({@link #sortedForPages}). */
    private volatile RuntimeException failure;
    /** The owed keys once sorted, read by pages without the monitor; they do not change again. */
    private volatile OwedKeys sortedForPages;
    /** The merge under way, or null. */
    private volatile ListingMerge merge;
    /** Once true, the keys are inserted one by one (the merge was not wanted, or was given up). */
    private boolean insertKeyByKey;

    /**
     * Owes the listing {@code owed}'s keys, each noted where the replay left it (NO_LOCATION:
     * gone) with what the replay saw of its record ({@link OwedKeys#PLAIN},
     * {@link OwedKeys#NOT_PLAIN} or {@link OwedKeys#UNKNOWN}); at open.
     */
    ListingBacklog(OwedKeys owed) {
        this.owed = owed;
    }

    /**
     * Owes the listing {@code keys} too, the keys the checkpoint's listing did not hold yet, each
     * noted where {@code state}'s index has it as the open leaves it: where it was owed, with what
     * was noted of that record, when the index still holds the key there (one probe, no record
     * read; the probes' first slots loaded {@value #LOOK_AHEAD_KEYS} keys at a time), else as
     * found by key (a key the replay touched as well is owed twice, which comes out the same: a
     * key made to agree twice agrees). At open, after the reconcile.
     */
    void oweAlso(UnlistedKeys keys, NamespaceState state) {
        DirectBuffer bytes = keys.keyBytes();
        long[] hashes = new long[LOOK_AHEAD_KEYS];
        for (int first = 0; first < keys.count(); first += LOOK_AHEAD_KEYS) {
            int run = Math.min(LOOK_AHEAD_KEYS, keys.count() - first);
            for (int i = 0; i < run; i++) {
                hashes[i] = state.hash(bytes, keys.offset(first + i), keys.length(first + i));
            }
            loaded += SlotLookAhead.touchHomeSlots(state.index(), hashes, run);
            for (int i = 0; i < run; i++) {
                int key = first + i;
                int offset = keys.offset(key);
                int length = keys.length(key);
                if (state.holds(hashes[i], keys.location(key))) {
                    owed.add(bytes, offset, length, keys.location(key), keys.plainness(key));
                } else {
                    owed.add(bytes, offset, length, state.newest(bytes, offset, length), OwedKeys.UNKNOWN);
                }
            }
        }
    }

    /** Whether a listing of {@code listedKeys} keys owing {@code owedKeys} is better built again by a merge. */
    static boolean mergesInto(long owedKeys, long listedKeys) {
        return owedKeys >= MERGE_MIN_KEYS && owedKeys * MERGE_FRACTION >= listedKeys;
    }

    /** Whether the keys are to be inserted one by one from now on (else merged: {@link #merge}). */
    boolean insertsKeyByKey() {
        return insertKeyByKey;
    }

    /** The merge under way, or null before the first step ({@link #startMerge}). */
    ListingMerge merge() {
        return merge;
    }

    /** Starts the merge; after {@link #prepare}. */
    ListingMerge startMerge() {
        merge = new ListingMerge(owed);
        return merge;
    }

    /** The merged listing replaced the live one: every key is paid. */
    KeyListing mergeHandedOver() {
        KeyListing merged = merge.handOver();
        owed.allInserted();
        merge = null;
        return merged;
    }

    /** From now on the keys are inserted one by one; a merge under way is discarded. */
    void insertKeyByKeyFromNowOn() {
        insertKeyByKey = true;
        if (merge != null) {
            merge.discard();
            merge = null;
        }
    }

    /** Direct memory of a merge's copy under way; a recent figure. */
    @Override
    public long offHeapBytes() {
        ListingMerge underWay = merge;
        return underWay == null ? 0 : underWay.offHeapBytes();
    }

    /** Keys left. */
    int remaining() {
        return owed.remaining();
    }

    /**
     * The owed keys, sorted, for a list page or a range scan to merge into the listing instead of
     * waiting for the catch-up ({@link RangeScan#walkOwing}); null once the backlog failed. They are not changed
     * again once sorted (only added to at open), so the page may read them beside the catch-up.
     * Any thread; the first call waits for a step of the catch-up under way, and sorts.
     */
    OwedKeys sortedForPages() {
        OwedKeys sorted = sortedForPages;
        if (sorted == null) {
            synchronized (this) { // a page would otherwise wait for a merge step (2-5 ms) each
                owed.sortOnce();
                sorted = owed;
                sortedForPages = owed;
            }
        }
        return failure == null ? sorted : null;
    }

    /** Sorts the keys once, so that each insert starts from the previous one; without the append lock. */
    @Override
    public void prepare() {
        owed.sortOnce();
    }

    @Override
    public int payUnderLock(NamespaceState ns, int maxKeys) {
        try {
            return owed.insertNext(ns, ns.keyChangesSinceOpen() == 0, maxKeys);
        } catch (RuntimeException e) {
            failure = e;
            return 0;
        }
    }

    @Override
    public boolean paid() {
        return owed.remaining() == 0;
    }

    @Override
    public RuntimeException failure() {
        return failure;
    }
}
