package dev.basalt.internal.store;

/**
 * What an open left a namespace's listing to catch up on after it returned, paid by
 * {@link ListingCatchUp} one hold of the append lock at a time: the keys a replayed tail changed
 * ({@link ListingBacklog}), or every key of a namespace rebuilt from the whole log
 * ({@link ListingFromIndex}). Either way each key owed is made to agree with the index as the
 * index stands when its turn comes, so writers may change the same keys in between.
 *
 * <p>Threads: {@link ListingCatchUp} calls it with this object's monitor held; {@link #payUnderLock}
 * with the append lock held too.
 */
interface ListingDebt {
    /** Work that needs neither lock (sorting the next keys); before each {@link #payUnderLock}. */
    void prepare();

    /**
     * One hold's worth: about {@code maxKeys} keys of {@code ns} made to agree with its index,
     * or gathered for that; under the append lock. Returns the work done (keys listed, removed or
     * gathered; 0 when there was none), which the background thread's backoff goes by. A failure
     * is kept: {@link #failure} reports it from then on.
     */
    int payUnderLock(NamespaceState ns, int maxKeys);

    /** True once the listing agrees with the index on every key owed. */
    boolean paid();

    /** Why the catch-up stopped, or null. */
    RuntimeException failure();

    /** Direct memory the debt holds beside the listing (a merge's copy); any thread, a recent figure. */
    default long offHeapBytes() {
        return 0;
    }
}
