package dev.basalt.internal.store;

import dev.basalt.internal.listing.KeyBatch;
import dev.basalt.internal.listing.KeyListing;
import java.util.Arrays;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One namespace's listing being built again with its nodes in key order, beside the writers
 * (the protocol is in {@link ListingRelayouts}). A listing's nodes lie in memory in the order
 * the keys were inserted; a page walks them in key order, so after random inserts every step
 * of a page is a cache miss. A copy made by walking the listing in key order and appending to
 * a fresh one has its nodes next to each other in key order.
 *
 * <p>The copy is made a step at a time without the append lock, while the writers keep
 * changing the live listing. Every key whose listing entry they change meanwhile (an insert, a
 * removal, a plain flag cleared) is noted here ({@link #changed}), and each noted key is then
 * made in the copy what it is in the live listing: in rounds without the lock while many are
 * noted ({@link #catchUp}; a key changed again during a round is noted again), the last few under
 * it ({@link #finish}). A key never noted was not changed during the walk, so the walk saw it as
 * it is (a key present for a whole walk is visited once, one absent throughout never); a noted
 * key is read from the live listing after its last change, at the latest under the lock.
 *
 * <p>Threads: the walk and the finish run on the background thread; {@link #changed} is called by
 * the writer holding the append lock, and so is the finish.
 */
final class Relayout {
    private final KeyListing fresh = new KeyListing();
    private final KeyBatch batch = new KeyBatch(64);
    /** The last key copied; the next step continues after it. */
    private byte[] resumeKey = new byte[0];
    private final UnsafeBuffer resumeBuffer = new UnsafeBuffer(resumeKey);
    /** Keys changed in the live listing since the walk began or the last catch-up was taken; under the lock. */
    private Changes noted = new Changes();
    /** Keys the writers changed since the walk began, every round included; written under the lock. */
    private volatile long changedSinceBegin;
    /** The listing's inserts since its last layout when this began: they count again if this is dropped. */
    private final long insertsBefore;
    private boolean closed;

    Relayout(long insertsBefore) {
        this.insertsBefore = insertsBefore;
    }

    /**
     * Copies up to {@code maxKeys} keys of {@code live} after the last one copied into the fresh
     * listing, with their plain flags. Inside a read epoch, with the live listing's memory held.
     *
     * @return true when the walk reached the end of the live listing
     */
    boolean copyStep(KeyListing live, int maxKeys) {
        int[] copied = new int[1];
        byte[][] last = new byte[1][];
        live.scan(resumeKey.length == 0 ? null : resumeBuffer, 0, resumeKey.length, false, null, 0, 0, maxKeys, batch,
                keys -> {
                    for (int i = 0; i < keys.size(); i++) {
                        fresh.insert(keys.buffer(i), keys.offset(i), keys.length(i), keys.plain(i));
                    }
                    int lastKey = keys.size() - 1;
                    last[0] = new byte[keys.length(lastKey)];
                    keys.buffer(lastKey).getBytes(keys.offset(lastKey), last[0]);
                    copied[0] += keys.size();
                    return keys.size();
                });
        if (last[0] != null) {
            resumeKey = last[0];
            resumeBuffer.wrap(resumeKey);
        }
        return copied[0] < maxKeys;
    }

    /** Notes that the live listing's entry for the key changed; under the append lock. */
    void changed(DirectBuffer key, int offset, int length) {
        noted.add(key, offset, length);
        changedSinceBegin++; // one writer at a time: the lock's holder
    }

    /** Keys changed since the walk began, each round's included: the catch-up work so far. Any thread. */
    long changedSinceBegin() {
        return changedSinceBegin;
    }

    /** The listing's inserts since its last layout when this relayout began. */
    long insertsBefore() {
        return insertsBefore;
    }

    /** How many keys were noted since the last {@link #takeChanges}; under the append lock. */
    int changesNoted() {
        return noted.count;
    }

    /** The keys noted so far, to catch up on without the lock; later ones are noted anew. Under the lock. */
    Changes takeChanges() {
        Changes taken = noted;
        noted = new Changes();
        return taken;
    }

    /**
     * Makes up to {@code maxKeys} more of {@code taken}'s keys in the fresh listing what they are
     * in {@code live} now. Without the lock, inside a read epoch, with the live listing's memory
     * held: a key a writer changes meanwhile is noted again and caught up on later.
     *
     * @return true when every key of {@code taken} was caught up on
     */
    boolean catchUp(KeyListing live, Changes taken, int maxKeys) {
        return taken.applyTo(fresh, live, maxKeys);
    }

    /**
     * Catches up on the keys noted since the last {@link #takeChanges}, then hands the fresh
     * listing over when it holds exactly as many keys as {@code live}; under the append lock,
     * after the walk ended.
     *
     * @return the fresh listing, now the caller's; null when the counts disagree (a bug: the
     *     caller keeps the live listing, which is always right)
     */
    KeyListing finish(KeyListing live) {
        noted.applyTo(fresh, live, Integer.MAX_VALUE);
        if (fresh.size() != live.size()) {
            return null;
        }
        closed = true;
        return fresh;
    }

    /** Direct memory of the fresh listing. Any thread; a recent figure. */
    long offHeapBytes() {
        return fresh.offHeapBytes();
    }

    /** Keys whose entry in the live listing changed, back to back, in the order noted. */
    static final class Changes {
        private byte[] bytes = new byte[4096];
        private int[] ends = new int[256];
        private int count;
        /** How many were caught up on. */
        private int applied;

        private void add(DirectBuffer key, int offset, int length) {
            int start = count == 0 ? 0 : ends[count - 1];
            if (start + length > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(start + length, 2 * bytes.length));
            }
            if (count == ends.length) {
                ends = Arrays.copyOf(ends, 2 * ends.length);
            }
            key.getBytes(offset, bytes, start, length);
            ends[count++] = start + length;
        }

        /**
         * Makes the next {@code maxKeys} keys in {@code fresh} what they are in {@code live}:
         * present with the live node's plain flag (which a present fresh node can only lose: a
         * flag that claims too little is always safe), or absent. Returns whether all were done.
         */
        private boolean applyTo(KeyListing fresh, KeyListing live, int maxKeys) {
            UnsafeBuffer key = new UnsafeBuffer(bytes);
            int end = (int) Math.min(count, (long) applied + maxKeys);
            for (int i = applied; i < end; i++) {
                int start = i == 0 ? 0 : ends[i - 1];
                int length = ends[i] - start;
                if (live.contains(key, start, length)) {
                    fresh.insert(key, start, length, live.isPlain(key, start, length));
                } else {
                    fresh.remove(key, start, length);
                }
            }
            applied = end;
            return applied == count;
        }
    }

    /** Frees the fresh listing unless {@link #finish} handed it over. Idempotent. */
    void discard() {
        if (!closed) {
            closed = true;
            fresh.close();
        }
    }
}
