package dev.basalt.internal.store;

import dev.basalt.internal.listing.KeyListing;
import org.agrona.DirectBuffer;

/**
 * A namespace's key listing as the writers change it and {@link ListingRelayouts} replaces it:
 * the live {@link KeyListing}, how many keys went in since it was last laid out in key order,
 * and the {@link Relayout} under way, which every change the writers make is noted for.
 *
 * <p>Threads: {@link #current} any thread (a page reads it once); the changes and the relayout's
 * start, rounds and finish under the append lock; {@link #copyForRelayout} and
 * {@link #catchUpRelayout} on the relayout's thread without it, as {@link ListingRelayouts} says.
 */
final class RelaidListing {
    /** Replaced only by {@link #finishRelayout}, under the lock. */
    private volatile KeyListing current;
    /** Keys inserted since the listing was last laid out in key order; under the lock. */
    private volatile long insertsSinceLayout;
    /** The relayout under way, or null; set and cleared under the lock. */
    private volatile Relayout relayout;
    /** After a relayout was dropped for churn: when to try again. The relayout's thread only. */
    private final QuietWatch dropWatch = new QuietWatch();
    /**
     * Before a relayout of a listing with few inserts since its last one: a quiet period. The
     * relayout's thread only.
     */
    private final QuietWatch idleWatch = new QuietWatch();
    /** Whether the listing's order in memory was sampled since the open; the relayout's thread only. */
    private boolean orderSampled;

    RelaidListing(KeyListing listing) {
        this.current = listing;
    }

    KeyListing current() {
        return current;
    }

    /** {@link KeyListing#insert(DirectBuffer, int, int, boolean)}, noted for a relayout; under the lock. */
    void insert(DirectBuffer key, int offset, int length, boolean plain) {
        if (current.insert(key, offset, length, plain)) {
            insertsSinceLayout++;
        }
        noteChanged(key, offset, length); // present already or not, the entry may have changed
    }

    /** {@link KeyListing#remove}, noted for a relayout; under the lock. */
    void remove(DirectBuffer key, int offset, int length) {
        if (current.remove(key, offset, length)) {
            noteChanged(key, offset, length);
        }
    }

    /** {@link KeyListing#clearPlain}, noted for a relayout; under the lock. */
    void clearPlain(DirectBuffer key, int offset, int length) {
        if (current.clearPlain(key, offset, length)) {
            noteChanged(key, offset, length);
        }
    }

    private void noteChanged(DirectBuffer key, int offset, int length) {
        Relayout underWay = relayout;
        if (underWay != null) {
            underWay.changed(key, offset, length);
        }
    }

    /**
     * Whether the listing took enough inserts since it was last laid out in key order that a
     * relayout is worth its walk: at least {@code minKeys} keys, and inserts since of at least a
     * {@code 1 / fraction} of them. Any thread; a recent figure.
     */
    boolean relayoutDue(long minKeys, int fraction) {
        long size = current.size();
        return relayout == null && size >= minKeys && insertsSinceLayout >= size / fraction;
    }

    /** Keys inserted since the listing was last laid out in key order; any thread, a recent figure. */
    long insertsSinceLayout() {
        return insertsSinceLayout;
    }

    /**
     * Once per open, on the relayout's thread: whether the listing's order in memory is still to
     * be sampled ({@link #countOutOfOrder}); true at most once.
     */
    boolean sampleOrderOnce() {
        if (orderSampled) {
            return false;
        }
        orderSampled = true;
        return true;
    }

    /**
     * A sample ({@code ListingOrder}) estimates that {@code nodes} of the listing lie out of key
     * order: they count as inserts since the last layout, as if inserted since. Under the lock.
     */
    void countOutOfOrder(long nodes) {
        insertsSinceLayout = Math.max(insertsSinceLayout, nodes);
    }

    /** Watching since a relayout was dropped for churn ({@code ListingRelayouts}). */
    QuietWatch dropWatch() {
        return dropWatch;
    }

    /** Watching for a quiet period before a relayout of few inserts ({@code ListingRelayouts}). */
    QuietWatch idleWatch() {
        return idleWatch;
    }

    /** Starts a relayout: from now on every change is noted. Under the lock, on the relayout's thread. */
    void beginRelayout() {
        if (relayout != null) {
            throw new IllegalStateException("a relayout is under way");
        }
        relayout = new Relayout(insertsSinceLayout);
        insertsSinceLayout = 0;
        dropWatch.stop();
        idleWatch.stop();
    }

    /** Keys the writers changed since the relayout under way began; any thread, a recent figure. */
    long relayoutChurn() {
        Relayout underWay = relayout;
        return underWay == null ? 0 : underWay.changedSinceBegin();
    }

    /**
     * Drops the relayout under way: nothing is noted any more, and the inserts it would have laid
     * out count again. Under the lock.
     *
     * @return the dropped relayout, whose copy the caller discards (no reader ever saw it)
     */
    Relayout abandonRelayout() {
        Relayout dropped = relayout;
        relayout = null;
        insertsSinceLayout += dropped.insertsBefore();
        return dropped;
    }

    /**
     * Copies the next {@code maxKeys} keys for the relayout under way. Without the lock, inside a
     * read epoch, with the namespace's memory held (a drop releases it only after this returns).
     *
     * @return true when every key was copied
     */
    boolean copyForRelayout(int maxKeys) {
        return relayout.copyStep(current, maxKeys);
    }

    /** Keys changed since the walk or the last catch-up began; under the lock. */
    int relayoutChangesNoted() {
        return relayout.changesNoted();
    }

    /** The keys changed so far, for {@link #catchUpRelayout}; under the lock. */
    Relayout.Changes takeRelayoutChanges() {
        return relayout.takeChanges();
    }

    /**
     * Catches the copy up on up to {@code maxKeys} more of {@code taken}'s keys. Without the lock,
     * inside a read epoch, with the namespace's memory held.
     *
     * @return true when every key of {@code taken} was caught up on
     */
    boolean catchUpRelayout(Relayout.Changes taken, int maxKeys) {
        return relayout.catchUp(current, taken, maxKeys);
    }

    /**
     * Ends the relayout under way: the copy takes the keys changed since the last catch-up and
     * replaces the listing. Under the lock.
     *
     * @return the listing replaced, which the caller closes once every reader that could be in it
     *     left; null when the copy disagreed with the listing and was dropped (the listing stays)
     */
    KeyListing finishRelayout() {
        Relayout ending = relayout;
        relayout = null;
        KeyListing replaced = current;
        KeyListing fresh = ending.finish(replaced);
        if (fresh == null) {
            ending.discard();
            return null;
        }
        current = fresh;
        return replaced;
    }

    /**
     * Replaces the listing with {@code caughtUp}, a copy laid out in key order that also holds
     * what the open owed it ({@link ListingMerge}). Under the lock, with no relayout under way
     * (none starts while a listing is behind).
     *
     * @return the listing replaced, which the caller closes once every reader that could be in it left
     */
    KeyListing replaceCaughtUp(KeyListing caughtUp) {
        if (relayout != null) {
            throw new IllegalStateException("a relayout is under way");
        }
        KeyListing replaced = current;
        current = caughtUp;
        insertsSinceLayout = 0;
        return replaced;
    }

    /** Direct memory of the listing and of a relayout's copy. Any thread. */
    long offHeapBytes() {
        Relayout underWay = relayout;
        return current.offHeapBytes() + (underWay == null ? 0 : underWay.offHeapBytes());
    }

    /** Frees the listing and a relayout's copy; only once no reader can be inside them. */
    void close() {
        current.close();
        Relayout unfinished = relayout;
        if (unfinished != null) {
            unfinished.discard();
        }
    }
}
