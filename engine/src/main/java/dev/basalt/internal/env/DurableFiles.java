package dev.basalt.internal.env;

import dev.basalt.BasaltException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The fsync protocol of the architecture brief, in one place: a new file is written as
 * {@code NAME.tmp}, forced, moved atomically to {@code NAME}, and then the directory is forced,
 * so that a name that exists after a crash names a complete file. Files are created 0600 and
 * directories 0700.
 */
public final class DurableFiles {
    /** Suffix of a file being written; such files are never read and are deleted on open. */
    public static final String TEMP_SUFFIX = ".tmp";
    private static final boolean POSIX =
            java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    private static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> DIRECTORY_MODE = PosixFilePermissions.fromString("rwx------");

    private DurableFiles() {
    }

    /** Creates {@code dir} (and parents) with mode 0700 if absent. */
    public static void createDirectory(Path dir) {
        try {
            if (!Files.isDirectory(dir)) {
                if (POSIX) {
                    Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIRECTORY_MODE));
                } else {
                    Files.createDirectories(dir);
                }
            }
        } catch (FileAlreadyExistsException e) {
            throw new BasaltException("cannot create data directory " + dir + ": a file of that name exists", e);
        } catch (IOException e) {
            throw new BasaltException("cannot create data directory " + dir + ": " + e, e);
        }
    }

    /** Opens a new file for writing with mode 0600; fails if it exists. */
    public static FileChannel createNew(Path file) throws IOException {
        FileAttribute<?>[] attributes = POSIX
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE_MODE)}
                : new FileAttribute<?>[0];
        return FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                StandardOpenOption.READ), attributes);
    }

    /** Writes {@code content} to {@code target} by the tmp-force-move-fsync protocol. */
    public static void writeAtomically(Path target, ByteBuffer content) {
        Path temp = temporaryFor(target);
        try {
            Files.deleteIfExists(temp);
            try (FileChannel channel = createNew(temp)) {
                writeFully(channel, content, 0);
                CrashPoints.publishing(target, CrashPoints.PublishStep.TEMP_WRITTEN);
                channel.force(true);
            }
            publish(temp, target);
        } catch (IOException e) {
            throw new BasaltException("cannot write " + target + ": " + e, e);
        }
    }

    /** Moves a complete, forced temporary file to its name and forces the directory. */
    public static void publish(Path temp, Path target) throws IOException {
        CrashPoints.publishing(target, CrashPoints.PublishStep.BEFORE_MOVE);
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the file system cannot rename " + temp + " atomically", e);
        }
        CrashPoints.publishing(target, CrashPoints.PublishStep.MOVED);
        forceDirectory(target.toAbsolutePath().getParent());
    }

    public static Path temporaryFor(Path target) {
        return target.resolveSibling(target.getFileName() + TEMP_SUFFIX);
    }

    /** Forces a directory's entries to stable storage (works on Linux; a no-op where it cannot). */
    public static void forceDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            if (POSIX) {
                throw e;
            }
        }
    }

    public static void writeFully(FileChannel channel, ByteBuffer content, long position) throws IOException {
        long at = position;
        while (content.hasRemaining()) {
            at += channel.write(content, at);
        }
    }
}
