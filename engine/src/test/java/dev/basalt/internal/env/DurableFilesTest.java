package dev.basalt.internal.env;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link DurableFiles#writeAtomically} with its content in parts. */
class DurableFilesTest {
    @TempDir
    Path dir;

    @Test
    void partsAreWrittenOneAfterTheOtherFromTheirPositionsAndNotMoved() throws IOException {
        ByteBuffer heap = ByteBuffer.wrap("xxhead".getBytes(StandardCharsets.US_ASCII)).position(2);
        ByteBuffer direct = ByteBuffer.allocateDirect(16).put("-body-".getBytes(StandardCharsets.US_ASCII)).flip();
        ByteBuffer empty = ByteBuffer.allocate(0);
        ByteBuffer tail = ByteBuffer.wrap("tailyy".getBytes(StandardCharsets.US_ASCII)).limit(4);
        Path target = dir.resolve("file");

        DurableFiles.writeAtomically(FileIo.real(), target, heap, empty, direct, tail);

        assertThat(Files.readString(target, StandardCharsets.US_ASCII)).isEqualTo("head-body-tail");
        assertThat(Files.exists(DurableFiles.temporaryFor(target))).as("no temporary left").isFalse();
        assertThat(heap.position()).isEqualTo(2);
        assertThat(direct.position()).isZero();
        assertThat(tail.remaining()).isEqualTo(4);
    }

    @Test
    void aSecondWriteReplacesTheFileWhole() throws IOException {
        Path target = dir.resolve("file");
        DurableFiles.writeAtomically(FileIo.real(), target, ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5}));

        DurableFiles.writeAtomically(FileIo.real(), target, ByteBuffer.wrap(new byte[] {9}),
                ByteBuffer.wrap(new byte[] {8}));

        assertThat(Files.readAllBytes(target)).containsExactly(9, 8);
    }
}
