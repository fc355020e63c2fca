package dev.basalt.internal.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * {@link ByteRanges#equal} against {@link Arrays#equals} on ranges of every length up to 40 at
 * any offsets in heap and direct buffers, equal or differing in one byte anywhere: the word
 * compares and the overlapping last word must see every byte.
 */
class ByteRangesTest {
    @Property(tries = 2000)
    void agreesWithArraysEquals(@ForAll @Size(max = 40) byte[] range, @ForAll @IntRange(max = 9) int aOffset,
            @ForAll @IntRange(max = 9) int bOffset, @ForAll boolean differ, @ForAll @IntRange(max = 39) int at,
            @ForAll byte flip, @ForAll boolean directB) {
        byte[] other = range.clone();
        if (differ && range.length > 0) {
            other[at % range.length] ^= flip == 0 ? 1 : flip;
        }
        UnsafeBuffer a = new UnsafeBuffer(new byte[aOffset + range.length]);
        a.putBytes(aOffset, range);
        UnsafeBuffer b = directB ? new UnsafeBuffer(ByteBuffer.allocateDirect(bOffset + range.length))
                : new UnsafeBuffer(new byte[bOffset + range.length]);
        b.putBytes(bOffset, other);

        assertThat(ByteRanges.equal(a, aOffset, b, bOffset, range.length)).isEqualTo(Arrays.equals(range, other));
    }
}
