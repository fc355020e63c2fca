package dev.basalt.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Fresh engine directories under {@code java.io.tmpdir} (set {@code -Djava.io.tmpdir=...} to
 * put them on another disk) and their removal after a run. Stateless.
 */
final class TempDirectories {
    private TempDirectories() {
    }

    /** A new, empty directory whose name starts with {@code prefix}. */
    static Path create(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory for " + prefix, e);
        }
    }

    /**
     * Closes {@code store} (when not null), then deletes {@code dir} even if the close failed:
     * a benchmark's trial teardown, also called from a failed setup, which JMH does not tear down.
     */
    static void closeAndDelete(AutoCloseable store, Path dir) {
        try {
            if (store != null) {
                store.close();
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot close the store in " + dir, e);
        } finally {
            deleteRecursively(dir);
        }
    }

    /** Deletes {@code dir} and everything below it; a missing directory is not an error. */
    static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }
}
