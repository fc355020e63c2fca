package dev.basalt.internal.env;

import java.io.IOException;
import java.nio.file.Path;
import net.openhft.chronicle.bytes.MappedBytesStore;
import net.openhft.chronicle.bytes.MappedFile;
import net.openhft.chronicle.core.io.ReferenceOwner;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A whole file mapped read-only for one pass at open (a checkpoint, a hint file), through the
 * {@link FileIo#mapReadOnly} seam, and unmapped by {@link #close}.
 *
 * <h2>Why a mapping and not reads into a buffer</h2>
 * Measured on the 2-vCPU VMs the engine is benchmarked on, touching fresh anonymous memory
 * costs about 15 µs per 4 KiB page (3.7 ms per MiB): a 64 MiB {@code allocateDirect} took
 * 190-250 ms, while touching 51 MiB of a mapped file already in the page cache took 15-19 ms
 * (the kernel maps 16 cached pages per fault). A read buffer is pure overhead of that kind:
 * every byte is copied once more and the buffer's pages are faulted in first.
 *
 * <h2>Safety</h2>
 * Only files that are replaced by an atomic rename and never truncated or written in place are
 * viewed this way, so no byte under the mapping can vanish while it is read. The caller
 * copies what it keeps out of the view before {@link #close}; a view must not escape.
 *
 * <p>Threads: the view may be read by any number of threads; {@link #close} after all of them.
 */
public final class ReadOnlyView implements AutoCloseable {
    private final Path path;
    private final long sizeBytes;
    private final MappedFile mappedFile;
    private final MappedBytesStore bytesStore;
    private final ReferenceOwner owner;
    private final long address;
    private boolean closed;

    private ReadOnlyView(Path path, long sizeBytes, MappedFile mappedFile, MappedBytesStore bytesStore,
            ReferenceOwner owner) {
        this.path = path;
        this.sizeBytes = sizeBytes;
        this.mappedFile = mappedFile;
        this.bytesStore = bytesStore;
        this.owner = owner;
        this.address = bytesStore.addressForRead(0);
    }

    /**
     * Maps {@code file}, whose size must be {@code sizeBytes} (at least 1).
     *
     * @throws IOException when it cannot be mapped
     */
    public static ReadOnlyView map(FileIo io, Path file, long sizeBytes) throws IOException {
        if (sizeBytes < 1) {
            throw new IOException(file + ": cannot map a file of " + sizeBytes + " bytes");
        }
        ReferenceOwner owner = ReferenceOwner.temporary("view-" + file.getFileName());
        MappedFile mappedFile = io.mapReadOnly(file, sizeBytes);
        try {
            return new ReadOnlyView(file, sizeBytes, mappedFile, mappedFile.acquireByteStore(owner, 0), owner);
        } catch (IOException | RuntimeException e) {
            mappedFile.releaseLast();
            throw e;
        }
    }

    public Path path() {
        return path;
    }

    public long sizeBytes() {
        return sizeBytes;
    }

    /** Points {@code view} at {@code [offset, offset + length)} of the file, which must lie inside it. */
    public UnsafeBuffer wrap(UnsafeBuffer view, long offset, int length) {
        if (closed || offset < 0 || length < 0 || offset + length > sizeBytes) {
            throw new IndexOutOfBoundsException(path + ": " + length + " bytes at " + offset + " of " + sizeBytes
                    + (closed ? " (closed)" : ""));
        }
        view.wrap(address + offset, length);
        return view;
    }

    /** Unmaps now (not at a later GC); idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        // As for a segment: the single-file map holds one reference for the file and one for the
        // owner, and both must go for the unmap to happen now.
        bytesStore.release(owner);
        mappedFile.releaseLast();
        if (bytesStore.refCount() > 0) {
            bytesStore.release(mappedFile);
        }
    }
}
