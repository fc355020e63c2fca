package dev.basalt.internal.env;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileLock;
import java.nio.file.Path;

/**
 * An open file of the {@link FileIo} seam: positional reads and writes, force, truncate, size
 * and lock, the operations the engine performs on a {@code FileChannel}. A handle closed by a
 * caller's interrupt reports {@link #isOpen()} false and is reopened by
 * {@link InterruptSafeChannel}.
 */
public interface FileHandle extends AutoCloseable {
    Path path();

    /** Reads into {@code target} from {@code position}; -1 at the end of the file. */
    int read(ByteBuffer target, long position) throws IOException;

    /** Writes some of {@code source} at {@code position}; returns the bytes written. */
    int write(ByteBuffer source, long position) throws IOException;

    /** fdatasync ({@code metadata} false) or fsync ({@code metadata} true). */
    void force(boolean metadata) throws IOException;

    void truncate(long sizeBytes) throws IOException;

    long size() throws IOException;

    /** An exclusive lock on the whole file, or null when another process holds one. */
    FileLock tryLock() throws IOException;

    boolean isOpen();

    @Override
    void close() throws IOException;

    /** Writes all of {@code source} at {@code position}. */
    default void writeFully(ByteBuffer source, long position) throws IOException {
        long at = position;
        while (source.hasRemaining()) {
            at += write(source, at);
        }
    }
}
