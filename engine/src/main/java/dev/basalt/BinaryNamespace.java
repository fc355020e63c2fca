package dev.basalt;

import dev.basalt.internal.env.Limits;
import dev.basalt.internal.store.BatchEntry;
import dev.basalt.internal.store.Keys;
import dev.basalt.internal.store.NamespaceState;
import dev.basalt.internal.store.RecordView;
import dev.basalt.internal.store.Store;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A namespace seen with raw byte keys, for embedders whose keys are not Workers KV strings (the
 * Kafka Streams state store: serialized keys of any bytes). Obtained from
 * {@link Basalt#binaryNamespace(String)}.
 *
 * <p>Basics: a key is 1..{@value #MAX_KEY_BYTES} arbitrary bytes (any byte, not necessarily
 * UTF-8; "." and ".." are ordinary keys here); a value is 0..maxValueSize bytes (default 25 MiB).
 * Keys are ordered by unsigned lexicographic byte order (0x00 &lt; 0x7F &lt; 0x80 &lt; 0xFF,
 * a proper prefix before its extensions). {@link #get}, {@link #put} and {@link #delete} have the
 * durability, atomicity and visibility of their {@link KvNamespace} counterparts. Every method is
 * thread-safe; reads never wait for writers. Arrays passed in and returned are copies.
 *
 * <p>Iteration: {@link #range} walks keys between two bounds, either inclusive or exclusive,
 * ascending or descending, starting at any key (present or not); {@link #prefix} walks the keys
 * with a prefix. An iterator holds no read epoch, segment or lock between calls: it copies a
 * page of up to {@value #PAGE_SIZE} entries (keys and values) inside one read epoch, and fetches
 * the next page strictly after (ascending) or strictly before (descending) the last key it
 * returned. So it needs no closing, and under concurrent writes it gives what
 * {@link KvNamespace#list} gives: keys strictly in order, a key present and untouched for the
 * whole walk returned exactly once, a key deleted before its page was fetched never returned, and
 * a key written meanwhile returned or not. It is not a snapshot: two keys written together may be
 * seen one old, one new. An iterator is for one thread.
 *
 * <p>Limits: bad keys and values are an {@link IllegalArgumentException} naming the limit and the
 * figure, and nothing is written. Ascending steps cost a pointer hop; descending ones a short
 * search (the key listing links forward only: each step looks for the key's predecessor, starting
 * from where the previous step's search passed).
 *
 * <p>Caveats, mixing the two views: a namespace is one set of keys whichever view writes it. A
 * {@link KvNamespace} of the same name reads a binary key only if the key is legal UTF-8 for
 * Workers KV; its {@code list} returns every key, decoding bytes that are not well-formed UTF-8
 * with U+FFFD replacement characters, so such a name cannot be read back through that view. Mixing
 * is allowed rather than refused because refusing it needs a namespace kind recorded in the log (a
 * format change); the Kafka Streams store never mixes (one directory per store). Expiration and
 * metadata are not part of this view: values written here have neither.
 */
public final class BinaryNamespace {
    /** The longest key, in bytes (the engine's key limit, as for Workers KV keys). */
    public static final int MAX_KEY_BYTES = Limits.MAX_KEY_BYTES;
    /** Entries an iterator copies per read epoch. */
    public static final int PAGE_SIZE = 128;

    /**
     * A key and its value, both copies owned by the caller. A range never returns a null value;
     * in {@link #putAll} a null value deletes the key.
     */
    public record Entry(byte[] key, byte[] value) {
        /**
         * Stores the arrays as given: the engine hands out fresh copies.
         *
         * @param key the key
         * @param value the value
         */
        public Entry {
            Objects.requireNonNull(key, "key");
        }
    }

    private final Basalt owner;
    private final Store store;
    private final NamespaceState state;
    private final long maxValueBytes;

    BinaryNamespace(Basalt owner, Store store, NamespaceState state, long maxValueBytes) {
        this.owner = owner;
        this.store = store;
        this.state = state;
        this.maxValueBytes = maxValueBytes;
    }

    /**
     * The namespace's name.
     *
     * @return the namespace's name
     */
    public String name() {
        return state.name();
    }

    /**
     * A copy of the value, or null when the key is absent.
     *
     * @param key the key
     * @return a copy of the value, or null when the key is absent
     */
    public byte[] get(byte[] key) {
        checkKey(key);
        return store.read(state, new UnsafeBuffer(key), 0, key.length, BinaryNamespace::value);
    }

    /**
     * Stores a copy of {@code value} under {@code key}, replacing any value it had.
     *
     * @param key the key
     * @param value the value
     */
    public void put(byte[] key, byte[] value) {
        checkKey(key);
        Objects.requireNonNull(value, "value");
        checkValue(value);
        store.put(state, key.clone(), null, Limits.NO_EXPIRATION, new UnsafeBuffer(value), 0, value.length);
    }

    /**
     * Writes every entry as one unit (a null value deletes its key): after a crash all of them
     * are there or none, in every durability mode, with one fsync for all in
     * {@code SYNC_EACH_WRITE} and {@code GROUP_COMMIT}. Checked whole before anything is written:
     * 1..10,000 entries, each key once, each key and value within the limits above, and the
     * records together within one log segment.
     *
     * @param entries the entries to write as one unit (a null value deletes its key)
     * @throws IllegalArgumentException naming the entry and the limit; nothing is written
     */
    public void putAll(List<Entry> entries) {
        Objects.requireNonNull(entries, "entries");
        if (entries.isEmpty() || entries.size() > Limits.MAX_BATCH_ENTRIES) {
            throw new IllegalArgumentException("batch has " + entries.size() + " entries; it must be 1.."
                    + Limits.MAX_BATCH_ENTRIES);
        }
        java.util.Set<java.nio.ByteBuffer> seen = new java.util.HashSet<>();
        List<BatchEntry> checked = new ArrayList<>(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            Entry entry = entries.get(i);
            try {
                checkKey(entry.key());
                if (!seen.add(java.nio.ByteBuffer.wrap(entry.key()))) {
                    throw new IllegalArgumentException("the key is given twice; a batch takes each key at most once");
                }
                if (entry.value() == null) {
                    checked.add(BatchEntry.delete(entry.key().clone()));
                } else {
                    checkValue(entry.value());
                    checked.add(BatchEntry.put(entry.key().clone(), null, Limits.NO_EXPIRATION, entry.value().clone()));
                }
            } catch (IllegalArgumentException bad) {
                throw new IllegalArgumentException("batch entry [" + i + "]: " + bad.getMessage(), bad);
            }
        }
        store.writeBatch(state, checked);
    }

    /**
     * Removes the key; an absent key is no error.
     *
     * @param key the key
     */
    public void delete(byte[] key) {
        checkKey(key);
        store.delete(state, key.clone());
    }

    /**
     * The entries whose keys lie between {@code from} and {@code to}: ascending from {@code from}
     * up to {@code to}, or, when {@code descending}, from {@code from} down to {@code to}. A null
     * bound is open (the first or last key). A bound need not be a stored key, and may be any
     * 1..512 bytes. A range whose {@code from} lies beyond {@code to} in the walk's direction is
     * empty.
     *
     * @param from where the walk starts (null: the first key, or the last when descending)
     * @param fromInclusive whether a key equal to {@code from} is included
     * @param to where the walk ends (null: no end)
     * @param toInclusive whether a key equal to {@code to} is included
     * @param descending walk toward smaller keys
     * @return an iterator over the entries, fetched a page at a time
     */
    public Iterator<Entry> range(byte[] from, boolean fromInclusive, byte[] to, boolean toInclusive,
            boolean descending) {
        if (from != null) {
            checkKey(from);
        }
        if (to != null) {
            checkKey(to);
        }
        return new Pages(from == null ? null : from.clone(), fromInclusive, to == null ? null : to.clone(),
                toInclusive, descending);
    }

    /**
     * The entries whose keys start with {@code prefix} (1..512 bytes), ascending.
     *
     * @param prefix the key prefix
     * @return an iterator over the entries whose keys start with the prefix
     */
    public Iterator<Entry> prefix(byte[] prefix) {
        checkKey(prefix);
        return new Pages(prefix.clone(), true, Keys.prefixEnd(prefix), false, false);
    }

    private static byte[] value(RecordView record) {
        byte[] value = new byte[record.valueLength()];
        record.buffer().getBytes(record.valueOffset(), value);
        return value;
    }

    private void checkValue(byte[] value) {
        Objects.requireNonNull(value, "value");
        if (value.length > maxValueBytes) {
            throw new IllegalArgumentException("value is " + value.length + " bytes; the limit is " + maxValueBytes);
        }
    }

    private static void checkKey(byte[] key) {
        Objects.requireNonNull(key, "key");
        if (key.length < 1 || key.length > MAX_KEY_BYTES) {
            throw new IllegalArgumentException("key is " + key.length + " bytes; it must be 1.." + MAX_KEY_BYTES);
        }
    }

    /** Fetches a page at a time; holds nothing of the engine between pages. */
    private final class Pages implements Iterator<Entry> {
        private final byte[] to;
        private final boolean toInclusive;
        private final boolean descending;
        private byte[] from;
        private boolean fromInclusive;
        private List<Entry> page = List.of();
        private int next;
        private boolean exhausted;

        Pages(byte[] from, boolean fromInclusive, byte[] to, boolean toInclusive, boolean descending) {
            this.from = from;
            this.fromInclusive = fromInclusive;
            this.to = to;
            this.toInclusive = toInclusive;
            this.descending = descending;
        }

        @Override
        public boolean hasNext() {
            if (next < page.size()) {
                return true;
            }
            if (exhausted) {
                return false;
            }
            List<Entry> fetched = new ArrayList<>(PAGE_SIZE);
            int counted = store.scanRange(state, from, fromInclusive, to, toInclusive, descending, PAGE_SIZE,
                    record -> {
                        byte[] key = new byte[record.keyLength()];
                        record.buffer().getBytes(record.keyOffset(), key);
                        fetched.add(new Entry(key, value(record)));
                    });
            exhausted = counted < PAGE_SIZE;
            page = fetched;
            next = 0;
            if (!fetched.isEmpty()) {
                from = fetched.get(fetched.size() - 1).key();
                fromInclusive = false; // continue strictly after (or before) the last key seen
            }
            return !fetched.isEmpty();
        }

        @Override
        public Entry next() {
            if (!hasNext()) {
                throw new NoSuchElementException("no more entries in the range");
            }
            return page.get(next++);
        }
    }

    @Override
    public String toString() {
        return "BinaryNamespace[" + name() + " of " + owner + "]";
    }
}
