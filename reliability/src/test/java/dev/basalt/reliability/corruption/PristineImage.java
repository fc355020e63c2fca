package dev.basalt.reliability.corruption;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.Set;
import java.util.Map;
import java.util.TreeMap;

/**
 * The bytes of every file of a closed data directory, held in memory, so that each trial of the
 * corruption campaign starts from the same directory without copying it: {@link #restore}
 * rewrites only the files a trial changed (the damaged one, and those the engine rewrote on open
 * and close) and deletes the files the trial created. Files named as suspects are compared byte
 * for byte; the others (the sealed segments, which nothing but the damage writes) only when their
 * size or modification time moved, which any write through a channel changes.
 *
 * <p>Not thread-safe: one campaign thread owns it.
 */
final class PristineImage {
    /** Never compared or rewritten: the engine's lock file is empty and must keep its inode. */
    private static final String LOCK_FILE = "LOCK";

    private final Map<String, byte[]> files;
    private final Map<String, FileTime> stamps = new TreeMap<>();

    private PristineImage(Map<String, byte[]> files) {
        this.files = files;
    }

    /** Reads every regular file of {@code dir}. */
    static PristineImage of(Path dir) {
        Map<String, byte[]> files = new TreeMap<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path file : stream) {
                if (Files.isRegularFile(file)) {
                    files.put(file.getFileName().toString(), Files.readAllBytes(file));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new PristineImage(files);
    }

    /** The pristine bytes of {@code name}. */
    byte[] bytes(String name) {
        byte[] content = files.get(name);
        if (content == null) {
            throw new IllegalArgumentException("no file " + name + " in the pristine image");
        }
        return content;
    }

    /**
     * Puts {@code dir} back to the pristine image, comparing the {@code suspects} byte for byte
     * and the other files by size and modification time; returns how many files had to be
     * rewritten or deleted.
     */
    int restore(Path dir, Set<String> suspects) {
        int touched = 0;
        try {
            try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
                for (Path file : stream) {
                    String name = file.getFileName().toString();
                    if (!files.containsKey(name)) {
                        Files.delete(file);
                        touched++;
                    }
                }
            }
            for (Map.Entry<String, byte[]> entry : files.entrySet()) {
                if (entry.getKey().equals(LOCK_FILE)) {
                    continue;
                }
                Path file = dir.resolve(entry.getKey());
                boolean suspect = suspects.contains(entry.getKey()) || !stamps.containsKey(entry.getKey());
                if (!Files.exists(file) || Files.size(file) != entry.getValue().length
                        || !Files.getLastModifiedTime(file).equals(stamps.get(entry.getKey()))
                        || (suspect && !Arrays.equals(Files.readAllBytes(file), entry.getValue()))) {
                    Files.write(file, entry.getValue());
                    touched++;
                }
                stamps.put(entry.getKey(), Files.getLastModifiedTime(file));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot restore " + dir, e);
        }
        return touched;
    }
}
