package dev.basalt.internal.tooling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.Basalt;
import dev.basalt.BasaltOptions;
import dev.basalt.Durability;
import dev.basalt.KvNamespace;
import dev.basalt.internal.log.FileBytes;
import dev.basalt.testing.HintedDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Builds small closed stores to check, and damages their files the way a failing disk would. */
final class TestStores {
    /** 1 MiB segments: a few thousand 300-byte values span several segment files. */
    static final long SMALL_SEGMENT_BYTES = 1L << 20;

    private TestStores() {
    }

    /** A closed store with {@code keys} keys "key-N" of 300-byte values "value-N-xxx..." in namespace USERS. */
    static void write(Path dir, int keys) {
        try (Basalt db = Basalt.open(dir, options())) {
            KvNamespace users = db.namespace("USERS");
            for (int i = 0; i < keys; i++) {
                users.put("key-" + i, value(i));
            }
            users.delete("key-0");
        }
    }

    /**
     * {@link #write}, then the directory as a crash leaves it after an open without a checkpoint:
     * every sealed segment with its hint, no checkpoint ({@link HintedDirectory}).
     */
    static void writeHinted(Path dir, int keys) {
        write(dir, keys);
        HintedDirectory.make(dir, options());
    }

    private static BasaltOptions options() {
        // PERIODIC: a test store needs no fsync per put; close() syncs everything.
        return BasaltOptions.defaults().withSegmentSize(SMALL_SEGMENT_BYTES).withDurability(Durability.PERIODIC);
    }

    static String value(int i) {
        StringBuilder value = new StringBuilder("value-" + i + "-");
        while (value.length() < 300) {
            value.append((char) ('a' + value.length() % 26));
        }
        return value.toString();
    }

    /** The offset of the record holding {@code key} and {@code value} (no metadata) in {@code segment}. */
    static long recordOffset(Path segment, String namespace, String key, String value) {
        byte[] body = (namespace + key + value).getBytes(StandardCharsets.UTF_8);
        byte[] file = bytes(segment);
        for (int i = 0; i + body.length <= file.length; i++) {
            if (startsWith(file, i, body)) {
                return i - dev.basalt.internal.log.LogFormat.FIXED_HEADER_LENGTH;
            }
        }
        throw new AssertionError("record of " + key + " not found in " + segment);
    }

    /** The segment file holding the record of {@code key}. */
    static Path segmentOf(Path dir, String key, String value) {
        byte[] needle = (key + value).getBytes(StandardCharsets.UTF_8);
        for (Path segment : segments(dir).values()) {
            byte[] file = bytes(segment);
            for (int i = 0; i + needle.length <= file.length; i++) {
                if (startsWith(file, i, needle)) {
                    return segment;
                }
            }
        }
        throw new AssertionError(key + " is in no segment");
    }

    static TreeMap<String, Path> segments(Path dir) {
        TreeMap<String, Path> files = new TreeMap<>();
        try (Stream<Path> list = Files.list(dir)) {
            list.filter(p -> p.getFileName().toString().endsWith(".seg"))
                    .forEach(p -> files.put(p.getFileName().toString(), p));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertThat(files).isNotEmpty();
        return files;
    }

    /** Every file's content, by name: to show a check changed nothing. */
    static Map<String, byte[]> snapshot(Path dir) {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> list = Files.list(dir)) {
            list.forEach(p -> files.put(p.getFileName().toString(), bytes(p)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    static byte[] bytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Flips the lowest bit of the byte at {@code offset}. */
    static void flipByte(Path file, long offset) {
        FileBytes.flipBit(file, offset, 0);
    }

    private static boolean startsWith(byte[] file, int at, byte[] needle) {
        for (int j = 0; j < needle.length; j++) {
            if (file[at + j] != needle[j]) {
                return false;
            }
        }
        return true;
    }
}
