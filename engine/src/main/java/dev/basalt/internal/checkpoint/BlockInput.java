package dev.basalt.internal.checkpoint;

import static dev.basalt.internal.checkpoint.CheckpointFormat.*;

import dev.basalt.internal.env.FileHandle;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/** Reads a checkpoint's blocks in order, each checked against its CRC32C before it is returned. */
final class BlockInput {
    private final FileHandle file;
    private final long size;
    private final ByteBuffer frame = ByteBuffer.allocateDirect(BLOCK_HEADER_BYTES).order(ORDER);
    private final ByteBuffer block = ByteBuffer.allocateDirect(MAX_PAYLOAD_BYTES + BLOCK_TRAILER_BYTES).order(ORDER);
    private final CRC32C crc = new CRC32C();
    private long position;
    private long blocks;

    BlockInput(FileHandle file) throws IOException {
        this.file = file;
        this.size = file.size();
    }

    /** The kind of the next block, without consuming it. */
    int peekKind() throws IOException, CheckpointRejected {
        readFrame();
        return frame.getInt(0);
    }

    /**
     * The next block's payload (valid until the next call), which must be of {@code kind}.
     *
     * @throws CheckpointRejected when the file ends, or the block is of another kind, too long or damaged
     */
    ByteBuffer next(int kind) throws IOException, CheckpointRejected {
        readFrame();
        int found = frame.getInt(0);
        int length = frame.getInt(4);
        long at = position;
        if (found != kind) {
            throw new CheckpointRejected("block " + blocks + " at offset " + at + " is " + kindName(found)
                    + ", expected " + kindName(kind));
        }
        if (length < 0 || length > MAX_PAYLOAD_BYTES || at + BLOCK_HEADER_BYTES + length + BLOCK_TRAILER_BYTES > size) {
            throw new CheckpointRejected("block " + blocks + " at offset " + at + " claims " + length
                    + " bytes; the file has " + (size - at - BLOCK_HEADER_BYTES) + " after its header");
        }
        block.clear().limit(length + BLOCK_TRAILER_BYTES);
        readFully(block, at + BLOCK_HEADER_BYTES);
        crc.reset();
        crc.update(frame.duplicate().clear());
        crc.update(block.duplicate().flip().limit(length));
        int stored = block.getInt(length);
        if (stored != (int) crc.getValue()) {
            throw new CheckpointRejected(kindName(kind) + " block " + blocks + " at offset " + at
                    + " fails its checksum (stored " + Integer.toHexString(stored) + ", computed "
                    + Long.toHexString(crc.getValue()) + ")");
        }
        position = at + BLOCK_HEADER_BYTES + length + BLOCK_TRAILER_BYTES;
        blocks++;
        return block.flip().limit(length);
    }

    /** Blocks read so far. */
    long blocks() {
        return blocks;
    }

    /** True when every byte of the file was read. */
    boolean atEnd() {
        return position == size;
    }

    private void readFrame() throws IOException, CheckpointRejected {
        if (position + BLOCK_HEADER_BYTES > size) {
            throw new CheckpointRejected("the file ends at " + size + " bytes, inside or before block " + blocks
                    + " (truncated)");
        }
        frame.clear();
        readFully(frame, position);
    }

    private void readFully(ByteBuffer target, long at) throws IOException {
        long offset = at;
        while (target.hasRemaining()) {
            int read = file.read(target, offset);
            if (read < 0) {
                throw new IOException("unexpected end of " + file.path() + " at " + offset);
            }
            offset += read;
        }
    }
}
