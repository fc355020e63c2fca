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
    /** Runs of keys alike in their sorted bytes up to this long are sorted by insertion. */
    private static final int INSERTION_SORT_MAX = 16;

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

    /**
     * The queued keys' indexes in key order (unsigned bytes), equal keys in arrival order.
     *
     * <p>Each key becomes one {@code long}: the eight bytes after the batch's common prefix
     * (zero past the key's end), their lowest bits replaced by the key's index, so one primitive
     * sort orders the batch by those bytes and, among keys that agree in them, by arrival. Only
     * such runs need the keys compared in full. At 1 M keys a replayed tail's 172,000 keys took
     * 52-102 ms to sort by comparing keys, and 16-18 ms so.
     */
    int[] sortedOrder() {
        int[] order = new int[size];
        if (size == 0) {
            return order;
        }
        int indexBits = Math.max(1, 32 - Integer.numberOfLeadingZeros(size - 1));
        long indexMask = (1L << indexBits) - 1;
        int skip = commonPrefixLength();
        long[] packed = new long[size];
        for (int i = 0; i < size; i++) {
            // Sign bit flipped, so that the signed sort orders the bytes as unsigned.
            packed[i] = (window(i, skip) & ~indexMask | i) ^ Long.MIN_VALUE;
        }
        Arrays.sort(packed);
        for (int i = 0; i < size; i++) {
            order[i] = (int) (packed[i] & indexMask);
        }
        int runStart = 0;
        for (int i = 1; i <= size; i++) {
            if (i == size || (packed[i] & ~indexMask) != (packed[runStart] & ~indexMask)) {
                if (i - runStart > 1) {
                    sortStably(order, runStart, i);
                }
                runStart = i;
            }
        }
        return order;
    }

    /** How many leading bytes every queued key shares with the first. */
    private int commonPrefixLength() {
        int common = keyStarts[1];
        for (int i = 1; i < size && common > 0; i++) {
            int mismatch = Arrays.mismatch(keyBytes, 0, common, keyBytes, keyStarts[i],
                    keyStarts[i] + Math.min(common, keyStarts[i + 1] - keyStarts[i]));
            if (mismatch >= 0) {
                common = mismatch;
            }
        }
        return common;
    }

    /** Key {@code i}'s eight bytes from {@code skip} on, big-endian, zero past its end. */
    private long window(int i, int skip) {
        int from = keyStarts[i] + skip;
        int to = Math.min(keyStarts[i + 1], from + Long.BYTES);
        long word = 0;
        for (int at = from; at < to; at++) {
            word = word << 8 | (keyBytes[at] & 0xff);
        }
        return word << 8 * (Long.BYTES - (to - from));
    }

    /**
     * Sorts {@code order[from, to)} by the keys in full; equal keys keep their order. Runs are
     * short unless many keys share more than eight bytes past the common prefix; a long run is
     * merged, so no batch sorts slower than a merge sort of all its keys.
     */
    private void sortStably(int[] order, int from, int to) {
        if (to - from <= INSERTION_SORT_MAX) {
            for (int i = from + 1; i < to; i++) {
                int entry = order[i];
                int at = i;
                while (at > from && compareKeys(order[at - 1], entry) > 0) {
                    order[at] = order[at - 1];
                    at--;
                }
                order[at] = entry;
            }
            return;
        }
        int length = to - from;
        int[] source = Arrays.copyOfRange(order, from, to);
        int[] target = new int[length];
        for (int width = 1; width < length; width *= 2) {
            for (int start = 0; start < length; start += 2 * width) {
                merge(source, start, Math.min(start + width, length), Math.min(start + 2 * width, length), target);
            }
            int[] swap = source;
            source = target;
            target = swap;
        }
        System.arraycopy(source, 0, order, from, length);
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
