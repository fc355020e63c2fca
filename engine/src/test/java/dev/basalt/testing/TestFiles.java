package dev.basalt.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** File helpers for tests that manage their own directories (jqwik tries, crash cycles). */
public final class TestFiles {
    private TestFiles() {
    }

    /** A new empty directory under the system temporary directory. */
    public static Path newTempDirectory(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes {@code root} and everything below it; a missing root is not an error. */
    public static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            // Deepest first, so every directory is empty when its turn comes.
            for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Copies a live store's directory as a kill would leave it: every file as it is now, with its
     * modification time (the checkpoint identifies files by it), the lock file left out.
     */
    public static void copyAsAKillLeavesIt(Path from, Path to) {
        try {
            Files.createDirectories(to);
            try (Stream<Path> files = Files.list(from)) {
                for (Path file : (Iterable<Path>) files::iterator) {
                    if (!file.getFileName().toString().equals("LOCK")) {
                        try {
                            Files.copy(file, to.resolve(file.getFileName()),
                                    java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                        } catch (java.nio.file.NoSuchFileException renamed) {
                            // A temporary file the background thread published (renamed) since the
                            // listing: a kill a moment later would not have left it either.
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Waits up to ten seconds for {@code count} of {@code files} to exist (a background thread
     * writes them), and returns how many exist then: the caller asserts the figure.
     */
    public static long awaitExisting(java.util.List<Path> files, long count) {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        long existing = files.stream().filter(Files::exists).count();
        while (existing < count && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            existing = files.stream().filter(Files::exists).count();
        }
        return existing;
    }
}
