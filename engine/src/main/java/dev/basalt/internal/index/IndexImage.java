package dev.basalt.internal.index;

import dev.basalt.internal.env.CopySpace;
import dev.basalt.internal.env.DirectMemory;
import dev.basalt.internal.env.TrackedCopy;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A {@link HashIndex}'s slot table saved to a checkpoint and back, byte for byte, so that an
 * open takes the index as it lies in the file (mapped copy-on-write: a slot's page becomes
 * private memory when the index first writes it) instead of one random insert per key. The
 * image is valid only under the hash seed it was built with; the checkpoint stores that seed
 * beside it.
 *
 * <p>A restored table is checked before it is used: its capacity must be one of the table's
 * steps, and a count of its slots must give exactly the live keys and tombstones the checkpoint
 * claims, with every slot empty, live or a tombstone and the load within its limit. A table that
 * passes is a table the index could have built itself; which record each location names is the
 * checkpoint's business (it is checksummed per block).
 *
 * <p>Threads: {@link #copyOut} on the index's writer thread (no concurrent mutation), or after the
 * writers stopped; {@link #restore} before any reader can see the new index.
 */
public final class IndexImage {
    /** Bytes of one slot in the image: {@code [keyHash u64][location u64]}, native order. */
    public static final int SLOT_BYTES = SlotTable.SLOT_BYTES;

    private IndexImage() {
    }

    /** Takes the table's memory chunk by chunk, in slot order. */
    @FunctionalInterface
    public interface ChunkSink {
        /** Consumes {@code chunk} from its position to its limit. */
        void write(ByteBuffer chunk) throws IOException;
    }

    /** The figures a copy-in needs besides the slot bytes. */
    public record Shape(int capacitySlots, int liveKeys, int deletedSlots) {
        public long bytes() {
            return (long) capacitySlots * SLOT_BYTES;
        }
    }

    public static Shape shape(HashIndex index) {
        return new Shape(index.table().capacitySlots, index.size(), index.deletedSlots());
    }

    /**
     * A new index with a copy of {@code index}'s slots (a memory copy, milliseconds per million
     * keys, into memory from {@code space}), for a checkpoint to copy out while the writers
     * change the original. On the index's writer thread; the caller closes the copy.
     */
    public static HashIndex copy(HashIndex index, CopySpace space) {
        return new HashIndex(index.table().copy(space), index.size(), index.deletedSlots());
    }

    /**
     * Starts a {@link TrackedCopy} of {@code index}'s table: the slots are copied without the
     * writers' lock, and {@link #finishCopy} makes the copy exact under it. On the index's writer
     * thread, under the lock.
     */
    public static TrackedCopy startCopy(HashIndex index) {
        return index.table().startCopy();
    }

    /**
     * {@code started}'s mark for a catch-up without the lock ({@link TrackedCopy#catchUp}), or
     * null when the index replaced its table since the start (grew, or dropped its tombstones):
     * start a copy of the new table then. Under the lock.
     */
    public static TrackedCopy.Mark markCopy(HashIndex index, TrackedCopy started) {
        SlotTable table = index.table();
        return table.isCopiedBy(started) ? table.markCopy(started) : null;
    }

    /**
     * What {@link #copy} gives, from {@code started} (a {@link #startCopy} of this index, copied
     * since) made exact: only what the writer stored since the start is copied again. When the
     * table was replaced since (it grew, or dropped its tombstones), the new one is copied in
     * full. On the index's writer thread, under the lock; the caller closes the copy.
     */
    public static HashIndex finishCopy(HashIndex index, TrackedCopy started, CopySpace space) {
        return new HashIndex(index.table().finishCopy(started, space), index.size(), index.deletedSlots());
    }

    /**
     * Reserves in {@code space} the memory a {@link #copy} of {@code index} takes as it is now;
     * any thread (a table the writer replaces meanwhile is only a reservation that goes unused).
     */
    public static void reserveCopy(HashIndex index, CopySpace space) {
        index.currentTable().reserveCopy(space);
    }

    /** Hands the table's slots to {@code sink}, {@link Shape#bytes()} in all. */
    public static void copyOut(HashIndex index, ChunkSink sink) throws IOException {
        SlotTable table = index.table();
        for (int i = 0; i < table.chunkCount(); i++) {
            sink.write(table.chunkMemory(i));
        }
    }

    /**
     * A new index over {@code chunks}, the slots as {@link #copyOut} gave them (allocated, or
     * mapped copy-on-write from a checkpoint), which it owns from now on: on success they are
     * freed with the index; on failure they are freed before this throws.
     *
     * @throws IllegalArgumentException when the shape is not a table's, or the slots disagree with it
     */
    public static HashIndex restore(Shape shape, ByteBuffer[] chunks) {
        try {
            if (!SlotTable.isCapacityStep(shape.capacitySlots())
                    || shape.capacitySlots() > SlotTable.MAX_CAPACITY_SLOTS) {
                throw new IllegalArgumentException("capacitySlots=" + shape.capacitySlots() + " is not a table size");
            }
            UnsafeBuffer[] wrapped = new UnsafeBuffer[chunks.length];
            for (int i = 0; i < chunks.length; i++) {
                wrapped[i] = new UnsafeBuffer(chunks[i]);
            }
            SlotTable table = new SlotTable(shape.capacitySlots(), wrapped);
            checkCounts(table, shape);
            return new HashIndex(table, shape.liveKeys(), shape.deletedSlots());
        } catch (RuntimeException e) {
            for (ByteBuffer chunk : chunks) {
                DirectMemory.free(chunk);
            }
            throw e;
        }
    }

    /**
     * Moves the table's mapped chunks into memory of its own (see {@link #restore}), or into a
     * larger table when it would soon grow, that one on two threads ({@link LiveSlotCopy}); only
     * at open, while no reader can see the index.
     *
     * @param expectedKeys the keys the writer expects the index to hold before it is done with
     *                     it, or {@link #UNKNOWN}
     */
    public static void ownMemory(HashIndex index, long expectedKeys) {
        SlotTable table = index.table();
        long expected = expectedKeys;
        if (expected == UNKNOWN) {
            // Without an estimate, one 0.6 full is taken to be near its growth.
            boolean nearGrowth = (long) (index.size() + index.deletedSlots()) * 5 >= (long) table.capacitySlots * 3;
            expected = nearGrowth ? SlotTable.maxUsedSlots(SlotTable.nextCapacity(table.capacitySlots)) : index.size();
        }
        // A table that would grow anyway is rebuilt at the size it needs rather than copied:
        // one copy of every slot costs half of two (at 10 M keys each is hundreds of ms).
        if (expected + index.deletedSlots() > table.maxUsedSlots) {
            index.rehashFor(Math.min(expected, SlotTable.MAX_KEYS)).free();
        } else {
            table.ownMemory();
        }
    }

    /** {@link #ownMemory}'s expected keys when the writer cannot tell. */
    public static final long UNKNOWN = -1;

    private static void checkCounts(SlotTable table, Shape shape) {
        SlotCensus census = SlotCensus.of(table);
        long live = census.live;
        long deleted = census.deleted;
        if (live != shape.liveKeys() || deleted != shape.deletedSlots()) {
            throw new IllegalArgumentException("the slots hold " + live + " keys and " + deleted
                    + " tombstones; the image says " + shape.liveKeys() + " and " + shape.deletedSlots());
        }
        if (live + deleted > table.maxUsedSlots) {
            throw new IllegalArgumentException(live + " keys and " + deleted + " tombstones exceed the load limit "
                    + table.maxUsedSlots + " of " + table.capacitySlots + " slots");
        }
    }
}
