package dev.basalt.internal.store;

import dev.basalt.internal.checkpoint.UnlistedKeys;
import org.agrona.DirectBuffer;

/**
 * The keys the writers added to a namespace's index whose listing inserts were left for later,
 * to be made in key order off the writer's path. An insert into the listing in the order keys
 * arrive is a descent through a skip list whose nodes lie scattered (60 % of a batched load's
 * writer time at 1,000,000 keys, {@code docs/benchmarks.md}); the same keys sorted are inserted
 * each from the one before ({@code InsertFinger}), and by the background thread, beside the
 * writer rather than in its way.
 *
 * <p>Why a list still sees every key acknowledged before it began: the owed keys are listed
 * before any page or range scan reads the listing ({@link ListingCatchUp#finish}), and before a
 * checkpoint at close saves it ({@link #listAllUnderLock}); a background checkpoint saves them as
 * they stand beside it ({@link #copyUnderLock}), and an open from it owes them again. Why an
 * owed key comes out right: when nothing took a key out of the listing or cleared a plain flag
 * since the first key of a batch was owed
 * ({@link NamespaceState#listingEdits()} unchanged), every key of the batch is still in the index
 * as it was owed, plain as noted; otherwise each is made what the index says when its turn comes
 * ({@link NamespaceState#catchUpListed}), which is right whatever happened to it meanwhile.
 *
 * <p>Bounds: the background thread lists a namespace's owed keys once {@link #dueAt} of them
 * wait (a list of the namespace then lists at most about that many on its own thread first), and
 * past {@link #MAX_OWED} keys the writer inserts directly, so the memory stays bounded when the
 * background thread falls behind.
 *
 * <p>Threads: {@link #owe} and every step under the append lock; a batch is taken, sorted and
 * listed with this object's monitor held ({@link ListingCatchUp}), the sort without the lock.
 */
final class OwedNewKeys {
    /** The writer inserts directly once this many keys are owed: a few MiB of keys at most. */
    static final int MAX_OWED = 1 << 18;
    /** Fewest keys the background thread waits for: below this, sorting gains little. */
    static final int MIN_DUE = 4096;
    /**
     * A listing of {@code n} keys is caught up once {@code n / SPACING} keys are owed: sorted, they
     * then land about this many listed keys apart, at the edge of the finger's reach (64 on
     * average, {@code InsertFinger.REACH}), so about two inserts in three descend from the head;
     * a longer reach measured no cheaper ({@code docs/benchmarks.md}).
     */
    static final int SPACING = 64;

    /** Keys the writers owe now; under the lock. */
    private OwedKeys filling = new OwedKeys();
    /** {@link NamespaceState#listingEdits()} when {@link #filling}'s first key was owed; under the lock. */
    private long editsAtFirst;
    /**
     * Taken from the writers and being listed, or null; set and cleared under the lock and the
     * monitor, read without either by {@link #none} and {@link #due}.
     */
    private volatile OwedKeys underWay;
    private long underWayEditsAtFirst;
    /** Memory kept from the last batch listed, for the next {@link #filling}. */
    private OwedKeys spare = new OwedKeys();
    /** Keys in {@link #filling}, for the background thread's check without the lock. */
    private volatile int owedCount;

    /**
     * Owes the listing {@code key}, just added to the index at {@code location}; returns false
     * (the caller inserts it) when {@link #MAX_OWED} keys are owed already. Under the lock.
     */
    boolean owe(DirectBuffer key, int offset, int length, long location, boolean plain, long listingEdits) {
        int owed = filling.size();
        if (owed >= MAX_OWED) {
            return false;
        }
        if (owed == 0) {
            editsAtFirst = listingEdits;
        }
        filling.add(key, offset, length, location, plain ? OwedKeys.PLAIN : OwedKeys.NOT_PLAIN);
        owedCount = owed + 1;
        return true;
    }

    /** Whether nothing is owed and no batch is being listed; any thread, a recent figure. */
    boolean none() {
        return owedCount == 0 && underWay == null;
    }

    /** Whether the background thread should list the owed keys of a listing of {@code listedKeys} keys. */
    boolean due(long listedKeys) {
        return underWay != null || owedCount >= dueAt(listedKeys);
    }

    /** Owed keys at which a listing of {@code listedKeys} keys is caught up by the background thread. */
    static int dueAt(long listedKeys) {
        return (int) Math.max(MIN_DUE, Math.min(MAX_OWED / 2, listedKeys / SPACING));
    }

    /** The batch being listed, or null; with the monitor held. */
    OwedKeys underWay() {
        return underWay;
    }

    /**
     * Takes the owed keys as the batch to list, when none is under way, and returns it (null:
     * none owed). Under the lock, with the monitor held.
     */
    OwedKeys take() {
        if (filling.size() == 0) {
            return null;
        }
        underWay = filling;
        underWayEditsAtFirst = editsAtFirst;
        filling = spare;
        spare = null;
        owedCount = 0;
        return underWay;
    }

    /**
     * Lists up to {@code maxKeys} more keys of the batch under way (sorted), in key order; under
     * the lock, with the monitor held. Returns how many; once the batch is done its memory is
     * kept for the writers' next one.
     */
    int listNext(NamespaceState ns, int maxKeys) {
        OwedKeys batch = underWay;
        int listed = batch.insertNext(ns, ns.listingEdits() == underWayEditsAtFirst, maxKeys);
        if (batch.remaining() == 0) {
            batch.clear();
            spare = batch;
            underWay = null;
        }
        return listed;
    }

    /**
     * The owed keys as they stand, for a background checkpoint's capture, which saves them beside
     * the listing instead of listing them while the writers wait; under the lock. Null when
     * another thread has a batch under way: its keys are being sorted without the lock, and the
     * capture waits for the next time rather than for that thread.
     */
    UnlistedKeys copyUnderLock(OwedKeysRoom room) {
        if (underWay != null) {
            return null;
        }
        return filling.copyKeys(room);
    }

    /** Keys the writers owe now, beside any batch under way; any thread, a recent figure. */
    int owedNow() {
        return owedCount;
    }

    /** Keys owed now, for sizing an {@link OwedKeysRoom}; under the lock. */
    int owedKeys() {
        return filling.size();
    }

    /** Bytes of the keys owed now; under the lock. */
    int owedKeyBytes() {
        return filling.keyBytes();
    }

    /**
     * Lists every owed key at once, for a checkpoint's capture at close, and returns what is then
     * left owed: {@link UnlistedKeys#NONE}. Under the lock. Null, listing nothing, as
     * {@link #copyUnderLock}, when another thread has a batch under way.
     */
    UnlistedKeys listAllUnderLock(NamespaceState ns) {
        if (underWay != null) {
            return null;
        }
        if (filling.size() > 0) {
            filling.sortOnce();
            filling.insertNext(ns, ns.listingEdits() == editsAtFirst, filling.size());
            filling.clear();
            owedCount = 0;
        }
        return UnlistedKeys.NONE;
    }
}
