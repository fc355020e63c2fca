package dev.basalt.internal.log;

import static dev.basalt.internal.env.Limits.*;
import static dev.basalt.internal.log.LogFormat.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.BasaltException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The STORE file and the segment header: every bit checked, damage and other versions told apart. */
class FileHeadersTest {
    @TempDir
    Path dir;

    @Test
    void storeFileIsCreatedOnceAndReadBackWithTheSameId() throws IOException {
        long created = StoreFile.readOrCreate(dir);

        assertThat(StoreFile.readOrCreate(dir)).isEqualTo(created);
        byte[] bytes = Files.readAllBytes(dir.resolve(STORE_FILE));
        assertThat(bytes).hasSize(STORE_FILE_LENGTH).startsWith("BASALTST".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    @Test
    void everySingleBitFlipOfTheStoreFileFailsTheOpenNamingTheFile() throws IOException {
        StoreFile.readOrCreate(dir);
        Path file = dir.resolve(STORE_FILE);
        byte[] intact = Files.readAllBytes(file);

        for (int bit = 0; bit < intact.length * 8; bit++) {
            Files.write(file, intact);
            FileBytes.flipBit(file, bit / 8, bit % 8);
            assertThatThrownBy(() -> StoreFile.readOrCreate(dir)).as("bit %d of byte %d", bit % 8, bit / 8)
                    .isInstanceOf(BasaltException.class)
                    .hasMessageContaining(file.toString());
        }
    }

    @Test
    void truncatedStoreFileFailsTheOpenNamingTheFile() throws IOException {
        StoreFile.readOrCreate(dir);
        Path file = dir.resolve(STORE_FILE);
        FileBytes.truncate(file, 20);

        assertThatThrownBy(() -> StoreFile.readOrCreate(dir))
                .isInstanceOf(BasaltException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("length=20");
    }

    @Test
    void everySingleBitFlipOfASegmentHeaderIsReportedAsDamageNotAsAnotherVersion() {
        UnsafeBuffer header = new UnsafeBuffer(SegmentHeader.encode(SegmentImage.STORE_ID, 5, 1 << 20));
        Path file = dir.resolve(segmentFileName(5));
        assertThat(SegmentHeader.check(header, file, SegmentImage.STORE_ID, 5)).isNull();

        for (int bit = 0; bit < SEGMENT_HEADER_LENGTH * 8; bit++) {
            int offset = bit / 8;
            header.putByte(offset, (byte) (header.getByte(offset) ^ (1 << bit % 8)));
            assertThat(SegmentHeader.check(header, file, SegmentImage.STORE_ID, 5)).as("bit %d of byte %d", bit % 8,
                    offset).startsWith("segment header is damaged");
            header.putByte(offset, (byte) (header.getByte(offset) ^ (1 << bit % 8)));
        }
    }

    @Test
    void segmentHeaderLayoutFollowsTheSpec() {
        UnsafeBuffer header = new UnsafeBuffer(SegmentHeader.encode(SegmentImage.STORE_ID, 5, 1 << 20));

        assertThat(header.getStringWithoutLengthAscii(0, 8)).isEqualTo("BASALTSG");
        assertThat(header.getInt(8, BYTE_ORDER)).as("version").isEqualTo(SEGMENT_FORMAT_VERSION);
        assertThat(header.getInt(12, BYTE_ORDER)).as("hdrLen").isEqualTo(64);
        assertThat(header.getLong(16, BYTE_ORDER)).as("storeId").isEqualTo(SegmentImage.STORE_ID);
        assertThat(header.getLong(24, BYTE_ORDER)).as("segmentId").isEqualTo(5);
        assertThat(header.getLong(32, BYTE_ORDER)).as("capacity").isEqualTo(1 << 20);
        for (int reserved = 40; reserved < 60; reserved++) {
            assertThat(header.getByte(reserved)).as("reserved byte %d", reserved).isZero();
        }
        assertThat(header.getInt(60, BYTE_ORDER)).as("crc, unmasked").isEqualTo(Checksums.crc32c(header, 0, 60));
    }
}
