package dev.basalt.compaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.Basalt;
import dev.basalt.BasaltException;
import dev.basalt.BasaltInternals;
import dev.basalt.BasaltOptions;
import dev.basalt.BasaltStats;
import dev.basalt.CompactionResult;
import dev.basalt.Durability;
import dev.basalt.KvNamespace;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pass refuses to start without room for the victims' live data plus one segment, names both
 * figures, and changes nothing (docs/compaction.md, "Free space and pacing").
 *
 * <p>The disk must really be nearly full, since the engine asks the file store: the test needs
 * a small file system it can fill with a ballast file. It uses the directory named by
 * {@code -Dbasalt.smallfs.dir} (any small file system, e.g. a tmpfs mounted for the purpose),
 * or else mounts a {@value #TMPFS_SIZE} tmpfs under its temporary directory, which works only as
 * root on Linux, and unmounts it afterwards. Otherwise it is skipped, saying why.
 */
class CompactionFreeSpaceTest {
    private static final String TMPFS_SIZE = "16m";
    private static final long SEGMENT_BYTES = 1 << 20;
    /** Less than the one segment of headroom a pass needs, so any pass is refused. */
    private static final long LEFT_FREE_BYTES = 256 * 1024;
    private static final String FILLER = "f".repeat(1000);
    private static final int KEYS = 2_500;
    private static final int OVERWRITTEN = 600;
    private static final Pattern FIGURES = Pattern.compile("needs (\\d+) bytes free in .*; (\\d+) are free");

    @TempDir
    Path workDir;

    @Test
    void aPassWithoutRoomRefusesNamingBothFiguresAndChangesNothing() throws Exception {
        SmallFileSystem small = SmallFileSystem.find(workDir);
        Assumptions.assumeTrue(small.dir != null, small.reason);
        try {
            refuseThenCompact(small.dir);
        } finally {
            small.release();
        }
    }

    private static void refuseThenCompact(Path root) throws IOException, InterruptedException {
        Path dir = root.resolve("data");
        Path ballast = root.resolve("ballast");
        // No put reserve: this test is about compaction's own free-space check on a full disk.
        BasaltOptions options = BasaltOptions.defaults().withSegmentSize(SEGMENT_BYTES)
                .withDurability(Durability.PERIODIC).withBackgroundCompaction(false).withDiskReserve(0);
        try (Basalt db = Basalt.open(dir, options)) {
            KvNamespace ns = db.namespace("NS");
            for (int i = 0; i < KEYS; i++) {
                ns.put("key:" + i, FILLER + "v1");
            }
            for (int i = 0; i < OVERWRITTEN; i++) {
                ns.put("key:" + i, FILLER + "v2");
            }
            db.sync();
            awaitSealedHints(dir);
            assertThat(db.stats().segmentCount()).as("sealed segments with dead records").isGreaterThan(2);
            long usableBeforeBallast = Files.getFileStore(root).getUsableSpace();
            fill(ballast, usableBeforeBallast - LEFT_FREE_BYTES);
            long usable = Files.getFileStore(root).getUsableSpace();
            System.out.printf("CompactionFreeSpaceTest: %s had %d bytes usable, %d after the ballast%n", root,
                    usableBeforeBallast, usable);
            assertThat(usable).as("the ballast left less than one segment").isLessThan(SEGMENT_BYTES);

            Map<String, Long> filesBefore = contents(dir);
            BasaltStats statsBefore = db.stats();
            for (int attempt = 0; attempt < 2; attempt++) {
                Runnable pass = attempt == 0 ? db::compact
                        : () -> BasaltInternals.store(db).compact(0.3, (done, total) -> { });
                assertThatThrownBy(pass::run).isInstanceOf(BasaltException.class).satisfies(e -> {
                    System.out.println("CompactionFreeSpaceTest: refused with: " + e.getMessage());
                    Matcher figures = FIGURES.matcher(e.getMessage());
                    assertThat(figures.find()).as("names the bytes needed and the bytes free: %s", e.getMessage())
                            .isTrue();
                    long needed = Long.parseLong(figures.group(1));
                    long free = Long.parseLong(figures.group(2));
                    assertThat(needed).as("live data plus one segment").isGreaterThan(SEGMENT_BYTES);
                    assertThat(free).as("the file store's usable bytes").isLessThan(needed)
                            .isBetween(usable - SEGMENT_BYTES, usable + SEGMENT_BYTES);
                    assertThat(e.getMessage()).contains(dir.toString()).contains("Nothing was changed");
                });
            }
            assertThat(contents(dir)).as("every file, byte for byte").isEqualTo(filesBefore);
            assertThat(db.stats()).isEqualTo(statsBefore);
            assertData(ns);

            Files.delete(ballast);
            CompactionResult result = db.compact();
            assertThat(result.segmentsCompacted()).as("with room again the pass runs").isPositive();
            assertThat(db.stats().totalLogBytes()).isLessThan(statsBefore.totalLogBytes());
            assertData(ns);
        }
        try (Basalt db = Basalt.open(dir, options)) {
            assertData(db.namespace("NS"));
        }
    }

    private static void assertData(KvNamespace ns) {
        for (int i = 0; i < KEYS; i++) {
            assertThat(ns.get("key:" + i)).as("key:" + i).isEqualTo(FILLER + (i < OVERWRITTEN ? "v2" : "v1"));
        }
    }

    /** Writes {@code bytes} real (not sparse) bytes, so the file system counts them. */
    private static void fill(Path file, long bytes) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
        byte[] ones = new byte[chunk.capacity()];
        java.util.Arrays.fill(ones, (byte) 1);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (long written = 0; written < bytes; ) {
                chunk.clear();
                chunk.put(ones, 0, (int) Math.min(ones.length, bytes - written)).flip();
                written += channel.write(chunk);
            }
            channel.force(true);
        }
    }

    /**
     * Waits until every sealed segment has its hint file: a roll leaves it to the background
     * thread, which could otherwise write it during the refused pass and look like a change the
     * pass made. Gives up after 10 s; "nothing changed" then shows what came late.
     */
    private static void awaitSealedHints(Path dir) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!everySealedSegmentHinted(names(dir)) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    private static Set<String> names(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(file -> file.getFileName().toString()).collect(Collectors.toSet());
        }
    }

    /** Whether each segment but the newest (the active one) has a hint file beside it. */
    private static boolean everySealedSegmentHinted(Set<String> names) {
        List<String> segments = names.stream().filter(name -> name.endsWith(".seg")).sorted().toList();
        return segments.subList(0, Math.max(0, segments.size() - 1)).stream()
                .allMatch(segment -> names.contains(segment.replace(".seg", ".hint")));
    }

    /** File name to CRC-32 of its bytes (and length), for "nothing changed". */
    private static Map<String, Long> contents(Path dir) throws IOException {
        Map<String, Long> contents = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.toList()) {
                CRC32 crc = new CRC32();
                byte[] bytes = Files.readAllBytes(file);
                crc.update(bytes);
                contents.put(file.getFileName().toString(), crc.getValue() ^ ((long) bytes.length << 32));
            }
        }
        return contents;
    }

    /** A directory on a small file system, and how to give it back. */
    private static final class SmallFileSystem {
        final Path dir;
        final String reason;
        private final boolean mounted;

        private SmallFileSystem(Path dir, String reason, boolean mounted) {
            this.dir = dir;
            this.reason = reason;
            this.mounted = mounted;
        }

        static SmallFileSystem find(Path workDir) throws IOException, InterruptedException {
            String given = System.getProperty("basalt.smallfs.dir");
            if (given != null) {
                Path dir = Files.createTempDirectory(Path.of(given), "basalt-freespace");
                return new SmallFileSystem(dir, null, false);
            }
            Path mountPoint = Files.createDirectory(workDir.resolve("tiny"));
            String failure = run(List.of("mount", "-t", "tmpfs", "-o", "size=" + TMPFS_SIZE, "tmpfs",
                    mountPoint.toString()));
            if (failure != null) {
                String reason = "no small file system to fill: -Dbasalt.smallfs.dir is not set and mounting a "
                        + TMPFS_SIZE + " tmpfs failed (" + failure + "); the free-space refusal is untested";
                System.out.println("CompactionFreeSpaceTest skipped: " + reason);
                return new SmallFileSystem(null, reason, false);
            }
            return new SmallFileSystem(mountPoint, null, true);
        }

        void release() throws IOException, InterruptedException {
            if (mounted) {
                String failure = run(List.of("umount", dir.toString()));
                assertThat(failure).as("unmounting the test's tmpfs at %s", dir).isNull();
            }
        }

        /** Runs a command; null when it succeeded, else what went wrong. */
        private static String run(List<String> command) throws InterruptedException {
            try {
                Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    return String.join(" ", command) + " did not finish in 30 s";
                }
                String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                return process.exitValue() == 0 ? null
                        : String.join(" ", command) + " exited with " + process.exitValue() + ": " + output;
            } catch (IOException e) {
                return String.join(" ", command) + ": " + e.getMessage();
            }
        }
    }
}
