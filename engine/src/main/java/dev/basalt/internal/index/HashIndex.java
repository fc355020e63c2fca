package dev.basalt.internal.index;

import static dev.basalt.internal.index.SlotTable.DELETED_LOCATION;
import static dev.basalt.internal.index.SlotTable.EMPTY_HASH;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import org.agrona.DirectBuffer;

/**
 * Off-heap map from a key (of one namespace) to the location of its newest record in the log.
 * The index stores no keys and no per-key Java object: each key is one 16-byte slot
 * {@code [keyHash][location]} in a {@link SlotTable} held in direct buffers. A location is an
 * opaque non-negative {@code long} chosen by the store; a {@link KeyMatcher} tells the index
 * whether the record at a location holds a key, and that answer, not the hash, decides.
 *
 * <h2>Thread ownership</h2>
 * <ul>
 *   <li>{@link #get}: any number of threads, lock-free, allocation-free, never blocks. It may
 *       run concurrently with the writer; if it overlaps a mutation of its key it returns the
 *       location from before or after that mutation. A returned location may already be
 *       superseded when the caller reads it: the store must keep the record readable (pin its
 *       segment) and is free to retry.</li>
 *   <li>{@link #put}, {@link #remove}, {@link #replace}, {@link #removeIfAt}, {@link #forEach},
 *       {@link #close}: one writer at a time; the caller serialises them.</li>
 *   <li>{@link #size} and {@link #offHeapBytes}: any thread, a recent figure.</li>
 * </ul>
 *
 * <h2>Invariants</h2>
 * <ol>
 *   <li>A slot is empty ({@code keyHash == 0}), live ({@code keyHash != 0, location >= 0}) or
 *       deleted ({@code location == DELETED_LOCATION}); hashes are never 0, locations of live
 *       slots never negative.</li>
 *   <li>Linear-probing runs are unbroken: every slot from a live key's home slot to its own
 *       slot is non-empty. A slot is emptied only when the slot after it is empty, so no live
 *       key's run can pass through it; otherwise a removed key leaves a tombstone.</li>
 *   <li>A key is in at most one live slot; live locations are distinct (the store never gives
 *       two keys one location), which is why {@link #replace} needs no key compare.</li>
 *   <li>{@code liveKeys + deletedSlots <= maxUsedSlots = 0.75 * capacity}, so every table has
 *       empty slots and every probe loop ends.</li>
 *   <li>Readers see each 8-byte word whole: the writer stores with release, readers load with
 *       acquire. A slot is filled location first, hash second, so a reader that sees the new
 *       hash also sees the new location. A reader that sees an old hash with a new location
 *       (a reused slot) asks the matcher, which says no: a wrong key's location is never
 *       returned.</li>
 * </ol>
 *
 * <h2>Growth without stopping readers</h2>
 * When an insert would take the table past 0.75 load (tombstones included), the writer builds
 * a new table, copies the live slots (dropping tombstones) and publishes it by a volatile
 * write of {@link #table}. Readers that loaded the old table finish on it: it is never
 * written again, so they see a consistent, merely older, state. The old table is not freed
 * explicitly, because the writer cannot know when the last such reader has left; the
 * garbage collector frees its direct buffers (through their cleaner) once no reader refers
 * to it. Peak memory during a growth is therefore old + new = 2.5x the old table, until the
 * next GC. The new table is usually allocated ahead by another thread ({@link #prepareGrowth},
 * {@link NextTable}), so that the writer only copies. It is one step
 * larger ({@link SlotTable}: x1.5 or x1.33) when at least
 * half the old capacity is live, else it has the same size (a rehash that drops the
 * tombstones). Either way the new table is at most 0.5625 full, so the next rehash is at
 * least 0.1875 * capacity inserts away and the copy cost is amortised O(1) per insert.
 *
 * <h2>Memory, back of the envelope</h2>
 * 16 bytes per slot at load 0.5..0.75 after growth by inserts: 21.3..32 bytes per key.
 * 1,000,000 keys: 1,572,864 slots, 25.2 bytes per key; 10,000,000 keys: 16,777,216 slots, 26.8
 * bytes per key (doubling: 33.6 at 1,000,000), and the prepared next table's on top in the last
 * eighth before a growth. The table never shrinks. Java heap: a few objects per table.
 *
 * <h2>Probe cost</h2>
 * Linear probing at load a costs about (1 + 1 / (1 - a)) / 2 slots for a hit and
 * (1 + 1 / (1 - a)^2) / 2 for a miss: 2.5 and 8.5 at the 0.75 limit, 1.5 and 2.5 at 0.5. Four
 * slots share a cache line, so a hit usually costs one cache miss. The matcher (a read of the
 * record) runs only when all 64 hash bits agree.
 *
 * <h2>Limits</h2>
 * At most 1,207,959,552 keys (see {@link SlotTable}); a put beyond that throws
 * {@link IllegalStateException} and leaves the index unchanged.
 */
public final class HashIndex implements AutoCloseable {
    /** Returned when the key (or the expected location) is absent. */
    public static final long NO_LOCATION = -1L;

    private static final int NO_SLOT = -1;
    private static final VarHandle LIVE_KEYS;

    static {
        try {
            LIVE_KEYS = MethodHandles.lookup().findVarHandle(HashIndex.class, "liveKeys", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The current table; readers load it once per call. Replaced only by the writer. */
    private volatile SlotTable table;
    /** Written only by the writer (release), read by anyone through {@link #size()}. */
    private volatile int liveKeys;
    /** Writer-only: tombstones in the current table. */
    private int deletedSlots;
    /** Writer-only. */
    private boolean closed;
    private final NextTable next = new NextTable();
    /** The hook of an index nobody asked to be told: one shared constant, so constructing an index links no lambda. */
    private static final Runnable NOBODY_TO_TELL = () -> { };
    /** Run by the writer when an insert enters the last eighth before a growth ({@link NextTable}). */
    private Runnable growthNear = NOBODY_TO_TELL;

    /**
     * An empty index that holds {@code initialCapacityKeys} keys before its first growth.
     *
     * @param initialCapacityKeys expected number of keys, {@code >= 0}; 0 starts at the
     *                            smallest table (16 slots, 256 bytes)
     * @throws IllegalArgumentException if negative or above the maximum key count
     */
    public HashIndex(int initialCapacityKeys) {
        this.table = new SlotTable(SlotTable.capacityForKeys(initialCapacityKeys));
    }

    /** An index over a table filled elsewhere ({@link IndexImage}); the counts are checked there. */
    HashIndex(SlotTable table, int liveKeys, int deletedSlots) {
        this.table = table;
        this.deletedSlots = deletedSlots;
        setLiveKeys(liveKeys);
    }

    /** The current table; for {@link IndexImage}, on the writer thread. */
    SlotTable table() {
        checkOpen();
        return table;
    }

    /**
     * Allocates the table the next growth moves into, when that growth is near ({@link NextTable}).
     * Any thread but the writer (the work-ahead thread); returns whether it allocated one.
     */
    public boolean prepareGrowth() {
        return next.prepare(this);
    }

    /** Sets what the writer runs when a growth nears: a wake of the thread that calls {@link #prepareGrowth}. */
    public void onGrowthNear(Runnable hook) {
        this.growthNear = Objects.requireNonNull(hook, "hook");
    }

    /**
     * Rebuilds the table to hold {@code keys}, at least the live ones; returns the old one. At
     * open, on two threads when the table is large: the second core has nothing else to do.
     */
    SlotTable rehashFor(long keys) {
        final SlotTable old = table;
        final int live = liveKeys();
        rehashInto(old, live, SlotTable.capacityForKeys(Math.max(keys, live)), true);
        return old;
    }

    /** The current table, any thread, closed or not: for sizing a copy ahead of the lock, and {@link NextTable}. */
    SlotTable currentTable() {
        return table;
    }

    /**
     * The location stored for the key, or {@link #NO_LOCATION}. Lock-free and allocation-free
     * (provided the matcher is); any thread. Returns {@link #NO_LOCATION} after {@link #close}.
     *
     * @param keyHash {@link KeyHash#hash} of the key under the store's seed
     * @param key     buffer holding the key
     * @param offset  where the key starts
     * @param length  key length in bytes
     * @param matcher confirms that the record at a candidate location holds the key
     * @return the location, or {@link #NO_LOCATION}
     */
    public long get(long keyHash, DirectBuffer key, int offset, int length, KeyMatcher matcher) {
        return LockFreeProbes.locate(table, keyHash, key, offset, length, matcher);
    }

    /**
     * Inserts the key or repoints it. Single writer.
     *
     * @param keyHash  {@link KeyHash#hash} of the key, never 0
     * @param key      buffer holding the key
     * @param offset   where the key starts
     * @param length   key length in bytes
     * @param location the key's new location, {@code >= 0}, not held by any other key
     * @param matcher  confirms that the record at a candidate location holds the key
     * @return the previous location, or {@link #NO_LOCATION} if the key was absent
     * @throws IllegalStateException if closed, or if the index is at its maximum capacity
     */
    public long put(long keyHash, DirectBuffer key, int offset, int length, long location, KeyMatcher matcher) {
        checkOpen();
        checkHash(keyHash);
        checkLocation("location", location);
        SlotTable t = table;
        int firstDeleted = NO_SLOT;
        int slot = t.homeSlot(keyHash);
        for (long slotHash; (slotHash = t.hash(slot)) != EMPTY_HASH; slot = t.nextSlot(slot)) {
            final long slotLocation = t.location(slot);
            if (slotLocation == DELETED_LOCATION) {
                if (firstDeleted == NO_SLOT) {
                    firstDeleted = slot;
                }
            } else if (slotHash == keyHash && matcher.matches(slotLocation, key, offset, length)) {
                t.putLocationRelease(slot, location);
                return slotLocation;
            }
        }
        // The key is absent. Reuse a tombstone on its run (no growth in use), else the empty slot.
        if (firstDeleted != NO_SLOT) {
            fill(t, firstDeleted, keyHash, location);
            deletedSlots--;
        } else {
            final int live = liveKeys();
            if (live + deletedSlots + 1 > t.maxUsedSlots) {
                t = rehash(t, live);
                slot = t.firstEmptySlot(keyHash);
            }
            fill(t, slot, keyHash, location);
        }
        setLiveKeys(liveKeys() + 1);
        if (liveKeys() == NextTable.prepareAt(t)) {
            growthNear.run(); // after the count: the woken thread checks it
        }
        assert liveKeys() + deletedSlots <= t.maxUsedSlots : "load above 0.75: " + describe();
        return NO_LOCATION;
    }

    /**
     * Removes the key. Single writer.
     *
     * @return the removed location, or {@link #NO_LOCATION} if the key was absent
     * @throws IllegalStateException if closed
     */
    public long remove(long keyHash, DirectBuffer key, int offset, int length, KeyMatcher matcher) {
        checkOpen();
        final SlotTable t = table;
        for (int slot = t.homeSlot(keyHash); t.hash(slot) != EMPTY_HASH; slot = t.nextSlot(slot)) {
            final long slotLocation = t.location(slot);
            if (t.hash(slot) == keyHash && slotLocation >= 0
                && matcher.matches(slotLocation, key, offset, length)) {
                delete(t, slot);
                return slotLocation;
            }
        }
        return NO_LOCATION;
    }

    /**
     * Compare-and-set for compaction and expiry: repoints the slot that holds exactly
     * {@code expectedLocation} to {@code newLocation}. Locations are unique, so no key compare
     * is needed. Single writer.
     *
     * @return true if repointed; false if no slot holds {@code expectedLocation} any more
     *     (the key was overwritten or removed since)
     * @throws IllegalStateException if closed
     */
    public boolean replace(long keyHash, long expectedLocation, long newLocation) {
        checkOpen();
        checkLocation("expectedLocation", expectedLocation);
        checkLocation("newLocation", newLocation);
        final SlotTable t = table;
        final int slot = slotHolding(t, keyHash, expectedLocation);
        if (slot == NO_SLOT) {
            return false;
        }
        t.putLocationRelease(slot, newLocation);
        return true;
    }

    /**
     * True when a slot holds exactly {@code location} (the key still points at that record).
     * Single writer; used to judge timer-queue entries stale without changing anything.
     *
     * @throws IllegalStateException if closed
     */
    public boolean holds(long keyHash, long location) {
        checkOpen();
        checkLocation("location", location);
        return slotHolding(table, keyHash, location) != NO_SLOT;
    }

    /**
     * Whether a slot may still hold exactly {@code location}: any thread, lock-free, like
     * {@link #get}. False only when, at some moment during the call, no slot held it. Once the
     * store repoints or removes a key its old location is never held again (locations are not
     * reused), so a false answer stays right for good, and compaction can drop such a record
     * without the writer's lock. True means "maybe": ask {@link #holds} under the lock.
     */
    public boolean mayHold(long keyHash, long location) {
        return LockFreeProbes.mayHold(table, keyHash, location);
    }

    /**
     * Removes the slot that holds exactly {@code expectedLocation}. Single writer.
     *
     * @return true if removed; false if no slot holds it any more
     * @throws IllegalStateException if closed
     */
    public boolean removeIfAt(long keyHash, long expectedLocation) {
        checkOpen();
        checkLocation("expectedLocation", expectedLocation);
        final SlotTable t = table;
        final int slot = slotHolding(t, keyHash, expectedLocation);
        if (slot == NO_SLOT) {
            return false;
        }
        delete(t, slot);
        return true;
    }

    /**
     * Visits every live {@code (keyHash, location)}, in slot order, for recovery sweeps. Writer
     * thread only. The consumer may call {@link #removeIfAt} or {@link #replace} for the entry
     * it is visiting: neither moves any entry, so the sweep sees every other entry exactly
     * once. It must not call {@link #put}, which may rehash the table and move every entry.
     *
     * @throws IllegalStateException if closed, or if the consumer grew the table
     */
    public void forEach(EntryConsumer consumer) {
        checkOpen();
        final SlotTable t = table;
        for (int slot = 0; slot < t.capacitySlots; slot++) {
            final long slotHash = t.hash(slot);
            final long slotLocation = t.location(slot);
            if (slotHash != EMPTY_HASH && slotLocation >= 0) {
                consumer.accept(slotHash, slotLocation);
                if (table != t) {
                    throw new IllegalStateException("forEach consumer grew the index; it may only "
                        + "call removeIfAt or replace for the visited entry");
                }
            }
        }
    }

    /** Live keys. Exact on the writer thread; a recent figure on any other. */
    public int size() {
        return (int) LIVE_KEYS.getAcquire(this);
    }

    /**
     * Bytes of direct memory in the current table; 0 once closed. Tables replaced by growth
     * and not yet collected by the GC are not counted, nor is a prepared one. Any thread.
     */
    public long offHeapBytes() {
        return table.offHeapBytes;
    }

    /** Bytes of the table prepared for the next growth ({@link #prepareGrowth}); 0 for none. Any thread. */
    public long preparedBytes() {
        return next.offHeapBytes();
    }

    /**
     * Frees the table now. The caller guarantees that no reader is inside {@link #get} any
     * more and that none will enter (a later {@code get} returns {@link #NO_LOCATION}; every
     * other call throws {@link IllegalStateException}). Idempotent. Writer thread.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        final SlotTable t = table;
        table = SlotTable.CLOSED;
        setLiveKeys(0);
        deletedSlots = 0;
        t.free();
        next.free();
    }

    /** Receives the live entries of {@link #forEach}. */
    @FunctionalInterface
    public interface EntryConsumer {
        /**
         * One live entry.
         *
         * @param keyHash  the key's hash as stored
         * @param location the key's location
         */
        void accept(long keyHash, long location);
    }

    /** Tombstones in the current table; for tests and {@link IndexImage}. Writer thread. */
    int deletedSlots() {
        return deletedSlots;
    }

    /** Checks every invariant by a full scan ({@link IndexInvariants}); for tests. Writer thread. */
    void verifyInvariants() {
        IndexInvariants.verify(this);
    }

    /** Occupies an empty or deleted slot: location first, hash second (invariant 5). */
    private static void fill(SlotTable t, int slot, long keyHash, long location) {
        t.putLocationRelease(slot, location);
        t.putHashRelease(slot, keyHash);
    }

    /**
     * Removes the live entry at {@code slot}. If the next slot is empty no run passes through
     * this one, so it becomes empty, and so do the tombstones before it; else a tombstone.
     */
    private void delete(SlotTable t, int slot) {
        if (t.hash(t.nextSlot(slot)) != EMPTY_HASH) {
            t.putLocationRelease(slot, DELETED_LOCATION);
            deletedSlots++;
        } else {
            t.putHashRelease(slot, EMPTY_HASH);
            for (int previous = t.previousSlot(slot);
                 t.hash(previous) != EMPTY_HASH && t.location(previous) == DELETED_LOCATION;
                 previous = t.previousSlot(previous)) {
                t.putHashRelease(previous, EMPTY_HASH);
                deletedSlots--;
            }
        }
        setLiveKeys(liveKeys() - 1);
        assert deletedSlots >= 0 && liveKeys() >= 0 : describe();
    }

    private static int slotHolding(SlotTable t, long keyHash, long location) {
        for (int slot = t.homeSlot(keyHash); t.hash(slot) != EMPTY_HASH; slot = t.nextSlot(slot)) {
            if (t.location(slot) == location && t.hash(slot) == keyHash) {
                return slot;
            }
        }
        return NO_SLOT;
    }

    /**
     * Copies the live slots into a fresh table and publishes it. Grows one step when at least
     * half of the capacity is live, else keeps the size and only drops tombstones.
     */
    private SlotTable rehash(SlotTable old, int live) {
        return rehashInto(old, live, live >= old.capacitySlots / 2 ? SlotTable.nextCapacity(old.capacitySlots)
            : old.capacitySlots, false);
    }

    /** {@link #rehash} into a table of {@code capacity} slots, on two threads if {@code twoThreads}. */
    private SlotTable rehashInto(SlotTable old, int live, int capacity, boolean twoThreads) {
        final SlotTable fresh = next.take(capacity);
        final int copied = LiveSlotCopy.copy(old, fresh, twoThreads);
        assert copied == live : "copied=" + copied + ", " + describe();
        deletedSlots = 0;
        // The volatile write publishes the plain stores above to every reader that loads it.
        // The old table is left to the GC (see class Javadoc): readers may still be on it.
        table = fresh;
        return fresh;
    }

    private int liveKeys() {
        return (int) LIVE_KEYS.get(this);
    }

    private void setLiveKeys(int value) {
        LIVE_KEYS.setRelease(this, value);
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("hash index is closed");
        }
    }

    private static void checkHash(long keyHash) {
        if (keyHash == EMPTY_HASH) {
            throw new IllegalArgumentException("keyHash=0 is reserved for empty slots; use KeyHash.hash");
        }
    }

    private static void checkLocation(String name, long location) {
        if (location < 0) {
            throw new IllegalArgumentException(name + "=" + location + " must be >= 0");
        }
    }

    private String describe() {
        final SlotTable t = table;
        return "liveKeys=" + liveKeys() + ", deletedSlots=" + deletedSlots
            + ", capacitySlots=" + t.capacitySlots + ", maxUsedSlots=" + t.maxUsedSlots;
    }
}
