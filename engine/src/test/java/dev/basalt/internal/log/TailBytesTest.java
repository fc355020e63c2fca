package dev.basalt.internal.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.internal.env.FileIo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * The zero test the open makes past the active segment's data end, against a byte-by-byte model,
 * and the estimate of where a segment's records end that sizes the replay's tables.
 */
class TailBytesTest {
    @Property(tries = 300)
    void theLastNonZeroByteIsFoundWhereverItLies(@ForAll @IntRange(min = 0, max = 200) int length,
            @ForAll @IntRange(min = -1, max = 199) int lastAt, @ForAll @IntRange(min = 0, max = 6) int others,
            @ForAll long seed) {
        byte[] bytes = new byte[length];
        java.util.Random random = new java.util.Random(seed);
        if (lastAt >= 0 && lastAt < length) {
            bytes[lastAt] = (byte) (1 + random.nextInt(255));
            for (int i = 0; i < others; i++) {
                bytes[random.nextInt(lastAt + 1)] = (byte) random.nextInt(256);
            }
        }
        ByteBuffer chunk = ByteBuffer.allocate(length + 16); // bytes past the length are not looked at
        chunk.put(bytes).put(new byte[] {7, 7, 7});
        int expected = -1;
        for (int i = 0; i < length; i++) {
            if (bytes[i] != 0) {
                expected = i;
            }
        }
        assertThat(TailBytes.lastNonZero(chunk, length)).isEqualTo(expected);
    }

    /**
     * Records that end anywhere in a file of zeros are found to end within the page that holds
     * their last byte: where the first all-zero page starts.
     */
    @Property(tries = 60)
    void theRecordsOfASegmentAreFoundToEndAtTheFirstPageOfZeros(
            @ForAll @IntRange(min = 64, max = 300_000) int dataEnd, @ForAll @IntRange(min = 0, max = 63) int from,
            @ForAll long seed) throws IOException {
        int capacity = 300_000 + 4096;
        byte[] file = new byte[capacity];
        java.util.Random random = new java.util.Random(seed);
        for (int i = 0; i < dataEnd; i++) {
            file[i] = (byte) (1 + random.nextInt(255)); // no page of zeros inside the records
        }
        Path segment = Files.createTempFile("tail-bytes", ".seg");
        try {
            Files.write(segment, file);
            long estimate = TailBytes.approximateDataEnd(FileIo.real(), segment, from);
            assertThat(estimate).isEqualTo(Math.min(capacity, (dataEnd + 4095L) / 4096 * 4096));
            assertThat(TailBytes.approximateDataEnd(FileIo.real(), segment, capacity + 10))
                    .as("from past the file's end").isEqualTo(capacity);
        } finally {
            Files.delete(segment);
        }
    }
}
