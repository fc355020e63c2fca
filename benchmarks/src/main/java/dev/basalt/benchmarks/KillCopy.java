package dev.basalt.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Copies the directory of a store that is still open, as a SIGKILL would leave it: every file as
 * the page cache holds it now, with its modification time (Basalt's checkpoint trusts a segment
 * only while its time is unchanged), subdirectories too (peers keep some). A file the store renames
 * or deletes while the copy runs (a temporary its background thread published) is skipped: a kill
 * a moment later would not have left it either.
 */
final class KillCopy {
    private KillCopy() {
    }

    static void copy(Path from, Path to) {
        try {
            copyTree(from, to);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + from + " to " + to, e);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        List<Path> entries;
        try (Stream<Path> listing = Files.list(from)) {
            entries = listing.collect(Collectors.toList());
        }
        for (Path source : entries) {
            Path target = to.resolve(source.getFileName().toString());
            try {
                if (Files.isDirectory(source)) {
                    copyTree(source, target);
                } else {
                    Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            } catch (NoSuchFileException vanished) {
                // renamed or deleted by the store since the listing
            }
        }
    }
}
