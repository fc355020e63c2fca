package dev.basalt.internal.store;

import dev.basalt.internal.index.IndexWalk;

/**
 * The debt of a namespace rebuilt from the whole log: every key of its index. Such an open (no
 * checkpoint, or one it could not use) used to list each key before returning, which at
 * 1,000,000 keys was a third of the open: a copy of every key, a sort and a million inserts.
 * Now the open publishes the namespace with an empty listing and this fills it afterwards.
 *
 * <p>How: an {@link IndexWalk} gathers the keys of a few thousand slots per hold of the append
 * lock (a read of each key's record), up to {@value #MAX_KEYS_PER_BATCH} keys or
 * {@value #MAX_KEY_BYTES} bytes of them; the batch is sorted without the lock and inserted in key
 * order, {@link ListingCatchUp#KEYS_PER_HOLD} keys per hold, each insert starting from the one
 * before. The batches bound the heap whatever the namespace's size, as {@code SortedInserts}
 * does for the open.
 *
 * <p>Why writers may run meanwhile: see {@link ListingCatchUp}. A key live since the open is
 * gathered ({@link IndexWalk}'s promise); a key deleted since is removed from the listing by its
 * delete, and one added since is inserted by its put. Each gathered key is made to agree with the
 * index as it stands at its insert: by the location and plainness read when it was gathered while
 * the walk's table is still the index's and no key of the namespace has changed since the batch's
 * first gathering, else by a lookup.
 *
 * <p>Threads: as {@link ListingDebt}.
 */
final class ListingFromIndex implements ListingDebt {
    /** Slots walked per hold of the append lock: at most 0.75 of them live, a record read each. */
    static final int SLOTS_PER_HOLD = 2048;
    /** Keys per sorted batch. */
    static final int MAX_KEYS_PER_BATCH = 1 << 18;
    /** Key bytes per sorted batch: long keys keep a batch to a few MiB of heap too. */
    static final int MAX_KEY_BYTES = 8 << 20;

    private final IndexWalk walk;
    private final int maxKeysPerBatch;
    private final OwedKeys batch = new OwedKeys();
    /** The namespace's count of key changes when the batch's first key was gathered. */
    private long changesWhenGathered;
    private boolean walked;
    private boolean batchFull;
    private RuntimeException failure;

    /**
     * Owes the listing every key of {@code ns}'s index, sorted in batches of at most
     * {@code maxKeysPerBatch} keys; at open, before the namespace is published.
     */
    ListingFromIndex(NamespaceState ns, int maxKeysPerBatch) {
        this.walk = new IndexWalk(ns.index());
        this.maxKeysPerBatch = maxKeysPerBatch;
    }

    @Override
    public void prepare() {
        if ((batchFull || walked) && batch.size() > 0) {
            batch.sortOnce();
        }
    }

    @Override
    public int payUnderLock(NamespaceState ns, int maxKeys) {
        try {
            if (batch.sorted()) {
                return insertSorted(ns, maxKeys);
            }
            return walked || batchFull ? 0 : gather(ns);
        } catch (RuntimeException e) {
            failure = e;
            return 0;
        }
    }

    /** One hold's stretch of the walk; returns the keys gathered, at least 1 (work was done). */
    private int gather(NamespaceState ns) {
        int before = batch.size();
        if (before == 0) {
            changesWhenGathered = ns.keyChangesSinceOpen();
        }
        walked = !walk.step(SLOTS_PER_HOLD, (keyHash, location) -> ns.oweRecordKey(location, batch));
        batchFull = batch.size() >= maxKeysPerBatch || batch.keyBytes() >= MAX_KEY_BYTES;
        return Math.max(1, batch.size() - before);
    }

    private int insertSorted(NamespaceState ns, int maxKeys) {
        boolean asGathered = walk.onCurrentTable() && ns.keyChangesSinceOpen() == changesWhenGathered;
        int inserted = batch.insertNext(ns, asGathered, maxKeys);
        if (batch.remaining() == 0) {
            batch.clear();
            batchFull = false;
        }
        return inserted;
    }

    @Override
    public boolean paid() {
        return walked && batch.size() == 0;
    }

    @Override
    public RuntimeException failure() {
        return failure;
    }
}
