package dev.basalt.internal.env;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A file mapped for writing in place (a shared mapping, {@link FileIo#mapShared}): bytes copied
 * in are in the OS page cache at once, as after a {@code write} system call but without one, and
 * a {@code force} of the file makes them durable.
 *
 * <p>It is part of the file-system seam rather than a bare {@code MappedByteBuffer} so that the
 * seams of the test campaigns see every copy as they see every write: the power-loss model
 * records it as a change not yet durable, and the fault injector can fail it.
 *
 * <p>Threads: one writer at a time (the log's append lock); {@link #close} only once that writer
 * is done with it.
 */
public interface SharedMapping extends AutoCloseable {
    /** The mapped length in bytes, from the start of the file. */
    int capacity();

    /**
     * Copies {@code source}'s remaining bytes to {@code position} of the file and consumes them.
     *
     * @throws IOException if the copy faulted: the file system could not back a page (disk full)
     *                     or could not read it in (an I/O error); the bytes may then be partly
     *                     copied
     */
    void write(ByteBuffer source, long position) throws IOException;

    /** Unmaps the file now rather than when the collector finds the mapping; idempotent. */
    @Override
    void close();
}
