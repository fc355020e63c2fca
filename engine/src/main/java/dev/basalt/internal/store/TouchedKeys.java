package dev.basalt.internal.store;

import dev.basalt.internal.log.ByteRanges;
import dev.basalt.internal.log.LogFormat;
import dev.basalt.internal.log.Records;
import java.util.Arrays;
import org.agrona.DirectBuffer;
import org.agrona.collections.Hashing;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The keys of a checkpointed namespace that the replay after the checkpoint changed, in the
 * order first touched, with the location each had in the checkpoint: what the open reconciles
 * the listing, the live figures and the expiry ledger against.
 *
 * <p>The replay {@link #add}s a key when its index lookup shows it untouched (no location, or
 * one in the checkpoint); that is each key once, but for two rare cases (a namespace dropped
 * after the checkpoint, which the replay flags; a record replayed unread from a hint file whose
 * damaged key bytes make its key look untouched again, which the sweep of the replayed slots
 * finds), which {@link #withoutRepeats} then cleans up.
 *
 * <p>Why not a {@code HashMap} of key strings, as before: a crash after a long tail touches
 * hundreds of thousands of keys, and a string, an array and a map entry apiece cost more than
 * the rest of the replay's bookkeeping (170-250 ms of a 1.2 s open at 200,000 overwrites,
 * measured); so did a primitive map probed at every touch (180-230 ms, mostly fresh memory).
 * Here a key's bytes go into one growing array and its figures into parallel primitive arrays.
 * Keys are compared as the replay delivered them (a hint's or a verified record's), never
 * re-read from a record that might be damaged. The keys the listing then owes stay in these
 * arrays and are handed to its backlog ({@link #keep}, {@link #keptAsOwed}), not copied.
 *
 * <p>Threads: one, at open.
 */
final class TouchedKeys {
    private static final long NONE = -1;
    /** Most entries {@link #reserve} makes room for (about 180 MB with their keys). */
    private static final int MAX_RESERVED = 1 << 22;
    /** The key length {@link #reserve} makes room for: the benchmarks' keys, and a common size. */
    private static final int TYPICAL_KEY_BYTES = 16;

    private long[] keyHashes = new long[1024];
    private long[] befores = new long[1024];
    private long[] firstLocations = new long[1024];
    private byte[] firstKinds = new byte[1024];
    private int[] firstLengths = new int[1024];
    /** Entry i's key is {@code keyBytes[keyStarts[i], keyStarts[i + 1])}. */
    private int[] keyStarts = new int[1025];
    private byte[] keyBytes = new byte[16 * 1024];
    private final UnsafeBuffer keys = new UnsafeBuffer(keyBytes);
    private int size;

    /** What the record that first touched a key was, as far as the replay read it. */
    static final byte UNREAD = 0;
    /** A put with an expiration or metadata whose checksums the replay verified. */
    static final byte CHECKED_PUT = 1;
    /** A tombstone whose checksums the replay verified. */
    static final byte CHECKED_TOMBSTONE = 2;
    /** A put without expiration or metadata (a plain key's) whose checksums the replay verified. */
    static final byte CHECKED_PLAIN_PUT = 3;

    /**
     * Records {@code key}, first touched now, with {@code before}, its location in the
     * checkpoint, and {@code first}, the record that touched it, of kind {@code firstKind}
     * ({@link #UNREAD} when it came from a hint file and was not read) and {@code firstLength}
     * bytes long.
     */
    void add(long keyHash, DirectBuffer key, int offset, int length, long before, long first, byte firstKind,
            int firstLength) {
        ensureRoom(length);
        int at = keyStarts[size];
        key.getBytes(offset, keyBytes, at, length);
        keyStarts[size + 1] = at + length;
        keyHashes[size] = keyHash;
        befores[size] = before;
        firstLocations[size] = first;
        firstKinds[size] = firstKind;
        firstLengths[size] = firstLength;
        size++;
    }

    /** The kind of the record at {@code offset}, whose header verified: what it says of itself. */
    static byte kindOf(DirectBuffer segment, int offset) {
        if (Records.type(segment, offset) == LogFormat.TYPE_TOMBSTONE) {
            return CHECKED_TOMBSTONE;
        }
        return Records.isPlain(segment, offset) ? CHECKED_PLAIN_PUT : CHECKED_PUT;
    }

    /**
     * Entry {@code entry}'s first record, {@link #UNREAD} when the replay indexed it from a hint
     * file, was read since and verified: it is of kind {@code kind}.
     */
    void read(int entry, byte kind) {
        firstKinds[entry] = kind;
    }

    /**
     * Keeps entry {@code entry}'s key as the {@code kept}-th key the listing owes, noted at
     * {@code noted} with {@code plain} ({@link OwedKeys}' figures), where this object's arrays
     * hold it: its bytes move down over the entries not kept, and the noted figures take the
     * place of its first record's. Entries are kept in increasing order, {@code kept <= entry},
     * and each entry's own figures are read before it is kept; entries before {@code entry} are
     * not read again ({@link #keptAsOwed} then hands the kept keys over).
     */
    void keep(int entry, int kept, long noted, byte plain) {
        int from = keyStarts[entry];
        int length = keyStarts[entry + 1] - from;
        int to = keyStarts[kept];
        if (to != from) {
            System.arraycopy(keyBytes, from, keyBytes, to, length);
        }
        keyStarts[kept + 1] = to + length;
        firstLocations[kept] = noted;
        firstKinds[kept] = plain;
    }

    /**
     * The {@code kept} keys {@link #keep} kept, owed, in this object's own arrays, without a
     * copy: a load's tail owes the listing every key it touched, and fresh memory for hundreds
     * of thousands of keys cost a tenth of a 1 M-key open after a kill. This object is spent.
     */
    OwedKeys keptAsOwed(int kept) {
        OwedKeys owed = new OwedKeys();
        owed.adopt(keyBytes, keyStarts, firstLocations, firstKinds, kept);
        keyBytes = null;
        keyStarts = null;
        firstLocations = null;
        firstKinds = null;
        keys.wrap(new byte[0]);
        size = 0;
        return owed;
    }

    /** The entries with each key once, at its first entry (whose location is the checkpoint's), in order. */
    TouchedKeys withoutRepeats() {
        TouchedKeys distinct = new TouchedKeys();
        Long2LongHashMap newestWithHash = new Long2LongHashMap(Math.max(16, size * 2), Hashing.DEFAULT_LOAD_FACTOR,
                NONE);
        int[] sameHashBefore = new int[size];
        for (int i = 0; i < size; i++) {
            long newest = newestWithHash.get(keyHashes[i]);
            boolean seen = false;
            for (int j = (int) newest; j != NONE && !seen; j = sameHashBefore[j]) {
                seen = distinct.keyEquals(j, keys, keyOffset(i), keyLength(i));
            }
            if (!seen) {
                sameHashBefore[distinct.size] = (int) newest;
                newestWithHash.put(keyHashes[i], distinct.size);
                distinct.add(keyHashes[i], keys, keyOffset(i), keyLength(i), befores[i], firstLocations[i],
                        firstKinds[i], firstLengths[i]);
            }
        }
        return distinct;
    }

    int size() {
        return size;
    }

    long keyHash(int entry) {
        return keyHashes[entry];
    }

    /** The key's location in the checkpoint, or {@code HashIndex.NO_LOCATION} when it had none. */
    long before(int entry) {
        return befores[entry];
    }

    /** The location of the record that first touched the key. */
    long firstLocation(int entry) {
        return firstLocations[entry];
    }

    /**
     * What that record was: {@link #CHECKED_PLAIN_PUT}, {@link #CHECKED_PUT},
     * {@link #CHECKED_TOMBSTONE} or {@link #UNREAD}.
     */
    byte firstKind(int entry) {
        return firstKinds[entry];
    }

    /**
     * The length of that record, as its hint entry or the scan gave it: with
     * {@link #CHECKED_PLAIN_PUT}, all the open needs of it (a plain put has no expiration).
     */
    int firstLength(int entry) {
        return firstLengths[entry];
    }

    /** The buffer every key lies in; valid until the next {@link #add}. */
    DirectBuffer keys() {
        return keys;
    }

    int keyOffset(int entry) {
        return keyStarts[entry];
    }

    int keyLength(int entry) {
        return keyStarts[entry + 1] - keyStarts[entry];
    }

    private boolean keyEquals(int entry, DirectBuffer key, int offset, int length) {
        return keyLength(entry) == length && ByteRanges.equal(keys, keyOffset(entry), key, offset, length);
    }

    /**
     * Makes room for about {@code records} keys (at most {@link #MAX_RESERVED}), so that a replay
     * whose length is known ahead fills the arrays without copying them as they double (4 % of a
     * 1 M-key open after a kill). A short estimate only means a later growth.
     */
    void reserve(long records) {
        int entries = (int) Math.max(0, Math.min(records, MAX_RESERVED));
        if (entries > keyHashes.length) {
            keyHashes = Arrays.copyOf(keyHashes, entries);
            befores = Arrays.copyOf(befores, entries);
            firstLocations = Arrays.copyOf(firstLocations, entries);
            firstKinds = Arrays.copyOf(firstKinds, entries);
            firstLengths = Arrays.copyOf(firstLengths, entries);
            keyStarts = Arrays.copyOf(keyStarts, entries + 1);
        }
        long bytes = Math.min(Integer.MAX_VALUE - 8, (long) entries * TYPICAL_KEY_BYTES);
        if (bytes > keyBytes.length) {
            keyBytes = Arrays.copyOf(keyBytes, (int) bytes);
            keys.wrap(keyBytes);
        }
    }

    private void ensureRoom(int keyLength) {
        if (size == keyHashes.length) {
            int capacity = size * 2;
            keyHashes = Arrays.copyOf(keyHashes, capacity);
            befores = Arrays.copyOf(befores, capacity);
            firstLocations = Arrays.copyOf(firstLocations, capacity);
            firstKinds = Arrays.copyOf(firstKinds, capacity);
            firstLengths = Arrays.copyOf(firstLengths, capacity);
            keyStarts = Arrays.copyOf(keyStarts, capacity + 1);
        }
        long needed = (long) keyStarts[size] + keyLength;
        if (needed > keyBytes.length) {
            if (needed > Integer.MAX_VALUE - 8) {
                throw new IllegalStateException("the replay touched more key bytes than an array holds: " + needed);
            }
            keyBytes = Arrays.copyOf(keyBytes, (int) Math.min(Integer.MAX_VALUE - 8, Math.max(needed,
                    2L * keyBytes.length)));
            keys.wrap(keyBytes);
        }
    }
}
