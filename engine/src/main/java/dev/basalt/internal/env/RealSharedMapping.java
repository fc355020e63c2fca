package dev.basalt.internal.env;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A {@code MAP_SHARED} mapping of a real file, written by plain memory copies, mapped one window
 * of {@link #WINDOW_BYTES} at a time: the window the writer is in, the one before unmapped when
 * it moves on.
 *
 * <p>Why not the whole file at once: writeback of a dirty page that a process maps writable must
 * first take the write permission away (the kernel's {@code folio_mkclean}), and on a machine
 * with more than one core that is a TLB shootdown, an interrupt to every core running the
 * process, for each folio written back. The force that follows the writer then interrupted the
 * writer once per folio behind it, and the writer's next store to such a page faulted again (a
 * profile of a sustained overwrite at 1 M keys put 75 % of the forcing thread's samples in those
 * shootdowns). Pages of a window already unmapped have no writable mapping left, so their
 * writeback touches no page table; the price is one unmap (one shootdown) per window.
 *
 * <p>Threads: one writer at a time, as {@link SharedMapping} says.
 */
final class RealSharedMapping implements SharedMapping {
    /** Bytes of the file mapped at once; a multiple of every page size in use. */
    static final int WINDOW_BYTES = 4 << 20;
    private static final int MAX_MAP_ATTEMPTS = 8;

    private final Path file;
    private final int capacity;
    private FileChannel channel;
    /** The mapped window, or an empty array while none is mapped. */
    private UnsafeBuffer memory = new UnsafeBuffer(new byte[0]);
    /** The file offset of {@link #memory}'s first byte; -1 while none is mapped. */
    private long windowStart = -1;

    RealSharedMapping(Path file, FileChannel channel, int capacity) {
        this.file = file;
        this.channel = channel;
        this.capacity = capacity;
    }

    @Override
    public int capacity() {
        return capacity;
    }

    @Override
    public void write(ByteBuffer source, long position) throws IOException {
        int length = source.remaining();
        if (position < 0 || position + length > capacity) {
            throw new IOException(length + " bytes at offset " + position + " do not fit the " + capacity
                    + "-byte mapping of " + file);
        }
        long at = position;
        int from = source.position();
        int end = source.limit();
        while (from < end) {
            mapWindowAt(at);
            int inWindow = (int) Math.min(end - from, windowStart + memory.capacity() - at);
            copy(source, from, inWindow, at);
            from += inWindow;
            at += inWindow;
        }
        source.position(end);
    }

    private void copy(ByteBuffer source, int from, int length, long at) throws IOException {
        try {
            memory.putBytes((int) (at - windowStart), source, from, length);
        } catch (InternalError fault) {
            // The JVM's report of a SIGBUS in the copy: the page could not be backed or read in.
            throw new IOException("writing " + length + " bytes at offset " + at + " of " + file
                    + " through its mapping failed; the file system could not back the page (No space left on"
                    + " device, or an I/O error): " + fault.getMessage(), fault);
        }
    }

    /** Makes the window that holds file offset {@code at} the mapped one, unmapping the previous. */
    private void mapWindowAt(long at) throws IOException {
        if (at >= windowStart && at < windowStart + memory.capacity()) { // never while none is mapped: capacity 0
            return;
        }
        if (channel == null) {
            throw new IOException("the mapping of " + file + " is closed");
        }
        unmapWindow();
        long start = at - at % WINDOW_BYTES;
        memory = new UnsafeBuffer(mapUninterrupted(start, (int) Math.min(WINDOW_BYTES, capacity - start)));
        windowStart = start;
    }

    /**
     * Maps with the caller's interrupt flag cleared and restored after: an interrupt during a
     * channel's call closes the channel ({@link InterruptSafeChannel} says why that matters), and
     * puts run on callers' threads. One that lands during the call anyway is survived by
     * reopening the channel and mapping again.
     */
    private MappedByteBuffer mapUninterrupted(long start, int length) throws IOException {
        boolean interrupted = Thread.interrupted();
        try {
            for (int attempt = 1; ; attempt++) {
                try {
                    return channel.map(FileChannel.MapMode.READ_WRITE, start, length);
                } catch (ClosedChannelException e) { // ClosedByInterruptException among them
                    interrupted |= Thread.interrupted();
                    if (attempt == MAX_MAP_ATTEMPTS) {
                        throw e;
                    }
                    channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void unmapWindow() {
        ByteBuffer released = memory.byteBuffer(); // null for the empty array
        memory = new UnsafeBuffer(new byte[0]);
        windowStart = -1;
        if (released != null) {
            DirectMemory.free(released);
        }
    }

    @Override
    public void close() {
        unmapWindow();
        FileChannel open = channel;
        channel = null;
        if (open != null) {
            try {
                open.close();
            } catch (IOException e) {
                // Nothing was written through the channel itself: closing it loses nothing.
            }
        }
    }
}
