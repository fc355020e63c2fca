package dev.basalt.internal.env;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import net.openhft.chronicle.bytes.MappedFile;

/**
 * The real file system behind {@link FileIo#real()}: a thin layer over {@code java.nio},
 * stateless but for the file store {@link #usableSpace} looked up last.
 */
final class RealFileIo implements FileIo {
    static final RealFileIo INSTANCE = new RealFileIo();
    static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    private static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> DIRECTORY_MODE = PosixFilePermissions.fromString("rwx------");
    private static final FileAttribute<?>[] FILE_ATTRIBUTES = POSIX
            ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE_MODE)}
            : new FileAttribute<?>[0];

    private RealFileIo() {
    }

    @Override
    public FileHandle createNew(Path file) throws IOException {
        return new Handle(file, FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                StandardOpenOption.READ), FILE_ATTRIBUTES));
    }

    @Override
    public FileHandle open(Path file, boolean writable) throws IOException {
        FileChannel channel = writable
                ? FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.READ)
                : FileChannel.open(file, StandardOpenOption.READ);
        return new Handle(file, channel);
    }

    @Override
    public byte[] readAll(Path file) throws IOException {
        return Files.readAllBytes(file);
    }

    @Override
    public long size(Path file) throws IOException {
        return Files.size(file);
    }

    @Override
    public boolean exists(Path path) {
        return Files.exists(path);
    }

    @Override
    public boolean isDirectory(Path path) {
        return Files.isDirectory(path);
    }

    @Override
    public void atomicMove(Path source, Path target) throws IOException {
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the file system cannot rename " + source + " atomically", e);
        }
    }

    @Override
    public boolean deleteIfExists(Path file) throws IOException {
        return Files.deleteIfExists(file);
    }

    @Override
    public List<Path> list(Path dir, String glob) throws IOException {
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, glob)) {
            stream.forEach(entries::add);
        }
        return entries;
    }

    @Override
    public void forceDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Where a directory cannot be opened as a channel (not Linux) there is nothing to force.
            if (POSIX) {
                throw e;
            }
        }
    }

    @Override
    public void createDirectories(Path dir) throws IOException {
        if (POSIX) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIRECTORY_MODE));
        } else {
            Files.createDirectories(dir);
        }
    }

    /** The last directory {@link #usableSpace} was asked about, and its file store. */
    private record StoreOf(Path dir, FileStore store) {
    }

    private volatile StoreOf lastStore;

    /**
     * Keeps the directory's {@link FileStore}: finding it reads the whole mount table (about
     * 4 KiB of garbage on Linux), and the disk reserve asks once per MiB of puts, which was most
     * of what the allocation-free put still allocated (0.75 B/op); the reading itself (statvfs)
     * stays fresh on every call.
     */
    @Override
    public long usableSpace(Path dir) throws IOException {
        StoreOf last = lastStore;
        if (last == null || !last.dir().equals(dir)) {
            last = new StoreOf(dir, Files.getFileStore(dir));
            lastStore = last;
        }
        return last.store().getUsableSpace();
    }

    @Override
    public MappedFile mapReadOnly(Path file, long capacityBytes) throws IOException {
        return MappedFile.ofSingle(file.toFile(), capacityBytes, true);
    }

    @Override
    public ByteBuffer mapPrivate(Path file, long offset, int length) throws IOException {
        // The JDK maps PRIVATE only from a channel open for writing, though nothing is written.
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            return channel.map(FileChannel.MapMode.PRIVATE, offset, length);
        }
    }

    @Override
    public SharedMapping mapShared(Path file, int length) throws IOException {
        // Kept open by the mapping, which maps one window of the file at a time.
        return new RealSharedMapping(file, FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE),
                length);
    }

    /** A file channel; every call is a direct pass-through. */
    private static final class Handle implements FileHandle {
        private final Path path;
        private final FileChannel channel;

        Handle(Path path, FileChannel channel) {
            this.path = path;
            this.channel = channel;
        }

        @Override
        public Path path() {
            return path;
        }

        @Override
        public int read(ByteBuffer target, long position) throws IOException {
            return channel.read(target, position);
        }

        @Override
        public int write(ByteBuffer source, long position) throws IOException {
            return channel.write(source, position);
        }

        @Override
        public void force(boolean metadata) throws IOException {
            channel.force(metadata);
        }

        @Override
        public void truncate(long sizeBytes) throws IOException {
            channel.truncate(sizeBytes);
        }

        @Override
        public long size() throws IOException {
            return channel.size();
        }

        @Override
        public FileLock tryLock() throws IOException {
            return channel.tryLock();
        }

        @Override
        public boolean isOpen() {
            return channel.isOpen();
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
