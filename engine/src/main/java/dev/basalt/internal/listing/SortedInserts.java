package dev.basalt.internal.listing;

import org.agrona.DirectBuffer;

/**
 * Many keys bound for one {@link KeyListing}, inserted in key order rather than in the order
 * they arrive: what an open does with every key of a namespace rebuilt from the log, and with
 * the new keys of a log tail replayed after a checkpoint. Keys are copied ({@link SortedKeys}) and,
 * once {@link #MAX_KEYS} of them or {@link #MAX_BYTES} of key bytes are gathered (or at
 * {@link #flush}), sorted and inserted.
 *
 * <p>Why: in the arriving order (hash order, or the log's) each insert descends the listing
 * from its head through memory no other insert touched lately; sorted, each starts from the
 * previous one ({@link InsertFinger}), and a batch's nodes are laid out in key order. At 1 M
 * keys, the 181,000 new keys of a replayed tail took 450 ms in the log's order and about 200 ms
 * sorted; a full replay of the 1 M keys opened in 2.9 s instead of 3.5-3.9. Batches bound the
 * memory: a later batch's keys fall between the earlier batches' keys, a few listed keys apart
 * (about one per earlier batch), which the finger still reaches.
 *
 * <p>Threads: the listing's writer.
 */
public final class SortedInserts {
    /** Keys per batch. */
    static final int MAX_KEYS = 1 << 18;
    /** Key bytes per batch: 8 MiB, so a batch of long keys stays a few MiB of heap too. */
    static final int MAX_BYTES = 8 << 20;

    private final KeyListing listing;
    private final int maxKeys;
    private final int maxBytes;
    private final SortedKeys batch = new SortedKeys();

    /** Inserts into {@code listing}, in batches of the default size. */
    public SortedInserts(KeyListing listing) {
        this(listing, MAX_KEYS, MAX_BYTES);
    }

    /** With batches of at most {@code maxKeys} keys and {@code maxBytes} key bytes; for tests. */
    SortedInserts(KeyListing listing, int maxKeys, int maxBytes) {
        this.listing = listing;
        this.maxKeys = maxKeys;
        this.maxBytes = Math.max(maxBytes, NodeLayout.MAX_KEY_BYTES);
    }

    /**
     * Queues the key (copied), not flagged plain; inserts the batch when it is full.
     *
     * @throws IllegalArgumentException if the key is not 1..512 bytes within the buffer
     */
    public void add(DirectBuffer key, int offset, int length) {
        add(key, offset, length, false);
    }

    /**
     * Queues the key (copied), flagged {@code plain} when its live record has no expiration and
     * no metadata; inserts the batch when it is full.
     *
     * @throws IllegalArgumentException if the key is not 1..512 bytes within the buffer
     */
    public void add(DirectBuffer key, int offset, int length, boolean plainKey) {
        KeyBounds.checkKey(key, offset, length);
        if (batch.size() == maxKeys || batch.keyBytes() + length > maxBytes) {
            flush();
        }
        batch.add(key, offset, length, plainKey);
    }

    /** Inserts every queued key, in key order. */
    public void flush() {
        DirectBuffer keys = batch.keys();
        for (int key : batch.sortedOrder()) {
            listing.insert(keys, batch.keyOffset(key), batch.keyLength(key), batch.flag(key));
        }
        batch.clear();
    }

    /** The queued keys' indexes in key order ({@link SortedKeys#sortedOrder}). */
    int[] sortedOrder() {
        return batch.sortedOrder();
    }
}
