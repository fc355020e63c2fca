package dev.basalt.internal.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** The zero test the open makes past the active segment's data end, against a byte-by-byte model. */
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
}
