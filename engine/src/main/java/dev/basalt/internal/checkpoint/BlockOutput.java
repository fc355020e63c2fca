package dev.basalt.internal.checkpoint;

import static dev.basalt.internal.checkpoint.CheckpointFormat.*;

import dev.basalt.internal.env.FileHandle;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * Writes a checkpoint as a sequence of checksummed blocks ({@code docs/format.md}): each block is
 * {@code kind u32, length u32, payload, CRC32C u32} over the first three.
 */
final class BlockOutput {
    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(MAPPED_ALIGNMENT);

    private final FileHandle file;
    private final ByteBuffer frame = ByteBuffer.allocateDirect(BLOCK_HEADER_BYTES).order(ORDER);
    private final ByteBuffer trailer = ByteBuffer.allocateDirect(BLOCK_TRAILER_BYTES).order(ORDER);
    private final CRC32C crc = new CRC32C();
    private long position;
    private long blocks;

    BlockOutput(FileHandle file) {
        this.file = file;
    }

    /** Writes one block whose payload is {@code parts} one after the other, each from its position to its limit. */
    void block(int kind, ByteBuffer... parts) throws IOException {
        long length = 0;
        for (ByteBuffer part : parts) {
            length += part.remaining();
        }
        if (length > maxPayloadBytes(kind)) {
            throw new IllegalArgumentException(kindName(kind) + " block of " + length + " bytes exceeds "
                    + maxPayloadBytes(kind));
        }
        frame.clear();
        frame.putInt(kind).putInt((int) length).flip();
        crc.reset();
        crc.update(frame.duplicate());
        for (ByteBuffer part : parts) {
            crc.update(part.duplicate());
        }
        trailer.clear();
        trailer.putInt((int) crc.getValue()).flip();
        write(frame);
        for (ByteBuffer part : parts) {
            write(part.duplicate());
        }
        write(trailer);
        blocks++;
    }

    /**
     * Writes one block of a mapped kind whose payload starts at a multiple of
     * {@link CheckpointFormat#MAPPED_ALIGNMENT} in the file, after a padding block if needed.
     */
    void aligned(int kind, ByteBuffer... parts) throws IOException {
        assert isMapped(kind) : kindName(kind);
        if ((position + BLOCK_HEADER_BYTES) % MAPPED_ALIGNMENT != 0) {
            long framing = BLOCK_HEADER_BYTES + BLOCK_TRAILER_BYTES + BLOCK_HEADER_BYTES;
            int padding = (int) Math.floorMod(-(position + framing), (long) MAPPED_ALIGNMENT);
            block(KIND_PADDING, ZEROS.duplicate().limit(padding));
        }
        block(kind, parts);
    }

    long bytesWritten() {
        return position;
    }

    /** Blocks written so far. */
    long blocks() {
        return blocks;
    }

    private void write(ByteBuffer source) throws IOException {
        int length = source.remaining();
        file.writeFully(source, position);
        position += length;
    }

    /** Packs small entries into blocks of about {@link CheckpointFormat#ENTRY_BLOCK_BYTES}. */
    final class EntryBlocks {
        private final int kind;
        private final ByteBuffer buffer = ByteBuffer.allocateDirect(ENTRY_BLOCK_BYTES).order(ORDER);

        EntryBlocks(int kind) {
            this.kind = kind;
        }

        /** Room for an entry of {@code bytes}, flushing the block first when it is full. */
        ByteBuffer room(int bytes) throws IOException {
            if (buffer.remaining() < bytes) {
                flush();
            }
            return buffer;
        }

        void flush() throws IOException {
            if (buffer.position() > 0) {
                buffer.flip();
                block(kind, buffer);
                buffer.clear();
            }
        }
    }
}
