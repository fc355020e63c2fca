package dev.basalt.internal.store;

import dev.basalt.internal.index.HashIndex;
import dev.basalt.internal.index.KeyHash;
import dev.basalt.internal.index.SlotLookAhead;
import dev.basalt.internal.listing.KeyBatch;
import dev.basalt.internal.log.Locations;
import dev.basalt.internal.log.Segment;
import dev.basalt.internal.log.SegmentLog;
import org.agrona.DirectBuffer;

/**
 * Starts the memory loads of a batch of listed keys before any of them is resolved.
 *
 * <p>A {@code list} page confirms each listed key against the hash index and reads its
 * record's header (is it live, when does it expire, has it metadata). Those are two loads at
 * unrelated addresses per key, the second found by the first, after the listing's node that
 * named the key; resolved one key at a time, a page of 1000 keys waits for some 3000 cache
 * misses in a row (75 % of a page's time at 1 M keys, docs/listing.md). Given a batch of
 * consecutive keys, this first finds every key's candidate location in the index, then loads
 * every candidate record's first word: within each step one key's loads do not wait for
 * another's, so the processor overlaps their misses. The page then resolves the keys one by one
 * as before, from cache. The walk from node to node stays serial: each node names the next.
 * A key the listing flagged plain needs neither load (a page lists it from its node), so it is
 * left out of both steps.
 *
 * <p>One reader's scratch space for one page, inside its read epoch (so no segment it loads
 * from is unmapped meanwhile); allocation-free once built.
 */
final class ListedLookAhead {
    /**
     * Keys per batch: enough for the loads of one step to fill the processor's outstanding-miss
     * slots (about a dozen per core on current x86); batches of 64 measured no faster
     * (docs/listing.md). A batch never holds more keys than the page has left to count.
     */
    static final int BATCH_KEYS = 16;

    private final HashIndex index;
    private final SegmentLog log;
    private final long hashSeed;
    /** Whether a plain key is resolved from its node (a page of keys) or, like any other, from its record. */
    private final boolean plainFromNode;
    private final KeyBatch batch = new KeyBatch(BATCH_KEYS);
    private final long[] hashes = new long[BATCH_KEYS];
    /** The hashes of the batch's keys that are not plain, in order. */
    private final long[] loadHashes = new long[BATCH_KEYS];
    private final long[] candidates = new long[BATCH_KEYS];
    /** Every batch's loaded words end up here, so that the compiler keeps the loads. */
    private long sink;

    /**
     * @param plainFromNode true when the resolver lists a key flagged plain from its node (a page
     *                      of keys needs nothing else of it); false when it needs every key's
     *                      record (a range of values), so every key is looked up
     */
    ListedLookAhead(HashIndex index, SegmentLog log, long hashSeed, boolean plainFromNode) {
        this.index = index;
        this.log = log;
        this.hashSeed = hashSeed;
        this.plainFromNode = plainFromNode;
    }

    /** The batch to scan into. */
    KeyBatch batch() {
        return batch;
    }

    /**
     * Resolves one listed key whose hash is known (when not {@code plain}); true when it counts
     * toward the page.
     */
    @FunctionalInterface
    interface ListedKey {
        /**
         * @param plain the listing flagged the key plain ({@code KeyBatch.plain}) and the look-ahead
         *              resolves plain keys from their nodes: its hash is not computed and no load
         *              was started for it
         */
        boolean resolve(DirectBuffer key, int offset, int length, boolean plain, long keyHash);
    }

    /**
     * The visitor of a scan or walk into {@link #batch}: for each batch it starts the loads
     * ({@link #start}), then hands the keys to {@code resolver} in order and counts those it counts.
     */
    KeyBatch.Visitor visitor(ListedKey resolver) {
        return keys -> {
            start(keys);
            int counted = 0;
            for (int i = 0; i < keys.size(); i++) {
                if (resolver.resolve(keys.buffer(i), keys.offset(i), keys.length(i), fromNode(keys, i), hashes[i])) {
                    counted++;
                }
            }
            return counted;
        };
    }

    private boolean fromNode(KeyBatch keys, int i) {
        return plainFromNode && keys.plain(i);
    }

    /**
     * Hashes every key of {@code keys} not flagged plain and starts the loads of its slot and its
     * record; a plain key needs neither.
     */
    private void start(KeyBatch keys) {
        int toLoad = 0;
        for (int i = 0; i < keys.size(); i++) {
            if (!fromNode(keys, i)) {
                hashes[i] = KeyHash.hash(hashSeed, keys.buffer(i), keys.offset(i), keys.length(i));
                loadHashes[toLoad++] = hashes[i];
            }
        }
        if (toLoad == 0) {
            return;
        }
        SlotLookAhead.candidates(index, loadHashes, candidates, toLoad);
        long mix = 0;
        for (int i = 0; i < toLoad; i++) {
            final long location = candidates[i];
            if (location >= 0) {
                final Segment segment = log.segment(Locations.segmentId(location));
                if (segment != null) {
                    mix += segment.buffer().getLong(Locations.offset(location));
                }
            }
        }
        sink = mix;
    }
}
