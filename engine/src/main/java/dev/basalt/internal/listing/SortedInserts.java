package dev.basalt.internal.listing;

import java.util.Arrays;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Many keys bound for one {@link KeyListing}, inserted in key order rather than in the order
 * they arrive: what an open does with every key of a namespace rebuilt from the log, and with
 * the new keys of a log tail replayed after a checkpoint. Keys are copied into one array and,
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
    private byte[] keyBytes = new byte[16 * 1024];
    /** Key i is {@code keyBytes[keyStarts[i], keyStarts[i + 1])}. */
    private int[] keyStarts = new int[1025];
    /** Whether key i is flagged plain ({@link KeyListing#insert(DirectBuffer, int, int, boolean)}). */
    private boolean[] plain = new boolean[1024];
    private int size;

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
        if (size == maxKeys || keyStarts[size] + length > maxBytes) {
            flush();
        }
        ensureRoom(length);
        int at = keyStarts[size];
        key.getBytes(offset, keyBytes, at, length);
        keyStarts[size + 1] = at + length;
        plain[size] = plainKey;
        size++;
    }

    /** Inserts every queued key, in key order. */
    public void flush() {
        int[] order = sortedOrder();
        UnsafeBuffer keys = new UnsafeBuffer(keyBytes);
        for (int entry : order) {
            listing.insert(keys, keyStarts[entry], keyStarts[entry + 1] - keyStarts[entry], plain[entry]);
        }
        size = 0;
    }

    /** The queued keys' indexes in key order (unsigned bytes), equal keys in arrival order. */
    int[] sortedOrder() {
        int[] source = new int[size];
        Arrays.setAll(source, i -> i);
        int[] target = new int[size];
        for (int width = 1; width < size; width *= 2) {
            for (int start = 0; start < size; start += 2 * width) {
                merge(source, start, Math.min(start + width, size), Math.min(start + 2 * width, size), target);
            }
            int[] swap = source;
            source = target;
            target = swap;
        }
        return source;
    }

    private void merge(int[] from, int start, int middle, int end, int[] to) {
        int left = start;
        int right = middle;
        for (int out = start; out < end; out++) {
            if (right == end || left < middle && compareKeys(from[left], from[right]) <= 0) {
                to[out] = from[left++];
            } else {
                to[out] = from[right++];
            }
        }
    }

    private int compareKeys(int a, int b) {
        return Arrays.compareUnsigned(keyBytes, keyStarts[a], keyStarts[a + 1], keyBytes, keyStarts[b],
                keyStarts[b + 1]);
    }

    private void ensureRoom(int length) {
        if (size + 1 == keyStarts.length) {
            keyStarts = Arrays.copyOf(keyStarts, 2 * keyStarts.length);
            plain = Arrays.copyOf(plain, keyStarts.length - 1);
        }
        int needed = keyStarts[size] + length;
        if (needed > keyBytes.length) {
            keyBytes = Arrays.copyOf(keyBytes, Math.max(needed, 2 * keyBytes.length));
        }
    }
}
