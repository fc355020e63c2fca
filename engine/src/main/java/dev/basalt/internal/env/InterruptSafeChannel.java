package dev.basalt.internal.env;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Path;

/**
 * A file channel that a caller's {@link Thread#interrupt()} cannot break for everyone.
 *
 * <p>Why: an interrupt during {@code FileChannel} I/O closes the channel for every thread, and
 * writes run on callers' threads. Each operation runs with the caller's interrupt flag cleared
 * and restored afterwards; if an interrupt still lands mid-call (and closes the channel), the
 * channel is reopened and the positional operation retried, which is safe because every write
 * names its position.
 *
 * <p>Threads: callers serialise writes and forces (the log's append lock, or the group-commit
 * leader); {@link #reopenIfClosed} is synchronized so two threads never reopen at once.
 */
public final class InterruptSafeChannel implements AutoCloseable {
    private static final int MAX_ATTEMPTS = 8;
    private final FileIo io;
    private final Path path;
    private volatile FileHandle channel;
    private volatile boolean closed;

    public InterruptSafeChannel(FileIo io, Path path) throws IOException {
        this.io = io;
        this.path = path;
        this.channel = io.open(path, true);
    }

    public Path path() {
        return path;
    }

    /** Writes all of {@code source} at {@code position}. Allocation-free (the put path relies on it). */
    public void write(ByteBuffer source, long position) throws IOException {
        run(WRITE, source, position);
    }

    public void force() throws IOException {
        run(FORCE, null, 0);
    }

    public void truncate(long size) throws IOException {
        run(TRUNCATE, null, size);
    }

    public long size() throws IOException {
        return run(SIZE, null, 0);
    }

    /**
     * One positional operation, handed everything it uses, so that a call captures no lambda:
     * a capturing one would cost every append an object unless the JIT happened to remove it.
     */
    private interface Op {
        long run(FileHandle channel, ByteBuffer buffer, long position) throws IOException;
    }

    private static final Op WRITE = (channel, source, position) -> {
        long at = position;
        while (source.hasRemaining()) {
            at += channel.write(source, at);
        }
        return 0;
    };
    private static final Op FORCE = (channel, unused, position) -> {
        channel.force(false);
        return 0;
    };
    private static final Op TRUNCATE = (channel, unused, size) -> {
        channel.truncate(size);
        return 0;
    };
    private static final Op SIZE = (channel, unused, position) -> channel.size();

    /** Runs {@code op}, again from the buffer's start position after a reopen (writes name their position). */
    private long run(Op op, ByteBuffer buffer, long position) throws IOException {
        int bufferStart = buffer == null ? 0 : buffer.position();
        boolean interrupted = Thread.interrupted();
        try {
            for (int attempt = 1; ; attempt++) {
                try {
                    if (buffer != null) {
                        buffer.position(bufferStart);
                    }
                    return op.run(channel, buffer, position);
                } catch (ClosedByInterruptException e) {
                    interrupted = true;
                    Thread.interrupted();
                    if (attempt == MAX_ATTEMPTS) {
                        throw e;
                    }
                    reopenIfClosed();
                } catch (ClosedChannelException e) {
                    if (closed || attempt == MAX_ATTEMPTS) {
                        throw e;
                    }
                    reopenIfClosed();
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private synchronized void reopenIfClosed() throws IOException {
        if (!closed && !channel.isOpen()) {
            channel = io.open(path, true);
        }
    }

    @Override
    public synchronized void close() throws IOException {
        closed = true;
        channel.close();
    }
}
