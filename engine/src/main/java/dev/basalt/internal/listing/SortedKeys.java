package dev.basalt.internal.listing;

import java.util.Arrays;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Keys gathered in any order, each copied once into one growing array with a flag beside it,
 * and put in key order (unsigned bytes) by one primitive sort: what {@link SortedInserts} batches
 * for a listing, and what an open leaves for a listing to catch up on after it.
 *
 * <p>Why not a {@code TreeSet} of byte arrays: an open gathers hundreds of thousands of keys, and
 * an object apiece plus a comparison sort cost more than the inserts they save (see
 * {@link #sortedOrder}).
 *
 * <p>Threads: one at a time.
 */
public final class SortedKeys {
    /** Runs of keys alike in their sorted bytes up to this long are sorted by insertion. */
    private static final int INSERTION_SORT_MAX = 16;

    private byte[] keyBytes = new byte[16 * 1024];
    /** Key i is {@code keyBytes[keyStarts[i], keyStarts[i + 1])}. */
    private int[] keyStarts = new int[1025];
    private boolean[] flags = new boolean[1024];
    private UnsafeBuffer view = new UnsafeBuffer(keyBytes);
    private int size;

    /**
     * Adds a copy of the key with {@code flag}.
     *
     * @throws IllegalArgumentException if the key is not 1..512 bytes within the buffer
     */
    public void add(DirectBuffer key, int offset, int length, boolean flag) {
        KeyBounds.checkKey(key, offset, length);
        ensureRoom(length);
        int at = keyStarts[size];
        key.getBytes(offset, keyBytes, at, length);
        keyStarts[size + 1] = at + length;
        flags[size] = flag;
        size++;
    }

    public int size() {
        return size;
    }

    /**
     * Takes {@code keyBytes} and {@code keyStarts} as this object's own, holding {@code size}
     * keys (key i is {@code keyBytes[keyStarts[i], keyStarts[i + 1])}), each flagged false: keys
     * gathered elsewhere are not copied again (an open's tail owes the listing hundreds of
     * thousands, and fresh memory for a copy cost more than the copying). The caller makes no
     * further use of the arrays. Only while empty.
     *
     * @throws IllegalStateException if keys were added
     * @throws IllegalArgumentException if the starts cannot hold {@code size} keys from 0, or the
     *         last key ends past the bytes
     */
    public void adopt(byte[] keyBytes, int[] keyStarts, int size) {
        if (this.size != 0) {
            throw new IllegalStateException("keys can be adopted only by an empty SortedKeys; it holds " + this.size);
        }
        if (size < 0 || size >= keyStarts.length || keyStarts[0] != 0 || keyStarts[size] > keyBytes.length) {
            throw new IllegalArgumentException("key starts that do not describe " + size + " keys in "
                    + keyBytes.length + " bytes");
        }
        this.keyBytes = keyBytes;
        this.keyStarts = keyStarts;
        this.flags = new boolean[keyStarts.length - 1];
        this.view = new UnsafeBuffer(keyBytes);
        this.size = size;
    }

    /** Bytes of all keys added. */
    public int keyBytes() {
        return keyStarts[size];
    }

    /**
     * Copies the keys' bytes into {@code bytes} and where each starts into {@code starts}
     * ({@code size() + 1} entries, the last the end), in their present order; the arrays must
     * hold them.
     */
    public void copyInto(byte[] bytes, int[] starts) {
        System.arraycopy(keyBytes, 0, bytes, 0, keyStarts[size]);
        System.arraycopy(keyStarts, 0, starts, 0, size + 1);
    }

    /** A copy of the keys' bytes, {@link #keyBytes()} long, in their present order; two array copies. */
    public byte[] keyBytesCopy() {
        return Arrays.copyOf(keyBytes, keyStarts[size]);
    }

    /** A copy of where each key starts in {@link #keyBytesCopy()}, {@code size() + 1} entries (the last: the end). */
    public int[] keyStartsCopy() {
        return Arrays.copyOf(keyStarts, size + 1);
    }

    /** The buffer every key lies in; valid until the next {@link #add}. */
    public DirectBuffer keys() {
        return view;
    }

    public int keyOffset(int key) {
        return keyStarts[key];
    }

    public int keyLength(int key) {
        return keyStarts[key + 1] - keyStarts[key];
    }

    public boolean flag(int key) {
        return flags[key];
    }

    /** Negative, zero or positive as key {@code key} sorts before, equal to or after {@code other}'s bytes. */
    public int compare(int key, DirectBuffer other, int offset, int length) {
        return UnsignedBytes.compare(view, keyStarts[key], keyLength(key), other, offset, length);
    }

    /**
     * Puts the keys themselves in key order ({@link #sortedOrder}), so that a walk through them
     * by index reads memory in sequence, and returns where each came from: the key now at index
     * {@code i} was added {@code from[i]}-th, which the caller uses to reorder what it keeps
     * beside each key. One copy of the keys (random reads that do not wait on each other); a walk
     * in key order through {@link #sortedOrder} instead waits on a cache miss for each key.
     */
    public int[] sortInPlace() {
        int[] from = sortedOrder();
        byte[] sortedBytes = new byte[keyBytes.length];
        int[] sortedStarts = new int[keyStarts.length];
        boolean[] sortedFlags = new boolean[flags.length];
        int at = 0;
        for (int i = 0; i < size; i++) {
            int key = from[i];
            int length = keyLength(key);
            System.arraycopy(keyBytes, keyStarts[key], sortedBytes, at, length);
            sortedFlags[i] = flags[key];
            at += length;
            sortedStarts[i + 1] = at;
        }
        keyBytes = sortedBytes;
        keyStarts = sortedStarts;
        flags = sortedFlags;
        view = new UnsafeBuffer(keyBytes);
        return from;
    }

    /** Forgets every key, keeping the memory. */
    public void clear() {
        size = 0;
    }

    /**
     * The keys' indexes in key order (unsigned bytes), equal keys in the order added.
     *
     * <p>Each key is first ordered by the eight bytes after the keys' common prefix (zero past the
     * key's end), by a least-significant-byte radix sort that carries the key's index and skips
     * the bytes every key has alike; being stable, it keeps keys that agree in those bytes in the
     * order added, and only such runs need the keys compared in full. Why not one primitive sort
     * of the eight bytes with the index packed into their low bits, as before: at 4 M keys from a
     * range of 10 M the index took 22 of the 64 bits, so runs of about a hundred keys tied and
     * were compared in full; that took 950 ms, the radix sort takes a fraction of it
     * ({@code docs/benchmarks.md}, "A large backlog merged"). Memory: 24 bytes a key while it runs.
     */
    public int[] sortedOrder() {
        int[] order = new int[size];
        if (size == 0) {
            return order;
        }
        int skip = commonPrefixLength();
        long[] windows = new long[size];
        int[][] counts = new int[Long.BYTES][257];
        for (int i = 0; i < size; i++) {
            long window = window(i, skip);
            windows[i] = window;
            order[i] = i;
            for (int b = 0; b < Long.BYTES; b++) {
                counts[b][(int) (window >>> 8 * b) & 0xff]++;
            }
        }
        long[] windowsOut = new long[size];
        int[] orderOut = new int[size];
        for (int b = 0; b < Long.BYTES; b++) {
            int[] count = counts[b];
            if (count[(int) (windows[0] >>> 8 * b) & 0xff] == size) {
                continue; // every key has this byte alike
            }
            for (int value = 0, start = 0; value < 256; value++) {
                int n = count[value];
                count[value] = start;
                start += n;
            }
            for (int i = 0; i < size; i++) {
                int to = count[(int) (windows[i] >>> 8 * b) & 0xff]++;
                windowsOut[to] = windows[i];
                orderOut[to] = order[i];
            }
            long[] w = windows;
            windows = windowsOut;
            windowsOut = w;
            int[] o = order;
            order = orderOut;
            orderOut = o;
        }
        int runStart = 0;
        for (int i = 1; i <= size; i++) {
            if (i == size || windows[i] != windows[runStart]) {
                if (i - runStart > 1) {
                    sortStably(order, runStart, i);
                }
                runStart = i;
            }
        }
        return order;
    }

    /** How many leading bytes every key shares with the first. */
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
     * merged, so no sort is slower than a merge sort of all the keys.
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
        int needed = keyStarts[size] + length;
        growTo(size + 1 == keyStarts.length ? 2 * keyStarts.length : keyStarts.length,
                needed > keyBytes.length ? Math.max(needed, 2 * keyBytes.length) : keyBytes.length);
    }

    /** Grows the arrays to hold {@code starts} key starts and {@code bytes} key bytes, if smaller. */
    private void growTo(int starts, int bytes) {
        if (starts > keyStarts.length) {
            keyStarts = Arrays.copyOf(keyStarts, starts);
            flags = Arrays.copyOf(flags, starts - 1);
        }
        if (bytes > keyBytes.length) {
            keyBytes = Arrays.copyOf(keyBytes, bytes);
            view = new UnsafeBuffer(keyBytes);
        }
    }
}
