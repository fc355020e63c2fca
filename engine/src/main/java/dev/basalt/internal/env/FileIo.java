package dev.basalt.internal.env;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import net.openhft.chronicle.bytes.MappedFile;

/**
 * The file-system seam: every file operation of the engine goes through one of these, so that
 * tests can fail the k-th call (EIO, ENOSPC) or record what was not yet made durable and
 * produce the images a power cut could leave ({@code docs/reliability/faults.md}). Production
 * uses {@link #real()}, a stateless pass-through to {@code java.nio}; the engine holds it in a
 * final field, so the write path pays one monomorphic interface call.
 *
 * <p>Operations that cannot fail in a way the engine acts on ({@link #exists},
 * {@link #isDirectory}) return plain booleans, like {@code java.nio.file.Files}. Everything
 * else throws {@link IOException}, which the callers turn into a {@code BasaltException}.
 *
 * <p>Threads: implementations must be safe for concurrent use; the engine calls from callers'
 * threads, the background thread and the compaction thread at once.
 */
public interface FileIo {
    /** The real file system. */
    static FileIo real() {
        return RealFileIo.INSTANCE;
    }

    /** Creates {@code file} with mode 0600, open for reading and writing; fails if it exists. */
    FileHandle createNew(Path file) throws IOException;

    /** Opens an existing file, for reading only or for reading and writing. */
    FileHandle open(Path file, boolean writable) throws IOException;

    /** The whole content of a small file. */
    byte[] readAll(Path file) throws IOException;

    long size(Path file) throws IOException;

    /**
     * When the file's contents last changed, in nanoseconds since the epoch (as precise as the
     * file system keeps it): a checkpoint notes it to tell a segment file changed behind its back.
     */
    default long lastModifiedNanos(Path file) throws IOException {
        return java.nio.file.Files.getLastModifiedTime(file).to(java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    boolean exists(Path path);

    boolean isDirectory(Path path);

    /** Renames {@code source} to {@code target} atomically, replacing {@code target}. */
    void atomicMove(Path source, Path target) throws IOException;

    boolean deleteIfExists(Path file) throws IOException;

    /** The entries of {@code dir} whose names match {@code glob}, in no particular order. */
    List<Path> list(Path dir, String glob) throws IOException;

    /** Makes the directory's entries (creations, renames, deletions) durable. */
    void forceDirectory(Path dir) throws IOException;

    /** Creates {@code dir} and its missing parents with mode 0700. */
    void createDirectories(Path dir) throws IOException;

    /** Bytes available to this process on the file store holding {@code dir}. */
    long usableSpace(Path dir) throws IOException;

    /**
     * Maps {@code file} read-only over {@code capacityBytes} (its length) through Chronicle. The
     * mapping itself stays real in every implementation; the seam only has to know of it.
     */
    MappedFile mapReadOnly(Path file, long capacityBytes) throws IOException;

    /**
     * Maps {@code length} bytes of {@code file} from {@code offset} copy-on-write: the mapping
     * reads the file's pages until a page is first written, which then becomes private memory;
     * nothing written through it ever reaches the file. Freed by {@link DirectMemory#free}, like a
     * direct buffer. Only for files that are replaced by a rename and never written in place or
     * truncated (a checkpoint), so that no page under the mapping changes or vanishes.
     */
    ByteBuffer mapPrivate(Path file, long offset, int length) throws IOException;

    /**
     * Maps the first {@code length} bytes of {@code file} for writing in place
     * ({@link SharedMapping}). The file must already be at least {@code length} bytes long.
     *
     * <p>Null when this seam offers no such mapping; the engine then writes through a
     * {@link FileHandle} instead.
     */
    default SharedMapping mapShared(Path file, int length) throws IOException {
        return null;
    }
}
