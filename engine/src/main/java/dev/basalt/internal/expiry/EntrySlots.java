package dev.basalt.internal.expiry;

import dev.basalt.internal.env.DirectMemory;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The storage under {@link ExpiryQueue}: an array of 32-byte entries, indexed by a {@code long}
 * slot, held in equal direct-buffer chunks that are added and freed one at a time, so the array
 * grows and shrinks without ever copying what it holds.
 *
 * <pre>
 *   entry (32 bytes, every word at its natural alignment)
 *   +---------------------------+---------------------------+
 *   | expirationEpochSeconds (8)| location (8)              |
 *   +---------------------------+-------------+-------------+
 *   | keyHash (8)               | namespaceId | padding (4) |
 *   +---------------------------+-------------+-------------+
 *
 *   chunk: [up to 63 bytes to reach a 64-byte boundary][2^chunkShift entries]
 * </pre>
 *
 * <p>Why 32 and not 28 bytes: the four spare bytes keep every 8-byte word aligned and make a
 * group of four consecutive entries starting at a multiple of four exactly 128 bytes, two
 * whole cache lines once the chunk starts on a 64-byte boundary; the 4-ary heap reads exactly
 * such a group (the children of one node) on every step down. Packing to 28 bytes would save
 * 12.5% (40 MB at 10,000,000 entries) and make a group straddle three lines half the time.
 *
 * <p>Thread ownership: NOT thread-safe; the owning {@link ExpiryQueue} is used under its
 * caller's lock, and so is this.
 */
final class EntrySlots {
    static final int EXPIRATION_OFFSET = 0;
    static final int LOCATION_OFFSET = EXPIRATION_OFFSET + Long.BYTES;
    static final int KEY_HASH_OFFSET = LOCATION_OFFSET + Long.BYTES;
    static final int NAMESPACE_ID_OFFSET = KEY_HASH_OFFSET + Long.BYTES;
    static final int PADDING_OFFSET = NAMESPACE_ID_OFFSET + Integer.BYTES;
    static final int ENTRY_BYTES = PADDING_OFFSET + Integer.BYTES;
    private static final int ENTRY_SHIFT = 5;

    /** A chunk starts on a cache-line boundary so that 4-entry groups fill whole lines. */
    static final int CHUNK_ALIGNMENT_BYTES = 64;
    /** 2^15 entries * 32 bytes = 1 MiB a chunk: 3% slack at 1,000,000 entries, 0.3% at 10,000,000. */
    static final int DEFAULT_CHUNK_SHIFT = 15;
    /** Four entries, one child group, the smallest chunk that keeps groups whole (tests). */
    static final int MIN_CHUNK_SHIFT = 2;
    /** 2^25 entries = 1 GiB a chunk, under the 2 GiB limit of a direct buffer. */
    static final int MAX_CHUNK_SHIFT = 25;

    final int chunkShift;
    private final long chunkSlotMask;
    private final int chunkBufferBytes;
    private UnsafeBuffer[] chunks = new UnsafeBuffer[8];
    private ByteBuffer[] allocations = new ByteBuffer[8];
    private int chunkCount;

    EntrySlots(int chunkShift) {
        if (chunkShift < MIN_CHUNK_SHIFT || chunkShift > MAX_CHUNK_SHIFT) {
            throw new IllegalArgumentException("chunkShift=" + chunkShift + " is outside "
                + MIN_CHUNK_SHIFT + ".." + MAX_CHUNK_SHIFT);
        }
        assert ENTRY_BYTES == 1 << ENTRY_SHIFT : "ENTRY_BYTES=" + ENTRY_BYTES;
        this.chunkShift = chunkShift;
        this.chunkSlotMask = (1L << chunkShift) - 1;
        this.chunkBufferBytes = (1 << chunkShift) * ENTRY_BYTES + CHUNK_ALIGNMENT_BYTES - 1;
    }

    /** Slots held now. */
    long capacitySlots() {
        return (long) chunkCount << chunkShift;
    }

    /** Direct memory held now, alignment padding included. */
    long offHeapBytes() {
        return (long) chunkCount * chunkBufferBytes;
    }

    /** Direct memory that {@code chunkCount} chunks of {@code 2^chunkShift} entries take. */
    static long offHeapBytesForChunks(int chunkShift, long chunkCount) {
        return chunkCount * ((1L << chunkShift) * ENTRY_BYTES + CHUNK_ALIGNMENT_BYTES - 1);
    }

    /** Adds one chunk at the end; the slots before it keep their place and contents. */
    void addChunk() {
        if (chunkCount == chunks.length) {
            chunks = Arrays.copyOf(chunks, chunkCount * 2);
            allocations = Arrays.copyOf(allocations, chunkCount * 2);
        }
        // Not BufferUtil.allocateDirectAligned: it returns a slice, which free() cannot release.
        final ByteBuffer allocation = ByteBuffer.allocateDirect(chunkBufferBytes);
        final long address = BufferUtil.address(allocation);
        final int padding = (int) (BitUtil.align(address, CHUNK_ALIGNMENT_BYTES) - address);
        final UnsafeBuffer chunk = new UnsafeBuffer(allocation, padding, ENTRY_BYTES << chunkShift);
        chunk.verifyAlignment();
        allocations[chunkCount] = allocation;
        chunks[chunkCount] = chunk;
        chunkCount++;
    }

    /** Frees chunks from the end until {@code keepChunks} remain. */
    void freeChunksAbove(int keepChunks) {
        while (chunkCount > keepChunks) {
            chunkCount--;
            chunks[chunkCount] = null; // a late access is a NullPointerException, never a SIGSEGV
            DirectMemory.free(allocations[chunkCount]);
            allocations[chunkCount] = null;
        }
    }

    int chunkCount() {
        return chunkCount;
    }

    long expiration(long slot) {
        return chunk(slot).getLong(offset(slot) + EXPIRATION_OFFSET);
    }

    long location(long slot) {
        return chunk(slot).getLong(offset(slot) + LOCATION_OFFSET);
    }

    long keyHash(long slot) {
        return chunk(slot).getLong(offset(slot) + KEY_HASH_OFFSET);
    }

    int namespaceId(long slot) {
        return chunk(slot).getInt(offset(slot) + NAMESPACE_ID_OFFSET);
    }

    void put(long slot, long expirationEpochSeconds, int namespaceId, long keyHash, long location) {
        final UnsafeBuffer chunk = chunk(slot);
        final int offset = offset(slot);
        chunk.putLong(offset + EXPIRATION_OFFSET, expirationEpochSeconds);
        chunk.putLong(offset + LOCATION_OFFSET, location);
        chunk.putLong(offset + KEY_HASH_OFFSET, keyHash);
        chunk.putInt(offset + NAMESPACE_ID_OFFSET, namespaceId);
    }

    /** Copies the entry in slot {@code from} over the one in slot {@code to}. */
    void copy(long from, long to) {
        put(to, expiration(from), namespaceId(from), keyHash(from), location(from));
    }

    /**
     * Heap order: expiration first, then location, namespace and hash. Locations are unique per
     * record and grow with the log, so a tie on the second comes out oldest write first, and
     * the order is total, so polls do not depend on the order of the adds.
     */
    boolean less(long slotA, long slotB) {
        return compare(expiration(slotA), location(slotA), namespaceId(slotA), keyHash(slotA), slotB) < 0;
    }

    /** Compares the given entry with the one in {@code slot}, in heap order. */
    int compare(long expirationEpochSeconds, long location, int namespaceId, long keyHash, long slot) {
        int c = Long.compare(expirationEpochSeconds, expiration(slot));
        if (c != 0) {
            return c;
        }
        c = Long.compare(location, location(slot));
        if (c != 0) {
            return c;
        }
        c = Integer.compare(namespaceId, namespaceId(slot));
        return c != 0 ? c : Long.compare(keyHash, keyHash(slot));
    }

    private UnsafeBuffer chunk(long slot) {
        return chunks[(int) (slot >>> chunkShift)];
    }

    private int offset(long slot) {
        return (int) (slot & chunkSlotMask) << ENTRY_SHIFT;
    }
}
