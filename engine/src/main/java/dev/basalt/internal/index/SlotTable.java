package dev.basalt.internal.index;

import dev.basalt.internal.env.CopySpace;
import dev.basalt.internal.env.DirectMemory;
import dev.basalt.internal.env.PrivateMappings;
import dev.basalt.internal.env.TrackedCopy;
import dev.basalt.internal.env.WriteTrail;
import java.nio.ByteBuffer;
import org.agrona.BitUtil;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One generation of {@link HashIndex}'s open-addressing table: {@code capacitySlots} slots of
 * 16 bytes in direct buffers, probed linearly.
 *
 * <pre>
 *   slot (16 bytes; words 8-byte aligned, which is checked; malloc's 16-byte alignment
 *         means in practice that a slot never straddles a 64-byte cache line)
 *   +----------------------------+----------------------------+
 *   | keyHash (8)                | location (8)               |
 *   +----------------------------+----------------------------+
 *   empty:   keyHash == EMPTY_HASH (0)       (location is stale, never read)
 *   live:    keyHash != 0, location >= 0
 *   deleted: keyHash != 0, location == DELETED_LOCATION (-2), a tombstone
 * </pre>
 *
 * <p>Thread ownership: the shape (capacity, chunks) is immutable. Slot words are written only
 * by the index's single writer (and by a helper of the open, into half of a table no reader can
 * see yet: {@link LiveSlotCopy}), each as one 8-byte release store; readers load them with
 * acquire loads, so a reader sees either the old or the new value of a word, never a torn
 * one. A table that has been replaced by a larger one is never written again.
 *
 * <h2>Capacity steps</h2>
 * Capacities run 16, 24, 32, 48, 64, 96, ... (2^k and 3 * 2^(k-1)), so the table grows by 1.5x
 * and 1.33x alternately instead of 2x. The reason is memory: with pure doubling, 1,000,000
 * keys need 2^21 slots (2^20 * 0.75 is only 786,432), 33.6 bytes per key; with these steps
 * they fit in 3 * 2^19 = 1,572,864 slots, 25.2 bytes per key. Right after a step the load is
 * 0.75 / 1.5 = 0.5 or 0.75 / 1.33 = 0.56, so a table grown by inserts never holds more than
 * 16 / 0.5 = 32 bytes per live key. The home slot is picked by a multiply-shift of the hash's
 * high 32 bits ({@code (hash >>> 32) * capacity >>> 32}), which needs no power of two and
 * costs one multiply more than a mask.
 *
 * <h2>Limits</h2>
 * A direct {@link ByteBuffer} holds less than 2 GiB, so the table is split into chunks of at
 * most 2^22 slots (64 MiB). The largest capacity is {@link #MAX_CAPACITY_SLOTS} = 3 * 2^29
 * slots (24 GiB), which holds {@code 0.75 *} that = 1,207,959,552 keys per namespace; a
 * larger table would overflow the {@code int} slot index.
 */
final class SlotTable {
    /** Key hash of an empty slot; {@link KeyHash} never produces it. */
    static final long EMPTY_HASH = 0L;
    /** Location of a tombstone. Valid locations are {@code >= 0}; -1 is {@link HashIndex#NO_LOCATION}. */
    static final long DELETED_LOCATION = -2L;

    static final int HASH_OFFSET = 0;
    static final int LOCATION_OFFSET = HASH_OFFSET + Long.BYTES;
    static final int SLOT_BYTES = LOCATION_OFFSET + Long.BYTES;
    private static final int SLOT_SHIFT = 4;

    static final int MIN_CAPACITY_SLOTS = 16;
    static final int MAX_CAPACITY_SLOTS = 3 << 29;
    /** The most keys one table holds. */
    static final int MAX_KEYS = maxUsedSlots(MAX_CAPACITY_SLOTS);
    /** 2^22 slots * 16 bytes = 64 MiB per direct buffer, well under the 2 GiB limit. */
    static final int CHUNK_SHIFT = 22;
    private static final int CHUNK_SLOT_MASK = (1 << CHUNK_SHIFT) - 1;

    /** A heap-backed, all-empty table that a closed index points readers at. Never written. */
    static final SlotTable CLOSED = new SlotTable();

    final int capacitySlots;
    /** Live plus deleted slots may not exceed this: load <= 0.75, so probe runs stay short. */
    final int maxUsedSlots;
    final long offHeapBytes;
    private final UnsafeBuffer[] chunks;
    /** Writer-only: where slot stores are recorded while a {@link TrackedCopy} runs; null otherwise. */
    private WriteTrail trail;

    SlotTable(int capacitySlots) {
        this(capacitySlots, allocate(capacitySlots));
    }

    /**
     * A table over {@code chunks}, which it owns from now on and frees in {@link #free}: fresh
     * zeroed memory, or a checkpoint's slots mapped copy-on-write ({@link IndexImage#restore}).
     *
     * @throws IllegalArgumentException when the chunks are not the sizes {@link #chunkBytes} gives
     */
    SlotTable(int capacitySlots, UnsafeBuffer[] chunks) {
        assert isCapacityStep(capacitySlots) : "capacitySlots=" + capacitySlots;
        this.capacitySlots = capacitySlots;
        this.maxUsedSlots = maxUsedSlots(capacitySlots);
        this.offHeapBytes = (long) capacitySlots * SLOT_BYTES;
        if (chunks.length != chunkCount(capacitySlots)) {
            throw new IllegalArgumentException(chunks.length + " chunks for " + capacitySlots + " slots, which take "
                + chunkCount(capacitySlots));
        }
        for (int i = 0; i < chunks.length; i++) {
            if (chunks[i].capacity() != chunkBytes(capacitySlots, i)) {
                throw new IllegalArgumentException("slot chunk " + i + " has " + chunks[i].capacity() + " bytes, not "
                    + chunkBytes(capacitySlots, i));
            }
            chunks[i].verifyAlignment(); // 8-byte words must be aligned to be atomic
        }
        this.chunks = chunks;
    }

    /** Chunks of a table of {@code capacitySlots}. */
    static int chunkCount(int capacitySlots) {
        final int chunkSlots = Math.min(capacitySlots, 1 << CHUNK_SHIFT);
        return (capacitySlots + chunkSlots - 1) / chunkSlots;
    }

    /** Bytes of chunk {@code index} of a table of {@code capacitySlots}: 64 MiB but for the last. */
    static int chunkBytes(int capacitySlots, int index) {
        final int chunkSlots = Math.min(capacitySlots, 1 << CHUNK_SHIFT);
        return Math.min(chunkSlots, capacitySlots - index * chunkSlots) << SLOT_SHIFT;
    }

    private static UnsafeBuffer[] allocate(int capacitySlots) {
        final UnsafeBuffer[] chunks = new UnsafeBuffer[chunkCount(capacitySlots)];
        for (int i = 0; i < chunks.length; i++) {
            // Zeroed memory: every slot starts empty (EMPTY_HASH == 0). In huge pages where the
            // system has them: a new table is touched whole at once, and its faults are the cost.
            chunks[i] = new UnsafeBuffer(DirectMemory.allocateZeroed(chunkBytes(capacitySlots, i)));
        }
        return chunks;
    }

    private SlotTable() {
        this.capacitySlots = MIN_CAPACITY_SLOTS;
        this.maxUsedSlots = 0;
        this.offHeapBytes = 0;
        this.chunks = new UnsafeBuffer[] {new UnsafeBuffer(new byte[MIN_CAPACITY_SLOTS * SLOT_BYTES])};
    }

    /** The smallest capacity step whose load limit admits {@code keys} keys. */
    static int capacityForKeys(long keys) {
        if (keys < 0 || keys > maxUsedSlots(MAX_CAPACITY_SLOTS)) {
            throw new IllegalArgumentException("keys=" + keys + " is outside 0.."
                + maxUsedSlots(MAX_CAPACITY_SLOTS) + ", the most one hash index can hold");
        }
        int capacity = MIN_CAPACITY_SLOTS;
        while (maxUsedSlots(capacity) < keys) {
            capacity = nextCapacity(capacity);
        }
        return capacity;
    }

    /** The step after {@code capacity}: x1.5 from a power of two, x4/3 from 3 * 2^k. */
    static int nextCapacity(int capacity) {
        if (capacity >= MAX_CAPACITY_SLOTS) {
            throw new IllegalStateException("hash index full: capacitySlots=" + capacity
                + " is the maximum, holding at most " + maxUsedSlots(capacity) + " keys");
        }
        return BitUtil.isPowerOfTwo(capacity) ? capacity + (capacity >>> 1) : capacity + capacity / 3;
    }

    /** 3/4 of the capacity, exact because every step is a multiple of 4. */
    static int maxUsedSlots(int capacity) {
        return capacity - (capacity >>> 2);
    }

    static boolean isCapacityStep(int capacity) {
        return capacity >= MIN_CAPACITY_SLOTS
            && (BitUtil.isPowerOfTwo(capacity) || capacity % 3 == 0 && BitUtil.isPowerOfTwo(capacity / 3));
    }

    int homeSlot(long keyHash) {
        return (int) (((keyHash >>> 32) * capacitySlots) >>> 32);
    }

    int nextSlot(int slot) {
        final int next = slot + 1;
        return next == capacitySlots ? 0 : next;
    }

    /** The slot an insert of {@code keyHash} takes: the first empty one from its home, wrapping. */
    int firstEmptySlot(long keyHash) {
        int slot = homeSlot(keyHash);
        while (hash(slot) != EMPTY_HASH) {
            slot = nextSlot(slot);
        }
        return slot;
    }

    int previousSlot(int slot) {
        return (slot == 0 ? capacitySlots : slot) - 1;
    }

    long hashAcquire(int slot) {
        return chunk(slot).getLongAcquire(offset(slot) + HASH_OFFSET);
    }

    long locationAcquire(int slot) {
        return chunk(slot).getLongAcquire(offset(slot) + LOCATION_OFFSET);
    }

    /** Plain load, for the writer, which is the only thread that stores into this table. */
    long hash(int slot) {
        return chunk(slot).getLong(offset(slot) + HASH_OFFSET);
    }

    /** Plain load, for the writer, which is the only thread that stores into this table. */
    long location(int slot) {
        return chunk(slot).getLong(offset(slot) + LOCATION_OFFSET);
    }

    void putHashRelease(int slot, long keyHash) {
        chunk(slot).putLongRelease(offset(slot) + HASH_OFFSET, keyHash);
        if (trail != null) {
            trail.wrote(slot >>> CHUNK_SHIFT, offset(slot) + HASH_OFFSET, Long.BYTES);
        }
    }

    void putLocationRelease(int slot, long location) {
        chunk(slot).putLongRelease(offset(slot) + LOCATION_OFFSET, location);
        if (trail != null) {
            trail.wrote(slot >>> CHUNK_SHIFT, offset(slot) + LOCATION_OFFSET, Long.BYTES);
        }
    }

    /** Plain stores, only for a table that no reader can see yet (while rehashing into it). */
    void putPlain(int slot, long keyHash, long location) {
        final UnsafeBuffer chunk = chunk(slot);
        final int offset = offset(slot);
        chunk.putLong(offset + LOCATION_OFFSET, location);
        chunk.putLong(offset + HASH_OFFSET, keyHash);
    }

    int chunkCount() {
        return chunks.length;
    }

    /**
     * Chunk {@code index}'s memory as a buffer over its whole length (position 0): for copying a
     * table to or from a checkpoint while no reader can see it change.
     */
    ByteBuffer chunkMemory(int index) {
        return chunks[index].byteBuffer().duplicate().clear();
    }

    /**
     * A new table with the same capacity and a byte-for-byte copy of every slot, in memory taken
     * from {@code space}. Writer.
     */
    SlotTable copy(CopySpace space) {
        return new SlotTable(capacitySlots, space.copyOf(chunks));
    }

    /**
     * Starts a copy of this table that the writer keeps going beside ({@link TrackedCopy});
     * its slot stores are recorded until {@link #finishCopy}. Writer, under the writers' lock.
     */
    TrackedCopy startCopy() {
        final TrackedCopy copy = new TrackedCopy(chunks);
        trail = copy.trail();
        return copy;
    }

    /** {@code started}'s {@link TrackedCopy#mark} of this table; writer, under the lock. */
    TrackedCopy.Mark markCopy(TrackedCopy started) {
        return started.mark(chunks);
    }

    /** Whether {@code started} is a copy of this table (not of one it replaced). */
    boolean isCopiedBy(TrackedCopy started) {
        return started.follows(chunks);
    }

    /**
     * A new table, the exact copy of this one as it is now, from {@code copy} (started on this
     * table) made up to date, in memory from {@code space}. Writer, under the writers' lock.
     */
    SlotTable finishCopy(TrackedCopy copy, CopySpace space) {
        trail = null;
        return new SlotTable(capacitySlots, copy.finish(chunks, space));
    }

    /** Reserves in {@code space} the memory {@link #copy} of this table takes; any thread. */
    void reserveCopy(CopySpace space) {
        space.reserveLike(chunks);
    }

    /**
     * Moves every chunk that is a mapping (a checkpoint's, copy-on-write) into memory of its own,
     * and unmaps it: for a table about to take many writes. Only while no reader can see the table.
     */
    void ownMemory() {
        for (int i = 0; i < chunks.length; i++) {
            final UnsafeBuffer own = PrivateMappings.ownCopy(chunks[i]);
            if (own != null) {
                final ByteBuffer mapped = chunks[i].byteBuffer();
                chunks[i] = own;
                DirectMemory.free(mapped);
            }
        }
    }

    /** Releases the direct memory now. Only when no reader can hold this table any more. */
    void free() {
        if (this == CLOSED) {
            return;
        }
        for (final UnsafeBuffer chunk : chunks) {
            DirectMemory.free(chunk.byteBuffer());
            chunk.wrap(new byte[0]); // a late access fails a bounds check instead of a SIGSEGV
        }
    }

    private UnsafeBuffer chunk(int slot) {
        return chunks[slot >>> CHUNK_SHIFT];
    }

    private static int offset(int slot) {
        return (slot & CHUNK_SLOT_MASK) << SLOT_SHIFT;
    }
}
