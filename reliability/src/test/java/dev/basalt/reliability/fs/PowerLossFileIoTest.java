package dev.basalt.reliability.fs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.internal.env.FileHandle;
import dev.basalt.internal.env.SharedMapping;
import dev.basalt.testing.TestFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The power-loss model itself: what survives, what may, and what never does. */
class PowerLossFileIoTest {
    private Path root;
    private Path dir;
    private PowerLossFileIo io;

    @BeforeEach
    void setUp() throws IOException {
        root = TestFiles.newTempDirectory("basalt-powerloss-model");
        dir = Files.createDirectory(root.resolve("data"));
        io = new PowerLossFileIo(dir);
    }

    @AfterEach
    void tearDown() {
        TestFiles.deleteRecursively(root);
    }

    @Test
    void forcedDataInADirectoryThatWasForcedAlwaysSurvives() throws IOException {
        try (FileHandle file = io.createNew(dir.resolve("a"))) {
            file.writeFully(ByteBuffer.wrap(bytes(10_000, 1)), 0);
            file.force(false);
        }
        io.forceDirectory(dir);
        for (Path image : images(50)) {
            assertThat(Files.readAllBytes(image.resolve("a"))).isEqualTo(bytes(10_000, 1));
        }
    }

    @Test
    void anUnforcedDirectoryEntryMayBeLostButAForcedFileIsWholeWhenItIsThere() throws IOException {
        try (FileHandle file = io.createNew(dir.resolve("a"))) {
            file.writeFully(ByteBuffer.wrap(bytes(5_000, 2)), 0);
            file.force(false);
        }
        Set<Boolean> present = new HashSet<>();
        for (Path image : images(60)) {
            boolean exists = Files.exists(image.resolve("a"));
            present.add(exists);
            if (exists) {
                assertThat(Files.readAllBytes(image.resolve("a"))).isEqualTo(bytes(5_000, 2));
            }
        }
        assertThat(present).containsExactlyInAnyOrder(true, false);
    }

    @Test
    void unsyncedAppendsAreDroppedKeptTornAtSectorBoundariesZeroedOrGarbage() throws IOException {
        byte[] synced = bytes(1_000, 3);
        byte[] appended = bytes(9_000, 4);
        try (FileHandle file = io.createNew(dir.resolve("log"))) {
            file.writeFully(ByteBuffer.wrap(synced), 0);
            file.force(false);
            io.forceDirectory(dir);
            file.writeFully(ByteBuffer.wrap(appended), synced.length);
        }
        Set<Integer> lengths = new HashSet<>();
        for (Path image : images(200)) {
            byte[] content = Files.readAllBytes(image.resolve("log"));
            lengths.add(content.length);
            assertThat(Arrays.copyOf(content, synced.length)).as("the synced prefix").isEqualTo(synced);
            int end = content.length;
            assertThat(end == synced.length || end == synced.length + appended.length || end % 512 == 0)
                    .as("length %d: the old one, the new one, or a cut at a 512-byte boundary", end).isTrue();
            byte[] tail = Arrays.copyOfRange(content, synced.length, end);
            boolean intactPrefix = Arrays.equals(tail, Arrays.copyOf(appended, tail.length));
            boolean zeros = allZero(tail);
            boolean fullLengthGarbage = end == synced.length + appended.length;
            assertThat(intactPrefix || zeros || fullLengthGarbage).as("unsynced tail of %d bytes", tail.length).isTrue();
        }
        assertThat(lengths).contains(synced.length, synced.length + appended.length);
        assertThat(lengths.size()).as("some torn lengths too").isGreaterThan(2);
    }

    @Test
    void aCopyIntoASharedMappingIsAnUnsyncedWriteUntilTheFileIsForced() throws IOException {
        byte[] header = bytes(4_096, 7);
        byte[] copied = bytes(3_000, 8);
        try (FileHandle file = io.createNew(dir.resolve("segment"))) {
            file.writeFully(ByteBuffer.wrap(header), 0);
            file.writeFully(ByteBuffer.allocate(1), 16_383);
            file.force(false);
            io.forceDirectory(dir);
            try (SharedMapping mapping = io.mapShared(dir.resolve("segment"), 16_384)) {
                mapping.write(ByteBuffer.wrap(copied), header.length);
            }
            assertThat(io.currentState().get("segment")).as("the model saw the copy")
                    .isEqualTo(Files.readAllBytes(dir.resolve("segment")));
            Set<Boolean> copyThere = new HashSet<>();
            for (Path image : images(100)) {
                byte[] content = Files.readAllBytes(image.resolve("segment"));
                assertThat(Arrays.copyOf(content, header.length)).as("the forced header").isEqualTo(header);
                copyThere.add(Arrays.equals(Arrays.copyOfRange(content, header.length, header.length + copied.length),
                        copied));
            }
            assertThat(copyThere).as("unforced, the copy is sometimes there and sometimes not")
                    .containsExactlyInAnyOrder(true, false);
            file.force(false);
        }
        for (Path image : images(20)) {
            assertThat(Arrays.copyOfRange(Files.readAllBytes(image.resolve("segment")), header.length,
                    header.length + copied.length)).as("forced, the copy is always there").isEqualTo(copied);
        }
    }

    @Test
    void aRenameOverAnOldFileLeavesTheOldOrTheNewNeverAMix() throws IOException {
        try (FileHandle file = io.createNew(dir.resolve("STORE"))) {
            file.writeFully(ByteBuffer.wrap(bytes(100, 5)), 0);
            file.force(true);
        }
        io.forceDirectory(dir);
        try (FileHandle file = io.createNew(dir.resolve("STORE.tmp"))) {
            file.writeFully(ByteBuffer.wrap(bytes(100, 6)), 0);
            file.force(true);
        }
        io.atomicMove(dir.resolve("STORE.tmp"), dir.resolve("STORE"));
        Set<Byte> seen = new HashSet<>();
        for (Path image : images(60)) {
            byte[] content = Files.readAllBytes(image.resolve("STORE"));
            assertThat(content).isIn(bytes(100, 5), bytes(100, 6));
            seen.add(content[0]);
        }
        assertThat(seen).hasSize(2);
    }

    private int imagesTaken;

    private Set<Path> images(int count) throws IOException {
        Random random = new Random(42 + imagesTaken);
        Set<Path> images = new HashSet<>();
        for (int i = 0; i < count; i++) {
            Path image = root.resolve("image-" + imagesTaken++);
            io.writeCrashImage(image, random);
            images.add(image);
        }
        return images;
    }

    private static byte[] bytes(int length, int seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        for (int i = 0; i < length; i++) {
            bytes[i] = bytes[i] == 0 ? 1 : bytes[i];
        }
        return bytes;
    }

    private static boolean allZero(byte[] bytes) {
        for (byte b : bytes) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }
}
