package dev.basalt.internal.env;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.testing.TestFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A read-only view shows the file's bytes, nothing outside it, nothing after close, and leaves the file as it was. */
class ReadOnlyViewTest {
    private final Path dir = TestFiles.newTempDirectory("read-only-view-");

    @AfterEach
    void cleanUp() {
        TestFiles.deleteRecursively(dir);
    }

    @Test
    void showsTheFileBytesWithinItsSizeOnly() throws IOException {
        byte[] content = new byte[12_345]; // not a whole number of pages
        new Random(7).nextBytes(content);
        Path file = dir.resolve("f");
        Files.write(file, content);
        UnsafeBuffer view = new UnsafeBuffer(0, 0);
        ReadOnlyView mapped = ReadOnlyView.map(FileIo.real(), file, content.length);
        try {
            mapped.wrap(view, 0, content.length);
            byte[] seen = new byte[content.length];
            view.getBytes(0, seen);
            assertThat(seen).isEqualTo(content);
            mapped.wrap(view, 12_000, 345);
            assertThat(view.getByte(344)).isEqualTo(content[12_344]);
            assertThatThrownBy(() -> mapped.wrap(view, 12_000, 346)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> mapped.wrap(view, -1, 1)).isInstanceOf(IndexOutOfBoundsException.class);
            mapped.close();
            mapped.close(); // idempotent
            assertThatThrownBy(() -> mapped.wrap(view, 0, 1)).isInstanceOf(IndexOutOfBoundsException.class)
                    .hasMessageContaining("closed");
        } finally {
            mapped.close();
        }
        assertThat(Files.size(file)).as("the mapping does not extend the file").isEqualTo(content.length);
        assertThat(Files.readAllBytes(file)).isEqualTo(content);
    }

    @Test
    void anEmptyFileIsRefused() throws IOException {
        Path file = dir.resolve("empty");
        Files.write(file, new byte[0]);
        assertThatThrownBy(() -> ReadOnlyView.map(FileIo.real(), file, 0)).isInstanceOf(IOException.class)
                .hasMessageContaining("0 bytes");
    }
}
