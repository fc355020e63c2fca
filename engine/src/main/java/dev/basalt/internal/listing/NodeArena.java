package dev.basalt.internal.listing;

import static dev.basalt.internal.listing.NodeLayout.MAX_NODE_BYTES;
import static dev.basalt.internal.listing.NodeLayout.MAX_NODE_UNITS;
import static dev.basalt.internal.listing.NodeLayout.UNIT_SHIFT;

import dev.basalt.internal.env.CopySpace;
import dev.basalt.internal.env.DirectMemory;
import dev.basalt.internal.env.PrivateMappings;
import dev.basalt.internal.env.TrackedCopy;
import dev.basalt.internal.env.WriteTrail;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The off-heap memory of one {@link KeyListing}: chunks of direct memory that nodes are cut
 * from, free lists of reclaimed nodes, and the list of retired (removed, not yet reclaimable)
 * nodes. No Java object per node: a node is named by a 4-byte <em>address</em>.
 *
 * <pre>
 *   address (int, unsigned) = chunkIndex (15 bits) | offset in 8-byte units (17 bits)
 *   chunk sizes: 4 KiB, 8 KiB, ... 1 MiB (chunks 0..8), then 1 MiB each, at most 32,768 chunks
 *   so one arena addresses about 32 GiB: 55 million nodes of the largest size (584 bytes)
 *   address 0 is the head node, which no pointer ever targets, so 0 doubles as NIL
 * </pre>
 *
 * <h2>Why these sizes</h2>
 * Every namespace has an arena, so an empty one must be cheap: the first chunk is 4 KiB (the
 * head node takes 72 bytes). Chunks double up to 1 MiB, so a small listing wastes at most half
 * of its memory, and a large one at most 1 MiB in its last chunk (1 byte per key at 1M keys).
 * A node never straddles two chunks; the tail of a chunk that cannot hold the next node
 * (less than the largest node, 584 bytes) is left unused.
 *
 * <h2>Thread ownership</h2>
 * {@link #allocate}, {@link #retire}, {@link #reclaimRetired} and {@link #close} belong to the
 * listing's single writer. {@link #chunk} is called by any thread: chunks are published by a
 * volatile write of a new {@link #chunks} array <em>before</em> any node in them is linked, and
 * an entry never changes afterwards (until close), so a reader that found an address through
 * an acquire load of a pointer always finds its chunk. Byte counters are written by the writer
 * with release stores and may be read by anyone.
 *
 * <h2>Reuse</h2>
 * A retired node stays untouched until {@link #reclaimRetired}, which the writer calls only when
 * no reader can still be inside it (see {@link KeyListing}). Reclaimed nodes go onto a free
 * list per size (in 8-byte units, so 73 lists) whose link lives in the node's first word; an
 * allocation of that exact size takes from the list first. Exact sizes keep the allocator
 * trivial; a workload whose key lengths keep shifting can strand free nodes of old sizes,
 * which {@link #freeBytes} shows. The arena never returns memory to the system before close.
 */
final class NodeArena {
    static final int NIL = 0;

    static final int OFFSET_BITS = 17;
    private static final int OFFSET_MASK = (1 << OFFSET_BITS) - 1;
    static final int MIN_CHUNK_BYTES = 4 << 10;
    static final int MAX_CHUNK_BYTES = 1 << (OFFSET_BITS + UNIT_SHIFT);
    static final int MAX_CHUNKS = 1 << (Integer.SIZE - OFFSET_BITS);
    /** Chunks 0..7 are smaller than the cap: log2(1 MiB / 4 KiB) = 8. */
    private static final int DOUBLING_CHUNKS = Integer.numberOfTrailingZeros(MAX_CHUNK_BYTES / MIN_CHUNK_BYTES);

    /** What a closed arena shows readers: a zeroed head, so every scan finds nothing. */
    private static final UnsafeBuffer[] CLOSED = {new UnsafeBuffer(new byte[MAX_NODE_BYTES])};

    private volatile UnsafeBuffer[] chunks = new UnsafeBuffer[0];
    /** Writer-only: where the next bump allocation goes. */
    private int bumpChunk = -1;
    private int bumpOffsetBytes;
    /** Writer-only: head address of the free list of each size in units; NIL when empty. */
    private final int[] freeLists = new int[MAX_NODE_UNITS + 1];
    private final RetiredNodes retired = new RetiredNodes();
    /** Writer-only: where node stores are recorded while a {@link TrackedCopy} runs; null otherwise. */
    private WriteTrail trail;
    private volatile long chunkBytes;
    private volatile long freeBytes;
    private volatile long retiredBytes;

    static int chunkIndex(int address) {
        return address >>> OFFSET_BITS;
    }

    static int offset(int address) {
        return (address & OFFSET_MASK) << UNIT_SHIFT;
    }

    /** The chunk holding {@code address}. Any thread. */
    UnsafeBuffer chunk(int address) {
        return chunks[chunkIndex(address)];
    }

    /**
     * A node of {@code nodeBytes} (a multiple of 8, at most {@link NodeLayout#MAX_NODE_BYTES}),
     * from the free list of that size or else fresh. Its contents are unspecified. Writer.
     *
     * @throws IllegalStateException if the arena has reached {@link #MAX_CHUNKS}
     */
    int allocate(int nodeBytes) {
        assert nodeBytes > 0 && nodeBytes <= MAX_NODE_BYTES && nodeBytes % NodeLayout.NODE_ALIGNMENT == 0
            : "nodeBytes=" + nodeBytes;
        final int units = nodeBytes >>> UNIT_SHIFT;
        final int free = freeLists[units];
        if (free != NIL) {
            freeLists[units] = chunk(free).getInt(offset(free));
            freeBytes = freeBytes - nodeBytes;
            return free;
        }
        if (bumpChunk < 0 || bumpOffsetBytes + nodeBytes > chunks[bumpChunk].capacity()) {
            addChunk();
        }
        final int address = bumpChunk << OFFSET_BITS | bumpOffsetBytes >>> UNIT_SHIFT;
        bumpOffsetBytes += nodeBytes;
        return address;
    }

    /** Records a node that is unlinked but may still be read. Writer. */
    void retire(int address, int nodeBytes) {
        retired.add(address);
        retiredBytes = retiredBytes + nodeBytes;
    }

    /**
     * Puts every retired node onto its free list. Only when no reader can be inside any of
     * them. Writer.
     *
     * @return bytes made reusable
     */
    long reclaimRetired() {
        final long bytes = retiredBytes;
        for (int i = 0, n = retired.size(); i < n; i++) {
            final int address = retired.get(i);
            final UnsafeBuffer chunk = chunk(address);
            final int offset = offset(address);
            final int units = NodeLayout.nodeBytes(chunk.getInt(offset + NodeLayout.HEADER_OFFSET)) >>> UNIT_SHIFT;
            chunk.putInt(offset, freeLists[units]);
            wrote(address, 0, Integer.BYTES);
            freeLists[units] = address;
        }
        retired.clear();
        retiredBytes = 0;
        freeBytes = freeBytes + bytes;
        return bytes;
    }

    /** Direct memory held: chunks plus the retired list. Any thread; a recent figure. */
    long offHeapBytes() {
        return chunkBytes + retired.offHeapBytes();
    }

    /** Bytes on the free lists, ready for reuse. Any thread; a recent figure. */
    long freeBytes() {
        return freeBytes;
    }

    /** Bytes of retired nodes waiting for {@link #reclaimRetired}. Any thread; a recent figure. */
    long retiredBytes() {
        return retiredBytes;
    }

    /** Frees all memory now; the caller guarantees no reader is left. Idempotent. Writer. */
    void close() {
        final UnsafeBuffer[] old = chunks;
        if (old == CLOSED) {
            return;
        }
        chunks = CLOSED;
        for (final UnsafeBuffer chunk : old) {
            DirectMemory.free(chunk.byteBuffer());
            chunk.wrap(new byte[0]); // a late access fails a bounds check instead of a SIGSEGV
        }
        retired.close();
        chunkBytes = 0;
        freeBytes = 0;
        retiredBytes = 0;
    }

    /**
     * A new arena holding a byte-for-byte copy of every chunk, in memory taken from
     * {@code space}, so every address names the same node in both, with the same free lists and
     * retired nodes. Writer of the original.
     */
    NodeArena copy(CopySpace space) {
        final UnsafeBuffer[] source = chunks;
        if (source == CLOSED) {
            throw new IllegalStateException("key listing is closed");
        }
        return restored(space.copyOf(source), bumpOffsetBytes, freeLists, freeBytes, retiredAddresses(),
            retiredBytes);
    }

    /**
     * Records that the writer stored {@code length} bytes at {@code from} in the node at
     * {@code address}, for the {@link TrackedCopy} that may be running. Every store into a
     * linked or reclaimed node is reported here. Writer.
     */
    void wrote(int address, int from, int length) {
        if (trail != null) {
            trail.wrote(chunkIndex(address), offset(address) + from, length);
        }
    }

    /** Starts a {@link TrackedCopy}; stores are recorded until {@link #finishCopy}. Writer, under the lock. */
    TrackedCopy startCopy() {
        final TrackedCopy copy = new TrackedCopy(chunks);
        trail = copy.trail();
        return copy;
    }

    /** {@code started}'s {@link TrackedCopy#mark} of the chunks as they are now. Writer, under the lock. */
    TrackedCopy.Mark markCopy(TrackedCopy started) {
        return started.mark(chunks);
    }

    /** What {@link #copy} gives, from {@code started} made exact. Writer, under the lock. */
    NodeArena finishCopy(TrackedCopy started, CopySpace space) {
        final UnsafeBuffer[] source = chunks;
        trail = null;
        if (source == CLOSED) {
            started.discard();
            throw new IllegalStateException("key listing is closed");
        }
        return restored(started.finish(source, space), bumpOffsetBytes, freeLists, freeBytes, retiredAddresses(),
            retiredBytes);
    }

    /** Reserves in {@code space} the memory {@link #copy} takes for the chunks as they are now; any thread. */
    void reserveCopy(CopySpace space) {
        space.reserveLike(chunks);
    }

    /**
     * An arena over {@code chunks} (which it now owns and frees at close, whether allocated or
     * mapped) as {@link #copy} or a checkpoint left it: the bump allocation at
     * {@code bumpOffsetBytes} in the last chunk, and the given free lists and retired nodes.
     *
     * @throws IllegalArgumentException when a chunk has the wrong size or alignment, or a figure
     *                                  or an address lies outside the chunks; nothing is freed
     */
    static NodeArena restored(UnsafeBuffer[] chunks, int bumpOffsetBytes, int[] freeListHeads, long freeBytes,
            int[] retiredAddresses, long retiredBytes) {
        if (chunks.length < 1 || chunks.length > MAX_CHUNKS) {
            throw new IllegalArgumentException(chunks.length + " chunks; an arena has 1 to " + MAX_CHUNKS);
        }
        long total = 0;
        for (int i = 0; i < chunks.length; i++) {
            if (chunks[i].capacity() != chunkBytes(i)) {
                throw new IllegalArgumentException("chunk " + i + " has " + chunks[i].capacity() + " bytes, not "
                    + chunkBytes(i));
            }
            chunks[i].verifyAlignment();
            total += chunks[i].capacity();
        }
        final int last = chunks.length - 1;
        if (bumpOffsetBytes < 0 || bumpOffsetBytes > chunks[last].capacity() || bumpOffsetBytes % NodeLayout.NODE_ALIGNMENT != 0) {
            throw new IllegalArgumentException("bump offset " + bumpOffsetBytes + " is not a node boundary in chunk "
                + last + " of " + chunks[last].capacity() + " bytes");
        }
        if (freeListHeads.length != MAX_NODE_UNITS + 1 || freeBytes < 0 || retiredBytes < 0) {
            throw new IllegalArgumentException(freeListHeads.length + " free lists, " + freeBytes + " free bytes, "
                + retiredBytes + " retired bytes; expected " + (MAX_NODE_UNITS + 1) + " lists and no negative figure");
        }
        final NodeArena arena = new NodeArena();
        arena.chunks = chunks;
        for (final int address : freeListHeads) {
            arena.checkAddress(address, bumpOffsetBytes);
        }
        for (final int address : retiredAddresses) {
            arena.checkAddress(address, bumpOffsetBytes);
            arena.retired.add(address);
        }
        System.arraycopy(freeListHeads, 0, arena.freeLists, 0, freeListHeads.length);
        arena.bumpChunk = last;
        arena.bumpOffsetBytes = bumpOffsetBytes;
        arena.chunkBytes = total;
        arena.freeBytes = freeBytes;
        arena.retiredBytes = retiredBytes;
        return arena;
    }

    /**
     * Moves every chunk that is a mapping (a checkpoint's, copy-on-write) into memory of its own,
     * and unmaps it. Writer, while no reader can see the arena.
     */
    void ownMemory() {
        final UnsafeBuffer[] before = chunks;
        final UnsafeBuffer[] moved = before.clone();
        for (int i = 0; i < moved.length; i++) {
            final UnsafeBuffer own = PrivateMappings.ownCopy(before[i]);
            moved[i] = own != null ? own : before[i];
        }
        chunks = moved;
        for (int i = 0; i < moved.length; i++) {
            if (moved[i] != before[i]) {
                DirectMemory.free(before[i].byteBuffer());
            }
        }
    }

    /** Number of chunks; the last one is where fresh nodes are cut. Writer. */
    int chunkCount() {
        return chunks.length;
    }

    /** Chunk {@code index}'s whole memory (position 0), for a checkpoint while nothing changes it. Writer. */
    ByteBuffer chunkMemory(int index) {
        return chunks[index].byteBuffer().duplicate().clear();
    }

    /** Where the next fresh node goes in the last chunk. Writer. */
    int bumpOffsetBytes() {
        return bumpOffsetBytes;
    }

    /** The head of every free list, by size in 8-byte units. Writer. */
    int[] freeListHeads() {
        return freeLists.clone();
    }

    /** The retired nodes, oldest first. Writer. */
    int[] retiredAddresses() {
        final int[] addresses = new int[retired.size()];
        for (int i = 0; i < addresses.length; i++) {
            addresses[i] = retired.get(i);
        }
        return addresses;
    }

    private void checkAddress(int address, int bumpOffsetBytes) {
        final int chunk = chunkIndex(address);
        final int limit = chunk == chunks.length - 1 ? bumpOffsetBytes : chunks.length > chunk ? chunks[chunk].capacity() : 0;
        if (address != NIL && offset(address) + NodeLayout.NODE_ALIGNMENT > limit) {
            throw new IllegalArgumentException("node address " + Integer.toUnsignedString(address, 16)
                + " lies outside the arena's nodes");
        }
    }

    /** Size of chunk {@code index}: 4 KiB doubling up to 1 MiB (chunk 8), then 1 MiB. */
    static int chunkBytes(int index) {
        assert index >= 0 && index < MAX_CHUNKS : "index=" + index;
        // Shift only while below the cap: a long shift by 64 or more would wrap (to 0 at 52).
        return index >= DOUBLING_CHUNKS ? MAX_CHUNK_BYTES : MIN_CHUNK_BYTES << index;
    }

    private void addChunk() {
        final UnsafeBuffer[] old = chunks;
        if (old == CLOSED) {
            throw new IllegalStateException("key listing is closed");
        }
        if (old.length == MAX_CHUNKS) {
            throw new IllegalStateException("key listing full: " + MAX_CHUNKS + " chunks, "
                + chunkBytes + " bytes of nodes");
        }
        final int bytes = chunkBytes(old.length);
        // Zeroed and resident in one call from 64 KiB up rather than a fault on each page's first
        // touch (DirectMemory says why); page-aligned, and freed whole by DirectMemory.free.
        final UnsafeBuffer chunk = new UnsafeBuffer(DirectMemory.allocateZeroed(bytes));
        chunk.verifyAlignment(); // int pointers must be aligned to be read and written atomically
        final UnsafeBuffer[] grown = Arrays.copyOf(old, old.length + 1);
        grown[old.length] = chunk;
        chunks = grown; // volatile: published before any node in the chunk is linked
        bumpChunk = old.length;
        bumpOffsetBytes = 0;
        chunkBytes = chunkBytes + bytes;
    }
}
