package dev.basalt.internal.listing;

import org.agrona.DirectBuffer;

/**
 * A few consecutive listed keys, handed to a {@link Visitor} together by {@link KeyListing#scan}.
 *
 * <p>Why keys come in batches: a caller that resolves each listed key elsewhere (the store reads
 * the key's hash-index slot, then its record) waits for two cache misses per key when it does
 * so one key at a time, and the second miss of a key depends on the first. Given several keys
 * at once, it can issue the first loads of every key before it needs any result, so that the
 * misses overlap instead of following one another.
 *
 * <p>The key bytes point into the listing's nodes. They stay readable for as long as the scan's
 * reader stays inside its read epoch (the reclaim protocol in {@link KeyListing}), so a visitor
 * may read them any number of times during its call; it must copy what it keeps after it.
 * A key may have been removed since it was batched, as with any listed key a scan visits.
 *
 * <p>One reader's scratch space: reused by every batch of a scan, never shared between threads.
 */
public final class KeyBatch {
    private final DirectBuffer[] buffers;
    private final int[] offsets;
    private final int[] lengths;
    private final boolean[] plain;
    private int size;
    /** A descending walk's last search, which the next step back starts from. */
    final ListingWalk.SearchPath path = new ListingWalk.SearchPath();

    /**
     * @param capacity the most keys one batch holds, {@code >= 1}; the scan hands over fewer when
     *                 fewer keys are left to count or the range ends
     */
    public KeyBatch(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity=" + capacity + " must be >= 1");
        }
        buffers = new DirectBuffer[capacity];
        offsets = new int[capacity];
        lengths = new int[capacity];
        plain = new boolean[capacity];
    }

    public int capacity() {
        return buffers.length;
    }

    /** How many keys this batch holds, {@code 1..capacity()} during a visit. */
    public int size() {
        return size;
    }

    /** The buffer that holds key {@code i} (in key order within the batch); read-only. */
    public DirectBuffer buffer(int i) {
        return buffers[i];
    }

    public int offset(int i) {
        return offsets[i];
    }

    public int length(int i) {
        return lengths[i];
    }

    /**
     * Whether key {@code i}'s node was flagged plain when the scan passed it: its live record then
     * had no expiration and no metadata, so a page may list it without reading the record
     * ({@link NodeLayout}). False says nothing.
     */
    public boolean plain(int i) {
        return plain[i];
    }

    /** Hands this batch to {@code visitor}; returns how many keys it counted, checked against the size. */
    int visitedBy(Visitor visitor) {
        final int counted = visitor.visit(this);
        if (counted < 0 || counted > size) {
            throw new IllegalStateException("the visitor counted " + counted + " keys of a batch of " + size);
        }
        return counted;
    }

    /** Empties the batch, to be filled again by the scan or by its owner ({@link #add}). */
    public void clear() {
        size = 0;
    }

    /**
     * Appends a key: the scan's way of filling the batch, and its owner's when it hands keys of
     * its own to a {@link Visitor} (a page that merges keys the listing owes into its walk).
     *
     * @throws ArrayIndexOutOfBoundsException when the batch is full
     */
    public void add(DirectBuffer buffer, int offset, int length, boolean plainKey) {
        buffers[size] = buffer;
        offsets[size] = offset;
        lengths[size] = length;
        plain[size] = plainKey;
        size++;
    }

    /** Receives the keys of a {@link KeyListing#scan}, a batch at a time. */
    @FunctionalInterface
    public interface Visitor {
        /**
         * One batch of keys, in ascending order, each after every key of the batches before it.
         *
         * @return how many of the batch's keys count toward the scan's {@code maxKeys},
         *     {@code 0..batch.size()}; a key that does not count (for example one the caller
         *     finds expired) is skipped
         */
        int visit(KeyBatch batch);
    }
}
