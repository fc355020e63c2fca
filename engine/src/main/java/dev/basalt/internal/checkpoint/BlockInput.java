package dev.basalt.internal.checkpoint;

import static dev.basalt.internal.checkpoint.CheckpointFormat.*;

import dev.basalt.internal.env.ReadOnlyView;
import org.agrona.checksum.Crc32c;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Walks a checkpoint's blocks in order over a read-only mapping of the file. {@link #next}
 * checks a block's frame and its CRC32C and returns a view of its payload; {@link #skip} checks
 * only the frame and returns where the block starts, so that its payload can be checked and
 * used later, possibly on another thread, by {@link #verified}. Every block is checked before
 * any byte of its payload is used, whichever way it is read.
 *
 * <p>The CRC32C is computed on the mapped memory (the JDK's intrinsic, through Agrona): no
 * payload is copied before it is used.
 *
 * <p>Threads: one walker; {@link #verified} is stateless and may run on any thread while the view
 * is open.
 */
final class BlockInput {
    private final ReadOnlyView file;
    private final long size;
    private final UnsafeBuffer frame = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer payload = new UnsafeBuffer(0, 0);
    private long position;
    private long blocks;

    BlockInput(ReadOnlyView file) {
        this.file = file;
        this.size = file.sizeBytes();
    }

    /** The kind of the next block, without consuming it. */
    int peekKind() throws CheckpointRejected {
        readFrame();
        return frame.getInt(0, ORDER);
    }

    /**
     * The next block's payload (a view valid until the next call), which must be of {@code kind}.
     *
     * @throws CheckpointRejected when the file ends, or the block is of another kind, too long or damaged
     */
    UnsafeBuffer next(int kind) throws CheckpointRejected {
        long at = skip(kind);
        return verified(file, at, blocks - 1, kind, payload);
    }

    /**
     * Passes over the next block, which must be of {@code kind}, checking its frame only.
     *
     * @return where it starts in the file, for {@link #verified}
     */
    long skip(int kind) throws CheckpointRejected {
        readFrame();
        int found = frame.getInt(0, ORDER);
        int length = frame.getInt(4, ORDER);
        long at = position;
        if (found != kind) {
            throw new CheckpointRejected("block " + blocks + " at offset " + at + " is " + kindName(found)
                    + ", expected " + kindName(kind));
        }
        if (length < 0 || length > maxPayloadBytes(kind) || at + BLOCK_HEADER_BYTES + length + BLOCK_TRAILER_BYTES > size) {
            throw new CheckpointRejected("block " + blocks + " at offset " + at + " claims " + length
                    + " bytes; the file has " + (size - at - BLOCK_HEADER_BYTES) + " after its header");
        }
        position = at + BLOCK_HEADER_BYTES + length + BLOCK_TRAILER_BYTES;
        blocks++;
        return at;
    }

    /**
     * The payload of the block at {@code at} (which {@link #skip} passed as block number
     * {@code number}) as a view in {@code into}, after its CRC32C matched.
     *
     * @throws CheckpointRejected when the block fails its checksum
     */
    static UnsafeBuffer verified(ReadOnlyView file, long at, long number, int kind, UnsafeBuffer into)
            throws CheckpointRejected {
        file.wrap(into, at, BLOCK_HEADER_BYTES);
        int length = into.getInt(4, ORDER);
        // One pass over kind, length and payload: they are contiguous in the file.
        file.wrap(into, at, BLOCK_HEADER_BYTES + length + BLOCK_TRAILER_BYTES);
        int computed = Crc32c.INSTANCE.compute(into.addressOffset(), 0, BLOCK_HEADER_BYTES + length);
        int stored = into.getInt(BLOCK_HEADER_BYTES + length, ORDER);
        if (stored != computed) {
            throw new CheckpointRejected(kindName(kind) + " block " + number + " at offset " + at
                    + " fails its checksum (stored " + Integer.toHexString(stored) + ", computed "
                    + Integer.toHexString(computed) + ")");
        }
        return file.wrap(into, at + BLOCK_HEADER_BYTES, length);
    }

    /** Blocks passed so far. */
    long blocks() {
        return blocks;
    }

    /** True when every byte of the file was passed. */
    boolean atEnd() {
        return position == size;
    }

    private void readFrame() throws CheckpointRejected {
        if (position + BLOCK_HEADER_BYTES > size) {
            throw new CheckpointRejected("the file ends at " + size + " bytes, inside or before block " + blocks
                    + " (truncated)");
        }
        file.wrap(frame, position, BLOCK_HEADER_BYTES);
    }
}
