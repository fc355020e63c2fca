package dev.basalt.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
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
    public static long awaitExisting(List<Path> files, long count) {
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

    /** The id of the newest segment file in {@code dir}. */
    public static long newestSegmentId(Path dir) {
        List<Long> ids = segmentIds(dir);
        if (ids.isEmpty()) {
            throw new IllegalStateException("no segment file in " + dir);
        }
        return ids.get(ids.size() - 1);
    }

    /**
     * Waits (as {@link #awaitExisting}) for the hint file of every segment of an open store's
     * {@code dir} from {@code first} on that is sealed (all but the newest): the store's
     * background thread writes them after the rolls, so a copy taken at once may miss some.
     *
     * @throws AssertionError if some are still missing after the wait
     */
    public static void awaitSealedHints(Path dir, long first) {
        long newest = newestSegmentId(dir);
        List<Path> hints = segmentIds(dir).stream().filter(id -> id >= first && id < newest)
                .map(id -> dir.resolve(String.format("%012d.hint", id))).toList();
        long written = awaitExisting(hints, hints.size());
        if (written < hints.size()) {
            throw new AssertionError("the background thread wrote " + written + " of the sealed segments' hints "
                    + hints + " within the wait");
        }
    }

    private static List<Long> segmentIds(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.matches("\\d{12}\\.seg"))
                    .map(n -> Long.parseLong(n.substring(0, 12))).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
