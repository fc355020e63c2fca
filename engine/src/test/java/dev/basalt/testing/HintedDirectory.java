package dev.basalt.testing;

import dev.basalt.Basalt;
import dev.basalt.BasaltOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;

/**
 * Puts a closed store's directory in the state the tests of the hint path start from: every
 * sealed segment with its hint file, and no checkpoint. A clean close publishes a checkpoint,
 * and publishing deletes the hints of the segments it covers whole, so a test that damages a
 * hint, or a record an open reads only through its hint, has to make that state: as a crash
 * leaves it after an open that found no checkpoint.
 */
public final class HintedDirectory {
    private HintedDirectory() {
    }

    /**
     * Deletes the checkpoint, opens the store with {@code options} (the open rescans every sealed
     * segment without a hint, and the background thread writes the hints it rebuilt), copies the
     * directory once every sealed segment has its hint, while the store is open, and after the
     * close puts the copy in the directory's place.
     */
    public static void make(Path dir, BasaltOptions options) {
        try {
            Files.deleteIfExists(dir.resolve("CHECKPOINT"));
            Path copy = Files.createTempDirectory(dir.getParent(), "hinted-");
            Basalt db = Basalt.open(dir, options);
            try {
                TestFiles.awaitSealedHints(dir, 0);
                for (Path file : files(dir)) {
                    String name = file.getFileName().toString();
                    if (!name.equals("LOCK") && !name.endsWith(".tmp")) {
                        Files.copy(file, copy.resolve(file.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
                    }
                }
            } finally {
                db.close();
            }
            for (Path file : files(dir)) {
                Files.delete(file);
            }
            for (Path file : files(copy)) {
                Files.move(file, dir.resolve(file.getFileName()));
            }
            Files.delete(copy);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Gives every sealed segment of a closed store its hint file back and changes nothing else
     * (the checkpoint and the active segment's clean-close hint stay): the directory a clean close
     * left before checkpoints deleted covered hints, and what a crash between a publish and its
     * deletions leaves. The hints are made by {@link #make} on a copy; a sealed segment's hint
     * depends on its bytes alone, which never change.
     */
    public static void addSealedHints(Path dir, BasaltOptions options) {
        try {
            Path copy = Files.createTempDirectory(dir.getParent(), "hints-of-");
            for (Path file : files(dir)) {
                Files.copy(file, copy.resolve(file.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
            }
            make(copy, options);
            for (Path file : files(copy)) {
                Path target = dir.resolve(file.getFileName());
                if (file.getFileName().toString().endsWith(".hint") && !Files.exists(target)) {
                    Files.copy(file, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
                Files.delete(file);
            }
            Files.delete(copy);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> listing = Files.list(dir)) {
            return listing.toList();
        }
    }
}
