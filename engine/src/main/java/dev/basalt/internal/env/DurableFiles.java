package dev.basalt.internal.env;

import dev.basalt.BasaltException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;

/**
 * The fsync protocol of the architecture brief, in one place: a new file is written as
 * {@code NAME.tmp}, forced, moved atomically to {@code NAME}, and then the directory is forced,
 * so that a name that exists after a crash names a complete file. Files are created 0600 and
 * directories 0700. Every operation goes through the {@link FileIo} seam.
 */
public final class DurableFiles {
    /** Suffix of a file being written; such files are never read and are deleted on open. */
    public static final String TEMP_SUFFIX = ".tmp";

    private DurableFiles() {
    }

    /** Creates {@code dir} (and parents) with mode 0700 if absent. */
    public static void createDirectory(FileIo io, Path dir) {
        try {
            if (!io.isDirectory(dir)) {
                io.createDirectories(dir);
            }
        } catch (FileAlreadyExistsException e) {
            throw new BasaltException("cannot create data directory " + dir + ": a file of that name exists", e);
        } catch (IOException e) {
            throw new BasaltException("cannot create data directory " + dir + ": " + e, e);
        }
    }

    /**
     * Writes {@code parts}, one after the other, to {@code target} by the tmp-force-move-fsync
     * protocol. Each is written from its position to its limit, and neither moved nor kept.
     */
    public static void writeAtomically(FileIo io, Path target, ByteBuffer... parts) {
        Path temp = temporaryFor(target);
        try {
            io.deleteIfExists(temp);
            try (FileHandle file = io.createNew(temp)) {
                long at = 0;
                for (ByteBuffer part : parts) {
                    file.writeFully(part.duplicate(), at);
                    at += part.remaining();
                }
                CrashPoints.publishing(target, CrashPoints.PublishStep.TEMP_WRITTEN);
                file.force(true);
            }
            publish(io, temp, target);
        } catch (IOException e) {
            throw new BasaltException("cannot write " + target + ": " + e, e);
        }
    }

    /** Moves a complete, forced temporary file to its name and forces the directory. */
    public static void publish(FileIo io, Path temp, Path target) throws IOException {
        CrashPoints.publishing(target, CrashPoints.PublishStep.BEFORE_MOVE);
        io.atomicMove(temp, target);
        CrashPoints.publishing(target, CrashPoints.PublishStep.MOVED);
        io.forceDirectory(target.toAbsolutePath().getParent());
    }

    public static Path temporaryFor(Path target) {
        return target.resolveSibling(target.getFileName() + TEMP_SUFFIX);
    }
}
