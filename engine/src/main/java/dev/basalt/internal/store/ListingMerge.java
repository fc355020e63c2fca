package dev.basalt.internal.store;

import dev.basalt.internal.index.HashIndex;
import dev.basalt.internal.listing.KeyBatch;
import dev.basalt.internal.listing.KeyListing;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A large {@link ListingBacklog} paid by building the listing again instead of inserting into
 * it: the live listing is walked in key order, the owed keys (sorted) are merged in, and every
 * key is appended to a fresh listing, which then replaces the live one. After an open from a
 * checkpoint the live listing is the checkpoint's, whose nodes lie where the checkpoint found
 * them; an owed key inserted into it costs a descent through nodes no other insert touched lately
 * (about 1.1 µs a key at 10 M keys, 0.65 µs at 1 M), an append to a fresh listing about a tenth
 * of that (107-114 ns a key measured warm, walked or owed), plus a cache miss for each listed key
 * the walk reaches where the listing lies scattered. So the merge wins once a listing owes more
 * than about a tenth of its keys ({@link ListingBacklog#mergesInto}), and leaves the listing laid
 * out in key order besides (figures: {@code docs/benchmarks.md}, "A large backlog merged").
 *
 * <p>Why it may run without the append lock: it builds on what the open's replay noted of each
 * owed key, which stands only while nothing has changed the namespace since the open
 * ({@link NamespaceState#keyChangesSinceOpen()} is 0; compaction's moves count). The caller checks
 * that before the first step and again under the lock before the fresh listing replaces the live
 * one; a change in between discards the copy, and the backlog is paid key by key as before. A
 * walk beside a writer is as safe as a list page's: each step runs in a read epoch with the
 * namespaces' memory held, and resumes after the last key it copied.
 *
 * <p>Threads: {@link ListingCatchUp}'s, with the backlog's monitor held; one step at a time.
 */
final class ListingMerge {
    /**
     * Keys appended per step: 2-5 ms, the walk of a scattered listing being the slow end; a drop,
     * a reclaim or a list of the namespace waits for at most one step.
     */
    static final int KEYS_PER_STEP = 16_384;

    private final OwedKeys owed;
    private final KeyListing fresh = new KeyListing();
    private final KeyBatch batch = new KeyBatch(64);
    /** The last live key copied; the next step resumes after it. */
    private byte[] resumeKey = new byte[0];
    private final UnsafeBuffer resumeBuffer = new UnsafeBuffer(resumeKey);
    /** The next owed key, by its index in key order. */
    private int nextOwed;
    private boolean walked;
    private boolean handedOver;

    /** Merges {@code owed}, which must be sorted ({@link OwedKeys#sortOnce}). */
    ListingMerge(OwedKeys owed) {
        this.owed = owed;
    }

    /**
     * Appends about {@code maxKeys} more keys to the fresh listing: the live listing's next ones
     * with the owed keys that sort before or equal to them, and once the walk ended, the owed keys
     * after the last listed one. Inside a read epoch, with the namespaces' memory held.
     *
     * @return true when every key is in the fresh listing
     */
    boolean step(KeyListing live, NamespaceState ns, int maxKeys) {
        if (!walked) {
            int[] copied = new int[1];
            live.scan(resumeKey.length == 0 ? null : resumeBuffer, 0, resumeKey.length, false, null, 0, 0, maxKeys,
                    batch, keys -> {
                        for (int i = 0; i < keys.size(); i++) {
                            mergeListed(keys.buffer(i), keys.offset(i), keys.length(i), keys.plain(i), ns);
                        }
                        rememberLast(keys);
                        copied[0] += keys.size();
                        return keys.size();
                    });
            walked = copied[0] < maxKeys;
            return false;
        }
        int end = Math.min(owed.size(), nextOwed + maxKeys);
        while (nextOwed < end) {
            appendOwed(true, ns);
        }
        return nextOwed == owed.size();
    }

    /** One live key: the owed keys before it first, then it, as the owed entry for it says if there is one. */
    private void mergeListed(DirectBuffer key, int offset, int length, boolean plain, NamespaceState ns) {
        int order = 1;
        while (nextOwed < owed.size() && (order = owed.compare(nextOwed, key, offset, length)) < 0) {
            appendOwed(true, ns);
        }
        if (order == 0) {
            appendOwed(plain, ns); // the tail changed it: listed only if still indexed
        } else {
            fresh.insert(key, offset, length, plain);
        }
    }

    /**
     * Appends the next owed key if the replay left it indexed, flagged plain only if its record is
     * and {@code listedPlain} (a flag may claim too little, never too much).
     */
    private void appendOwed(boolean listedPlain, NamespaceState ns) {
        int rank = nextOwed++;
        long location = owed.noted(rank);
        if (location == HashIndex.NO_LOCATION) {
            return;
        }
        byte noted = owed.plainness(rank);
        boolean plain = noted == OwedKeys.UNKNOWN ? ns.isPlain(location) : noted == OwedKeys.PLAIN;
        fresh.insert(owed.keys(), owed.keyOffset(rank), owed.keyLength(rank), plain && listedPlain);
    }

    private void rememberLast(KeyBatch keys) {
        int last = keys.size() - 1;
        if (last < 0) {
            return;
        }
        if (resumeKey.length != keys.length(last)) {
            resumeKey = new byte[keys.length(last)];
            resumeBuffer.wrap(resumeKey);
        }
        keys.buffer(last).getBytes(keys.offset(last), resumeKey);
    }

    /** The fresh listing, now the caller's to publish; after the last {@link #step}. */
    KeyListing handOver() {
        handedOver = true;
        return fresh;
    }

    /** Frees the fresh listing unless it was handed over; no reader ever saw it. Idempotent. */
    void discard() {
        if (!handedOver) {
            handedOver = true;
            fresh.close();
        }
    }

    /** Direct memory of the fresh listing so far; a recent figure. */
    long offHeapBytes() {
        return handedOver ? 0 : fresh.offHeapBytes();
    }
}
