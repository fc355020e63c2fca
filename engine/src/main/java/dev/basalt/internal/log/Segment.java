package dev.basalt.internal.log;

import dev.basalt.BasaltException;
import dev.basalt.internal.env.FileIo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import net.openhft.chronicle.bytes.MappedBytesStore;
import net.openhft.chronicle.bytes.MappedFile;
import net.openhft.chronicle.core.io.ReferenceOwner;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One segment file as readers see it: a read-only memory map of its whole capacity (through
 * Chronicle Bytes), viewed through an Agrona buffer, of which only {@code [0, dataEnd)} may be
 * touched.
 *
 * <p>Threads: any number of readers; the log's append lock publishes {@link #dataEnd}.
 * Lifetime: the log holds one reference; long-lived readers (value streams) take another with
 * {@link #retain()}. Short reads are protected by the store's read epochs instead, which is
 * why retiring a segment first waits for those epochs and only then drops the log's
 * reference. The mapping is released when the last reference goes, never earlier: unmapping
 * under a reader crashes the JVM.
 *
 * <p>Invariant: {@code dataEnd} only grows, and every byte below it has been written through
 * the file channel (never through the map) before it is published.
 */
public final class Segment {
    private final long id;
    private final Path path;
    private final long capacityBytes;
    private final int mask;
    private final MappedFile mappedFile;
    private final MappedBytesStore bytesStore;
    private final ReferenceOwner owner;
    private final UnsafeBuffer buffer;
    private final AtomicInteger references = new AtomicInteger(1);
    private volatile long dataEnd;
    /** The file's modification time once sealed, read on first use; 0: not read yet. */
    private volatile long sealedModifiedNanos;

    private Segment(long id, Path path, long capacityBytes, int mask, MappedFile mappedFile,
            MappedBytesStore bytesStore, ReferenceOwner owner, long dataEnd) {
        this.id = id;
        this.path = path;
        this.capacityBytes = capacityBytes;
        this.mask = mask;
        this.mappedFile = mappedFile;
        this.bytesStore = bytesStore;
        this.owner = owner;
        this.buffer = new UnsafeBuffer(bytesStore.addressForRead(0), (int) capacityBytes);
        this.dataEnd = dataEnd;
    }

    /** Maps {@code path}, whose length must already be {@code capacityBytes}. */
    public static Segment map(FileIo io, Path path, long id, long capacityBytes, int mask, long dataEnd) {
        ReferenceOwner owner = ReferenceOwner.temporary("segment-" + id);
        MappedFile mappedFile = null;
        try {
            mappedFile = io.mapReadOnly(path, capacityBytes);
            MappedBytesStore store = mappedFile.acquireByteStore(owner, 0);
            return new Segment(id, path, capacityBytes, mask, mappedFile, store, owner, dataEnd);
        } catch (IOException | RuntimeException e) {
            if (mappedFile != null) {
                mappedFile.releaseLast();
            }
            throw new BasaltException("cannot map segment " + path + ": " + e.getMessage(), e);
        }
    }

    public long id() {
        return id;
    }

    public Path path() {
        return path;
    }

    public long capacityBytes() {
        return capacityBytes;
    }

    /** The checksum mask of records in this segment. */
    public int mask() {
        return mask;
    }

    /** The mapped bytes; touch only {@code [0, dataEnd())}. */
    public UnsafeBuffer buffer() {
        return buffer;
    }

    public long dataEnd() {
        return dataEnd;
    }

    /**
     * The file's modification time, for a segment already sealed: its file never changes again,
     * so the time is asked of the file system once and remembered, and a checkpoint captured
     * under the writers' lock makes no system call for the segments it covers whole (a cold
     * first call took milliseconds). Should the file change behind the store's back after all,
     * the time remembered is the one the open then finds wrong, which is the point of noting it.
     */
    public long sealedModifiedNanos(FileIo io) throws IOException {
        long noted = sealedModifiedNanos;
        if (noted == 0) {
            noted = io.lastModifiedNanos(path);
            sealedModifiedNanos = noted;
        }
        return noted;
    }

    void publishDataEnd(long newDataEnd) {
        assert newDataEnd >= dataEnd : "dataEnd only grows";
        dataEnd = newDataEnd;
    }

    /** Recovery only, before any reader: shrinks the readable range to the data found. */
    void limitDataEnd(long foundDataEnd) {
        dataEnd = foundDataEnd;
    }

    /** Takes a reference for a long-lived reader; false once the segment is released. */
    public boolean retain() {
        for (int n = references.get(); n > 0; n = references.get()) {
            if (references.compareAndSet(n, n + 1)) {
                return true;
            }
        }
        return false;
    }

    /** Drops a reference; the last one unmaps. */
    public void release() {
        int left = references.decrementAndGet();
        assert left >= 0 : "released more often than retained";
        if (left == 0) {
            unmap();
        }
    }

    private void unmap() {
        // Chronicle's single-file map keeps one reference for the file and one for our owner;
        // both must go for the unmap to happen now rather than at GC.
        bytesStore.release(owner);
        mappedFile.releaseLast();
        if (bytesStore.refCount() > 0) {
            bytesStore.release(mappedFile);
        }
    }

    @Override
    public String toString() {
        return "segment " + id + " (" + path + ")";
    }
}
