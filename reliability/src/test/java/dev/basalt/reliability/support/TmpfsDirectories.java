package dev.basalt.reliability.support;

import dev.basalt.testing.TestFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Temporary directories in memory ({@code /dev/shm}) when the machine has it, for campaigns that
 * test concurrency or resource release rather than durability: there an fsync costs nothing, so
 * the CI budget goes to the operations under test instead of disk waits (a leak cycle on disk
 * spends most of its time in about twenty fsyncs). Falls back to the default temporary
 * directory, with a printed note, elsewhere.
 */
public final class TmpfsDirectories {
    private static final Path SHM = Path.of("/dev/shm");

    private TmpfsDirectories() {
    }

    /** A new directory under {@code /dev/shm}, or under {@code java.io.tmpdir} where there is none. */
    public static Path newTempDirectory(String prefix) {
        if (Files.isDirectory(SHM) && Files.isWritable(SHM)) {
            try {
                return Files.createTempDirectory(SHM, prefix);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a directory in " + SHM, e);
            }
        }
        System.out.println(prefix + ": no writable " + SHM + "; using the default temporary directory (slower)");
        return TestFiles.newTempDirectory(prefix);
    }
}
