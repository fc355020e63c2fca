package dev.basalt.internal.listing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.BasaltException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code CURSOR_KEY} file: created once, read back unchanged, every kind of damage named. */
class CursorKeyFileTest {
    @TempDir
    Path dir;

    @Test
    void theKeyIsCreatedOnceWithMode0600AndCursorsSurviveARestart() throws IOException {
        final byte[] key = Cursors.loadOrCreateKey(dir);
        final Path file = dir.resolve("CURSOR_KEY");
        assertThat(key).hasSize(32);
        assertThat(Files.size(file)).isEqualTo(44);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(dir.resolve("CURSOR_KEY.tmp")).doesNotExist();

        final String cursor = new Cursors(key).encode("ns", new byte[0], Scans.utf8("k"));
        final byte[] reopened = Cursors.loadOrCreateKey(dir);
        assertThat(reopened).containsExactly(key);
        assertThat(new Cursors(reopened).decode(cursor, "ns", new byte[0])).containsExactly(Scans.utf8("k"));
    }

    @Test
    void twoDirectoriesGetDifferentKeys(@TempDir Path other) {
        assertThat(Cursors.loadOrCreateKey(dir)).isNotEqualTo(Cursors.loadOrCreateKey(other));
    }

    @Test
    void aLeftoverTemporaryFileFromACrashIsReplaced() throws IOException {
        Files.write(dir.resolve("CURSOR_KEY.tmp"), new byte[] {1, 2, 3});
        final byte[] key = Cursors.loadOrCreateKey(dir);
        assertThat(Cursors.loadOrCreateKey(dir)).containsExactly(key);
        assertThat(dir.resolve("CURSOR_KEY.tmp")).doesNotExist();
    }

    @Test
    void aTruncatedOrExtendedFileIsNamedWithItsSize() throws IOException {
        Cursors.loadOrCreateKey(dir);
        final Path file = dir.resolve("CURSOR_KEY");
        final byte[] content = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(content, 32));
        assertDamaged("size=32, expected a regular file of size=44");
        Files.write(file, Arrays.copyOf(content, 45));
        assertDamaged("size=45, expected a regular file of size=44");
        Files.write(file, new byte[0]);
        assertDamaged("size=0");
    }

    @Test
    void aFlippedBitAnywhereIsACorruptFile() throws IOException {
        Cursors.loadOrCreateKey(dir);
        final Path file = dir.resolve("CURSOR_KEY");
        final byte[] content = Files.readAllBytes(file);
        for (int bit = 0; bit < content.length * 8; bit++) {
            final byte[] damaged = content.clone();
            damaged[bit / 8] ^= (byte) (1 << (bit % 8));
            Files.write(file, damaged);
            assertThatThrownBy(() -> Cursors.loadOrCreateKey(dir)).as("bit " + bit)
                .isInstanceOf(BasaltException.class).hasMessageContaining(file.toString());
        }
    }

    @Test
    void magicVersionAndChecksumErrorsSayWhatWasFound() throws IOException {
        final Path file = dir.resolve("CURSOR_KEY");
        final byte[] valid = CursorKeyFile.encode(CursorsTest.KEY_A);
        assertThat(CursorKeyFile.load(file, valid)).containsExactly(CursorsTest.KEY_A);

        Files.write(file, resealed(valid, b -> b.putInt(CursorKeyFile.MAGIC_OFFSET, 0x12345678)));
        assertDamaged("magic=0x12345678, expected magic=0x42434b59");
        Files.write(file, resealed(valid, b -> b.putInt(CursorKeyFile.VERSION_OFFSET, 2)));
        assertThatThrownBy(() -> Cursors.loadOrCreateKey(dir)).isInstanceOf(BasaltException.class)
            .hasMessage("cursor key file " + file + " has format version=2, newer than this engine's version=1;"
                + " use a newer engine");
        Files.write(file, resealed(valid, b -> b.putInt(CursorKeyFile.VERSION_OFFSET, 0)));
        assertDamaged("format version=0, expected version=1");
        final byte[] badCrc = valid.clone();
        badCrc[CursorKeyFile.KEY_OFFSET] ^= 1;
        Files.write(file, badCrc);
        assertDamaged("checksum mismatch: stored crc32c=0x");
    }

    @Test
    void aDirectoryInPlaceOfTheFileIsNamed() throws IOException {
        Files.createDirectory(dir.resolve("CURSOR_KEY"));
        assertThatThrownBy(() -> Cursors.loadOrCreateKey(dir)).isInstanceOf(BasaltException.class)
            .hasMessageContaining(dir.resolve("CURSOR_KEY").toString());
    }

    /** The file with one field changed and its checksum recomputed, so only that field is wrong. */
    private static byte[] resealed(byte[] valid, UnaryOperator<ByteBuffer> change) {
        final byte[] copy = valid.clone();
        change.apply(ByteBuffer.wrap(copy));
        final java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(copy, 0, CursorKeyFile.CRC_OFFSET);
        ByteBuffer.wrap(copy).putInt(CursorKeyFile.CRC_OFFSET, (int) crc.getValue());
        return copy;
    }

    private void assertDamaged(String detail) {
        final Path file = dir.resolve("CURSOR_KEY");
        assertThatThrownBy(() -> Cursors.loadOrCreateKey(dir)).isInstanceOf(BasaltException.class)
            .hasMessageStartingWith("cursor key file " + file + " is damaged: ").hasMessageContaining(detail);
    }
}
