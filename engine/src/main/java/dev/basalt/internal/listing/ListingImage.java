package dev.basalt.internal.listing;

import dev.basalt.internal.env.CopySpace;
import dev.basalt.internal.env.DirectMemory;
import dev.basalt.internal.env.TrackedCopy;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A {@link KeyListing} saved to a checkpoint and back as what it is in memory: its arena's chunks
 * byte for byte, and the few figures beside them ({@link Shape}). Nodes name each other by
 * arena address (chunk and offset), never by memory address, so the chunks mean the same
 * wherever they are mapped. An open therefore takes a saved listing as it lies in the file
 * (mapped copy-on-write) instead of linking a million nodes into fresh memory, which on this
 * project's machines was most of an open's time ({@code docs/design.md}, "Known costs").
 *
 * <p>A restored listing is checked as far as it can be without a walk: chunk count and sizes,
 * the head node, the bump offset, and every free-list head and retired node inside the arena. Its
 * keys' order is the checkpoint's business: it is checksummed per block, and the arena was written
 * by the listing itself.
 *
 * <p>Threads: {@link #shape} and {@link #copyOut} on the listing's writer thread with nothing
 * changing it, or on a {@link #copy}; {@link #restore} before any reader can see the
 * listing.
 */
public final class ListingImage {
    private ListingImage() {
    }

    /**
     * The figures a listing needs besides its chunks.
     *
     * @param size            keys listed
     * @param topLevel        the highest level that has held a node
     * @param randomState     the level generator's state
     * @param chunkCount      arena chunks: 4 KiB doubling up to 1 MiB, then 1 MiB each
     * @param bumpOffsetBytes where the next fresh node goes in the last chunk
     * @param freeListHeads   the first free node of each size in 8-byte units ({@link #FREE_LISTS} of them), 0 for none
     * @param freeBytes       bytes on the free lists
     * @param retired         removed nodes not yet reusable; a restore makes them reusable
     * @param retiredBytes    their bytes
     */
    public record Shape(long size, int topLevel, long randomState, int chunkCount, int bumpOffsetBytes,
            int[] freeListHeads, long freeBytes, int[] retired, long retiredBytes) {
    }

    /** Number of free lists a {@link Shape} carries: one per node size in 8-byte units, 0 included. */
    public static final int FREE_LISTS = NodeLayout.MAX_NODE_UNITS + 1;

    /** The figures of {@code listing}. */
    public static Shape shape(KeyListing listing) {
        NodeArena arena = listing.arena;
        return new Shape(listing.size, listing.topLevel, listing.heights.state(), arena.chunkCount(),
                arena.bumpOffsetBytes(), arena.freeListHeads(), arena.freeBytes(), arena.retiredAddresses(),
                arena.retiredBytes());
    }

    /** Takes one arena chunk's memory from its position to its limit. */
    @FunctionalInterface
    public interface ChunkSink {
        void write(ByteBuffer chunk) throws IOException;
    }

    /** Hands every arena chunk of {@code listing} to {@code sink}, in order. */
    public static void copyOut(KeyListing listing, ChunkSink sink) throws IOException {
        NodeArena arena = listing.arena;
        for (int i = 0; i < arena.chunkCount(); i++) {
            sink.write(arena.chunkMemory(i));
        }
    }

    /**
     * Moves the listing's mapped chunks into memory of its own (see {@link #restore}); on its
     * writer thread, while no reader can see it.
     */
    public static void ownMemory(KeyListing listing) {
        listing.arena.ownMemory();
    }

    /**
     * A listing over {@code chunks} (allocated or mapped copy-on-write), which it owns from now
     * on: on success they are freed when the listing is closed; on failure they are freed before
     * this throws. Retired nodes in the shape are made reusable: no reader can be in them.
     *
     * @throws IllegalArgumentException when the chunks or the figures are not a listing's
     */
    public static KeyListing restore(Shape shape, ByteBuffer[] chunks) {
        try {
            if (chunks.length != shape.chunkCount()) {
                throw new IllegalArgumentException(chunks.length + " arena chunks; the listing has " + shape.chunkCount());
            }
            if (shape.size() < 0 || shape.topLevel() < 1 || shape.topLevel() > NodeLayout.MAX_LEVEL) {
                throw new IllegalArgumentException("size " + shape.size() + " and top level " + shape.topLevel()
                        + " are not a listing's (levels 1 to " + NodeLayout.MAX_LEVEL + ")");
            }
            UnsafeBuffer[] wrapped = new UnsafeBuffer[chunks.length];
            for (int i = 0; i < chunks.length; i++) {
                wrapped[i] = new UnsafeBuffer(chunks[i]);
            }
            NodeArena arena = NodeArena.restored(wrapped, shape.bumpOffsetBytes(), shape.freeListHeads(),
                    shape.freeBytes(), shape.retired(), shape.retiredBytes());
            int head = wrapped[0].getInt(NodeArena.offset(KeyListing.HEAD) + NodeLayout.HEADER_OFFSET);
            if (head != NodeLayout.header(0, NodeLayout.MAX_LEVEL)) {
                throw new IllegalArgumentException("the first node is not the listing's head (header "
                        + Integer.toHexString(head) + ")");
            }
            arena.reclaimRetired();
            return new KeyListing(arena, shape.randomState(), shape.topLevel(), shape.size());
        } catch (RuntimeException e) {
            for (ByteBuffer chunk : chunks) {
                DirectMemory.free(chunk);
            }
            throw e;
        }
    }

    /**
     * A copy of the listing as it stands, in memory of its own: the original's arena chunks
     * copied byte for byte (a memory copy, no walk), so it takes a few milliseconds per million
     * keys where a walk takes a cache miss per key. Writer: it must not run beside a mutation. The
     * copy is independent of the original and is closed by its taker. For a checkpoint, which
     * saves the copy with the writers running again. Its memory comes from {@code space}.
     */
    public static KeyListing copy(KeyListing listing, CopySpace space) {
        listing.checkOpen();
        return new KeyListing(listing.arena.copy(space), listing.heights.state(), listing.topLevel, listing.size);
    }

    /** Starts a {@link TrackedCopy} of the listing's memory; writer, under the lock. */
    public static TrackedCopy startCopy(KeyListing listing) {
        listing.checkOpen();
        return listing.arena.startCopy();
    }

    /** {@code started}'s mark for a catch-up without the lock ({@link TrackedCopy#catchUp}); writer, under the lock. */
    public static TrackedCopy.Mark markCopy(KeyListing listing, TrackedCopy started) {
        listing.checkOpen();
        return listing.arena.markCopy(started);
    }

    /** What {@link #copy} gives, from {@code started} made exact; writer, under the lock. */
    public static KeyListing finishCopy(KeyListing listing, TrackedCopy started, CopySpace space) {
        return new KeyListing(listing.arena.finishCopy(started, space), listing.heights.state(), listing.topLevel,
            listing.size);
    }

    /** Reserves in {@code space} the memory a {@link #copy} takes as the listing is now; any thread. */
    public static void reserveCopy(KeyListing listing, CopySpace space) {
        listing.arena.reserveCopy(space);
    }
}
