package dev.basalt.internal.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.zip.CRC32C;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.agrona.concurrent.UnsafeBuffer;

/** {@link Checksums} against the JDK's own CRC32C, and the masks that tie a record to its place. */
class ChecksumsPropertyTest {
    @Property
    void agronaCrc32cEqualsTheJdksCrc32c(@ForAll @Size(max = 4096) byte[] bytes,
            @ForAll @IntRange(max = 63) int offset) {
        UnsafeBuffer b = SegmentImage.offHeap(offset + bytes.length + 1);
        b.putBytes(offset, bytes);
        CRC32C jdk = new CRC32C();
        jdk.update(bytes);

        assertThat(Checksums.crc32c(b, offset, bytes.length)).isEqualTo((int) jdk.getValue());
    }

    @Property
    void maskedIsTheCrcXorTheMask(@ForAll @Size(max = 256) byte[] bytes, @ForAll long storeId,
            @ForAll @IntRange(min = 1) int segmentId) {
        UnsafeBuffer b = SegmentImage.offHeap(bytes.length + 1);
        b.putBytes(0, bytes);
        int mask = Checksums.mask(storeId, segmentId);

        assertThat(Checksums.masked(b, 0, bytes.length, mask)).isEqualTo(Checksums.crc32c(b, 0, bytes.length) ^ mask);
    }

    @Property
    void partsTakenInOrderHaveTheMaskedCrcOfTheirBytesJoined(@ForAll @Size(max = 2048) byte[] bytes,
            @ForAll @Size(max = 6) java.util.List<@IntRange(max = 2048) Integer> cuts, @ForAll boolean direct,
            @ForAll long storeId) {
        UnsafeBuffer joined = SegmentImage.offHeap(bytes.length + 1);
        joined.putBytes(0, bytes);
        int mask = Checksums.mask(storeId, 7);
        int[] bounds = cuts.stream().mapToInt(c -> Math.min(c, bytes.length)).sorted().toArray();
        java.nio.ByteBuffer[] parts = new java.nio.ByteBuffer[bounds.length + 2];
        int from = 0;
        for (int i = 0; i <= bounds.length; i++) {
            int to = i < bounds.length ? bounds[i] : bytes.length;
            java.nio.ByteBuffer part = direct ? java.nio.ByteBuffer.allocateDirect(to - from + 3)
                    : java.nio.ByteBuffer.allocate(to - from + 3);
            part.position(3);
            part.put(bytes, from, to - from).position(3); // bytes before the position are not taken
            parts[i] = part;
            from = to;
        }
        parts[parts.length - 1] = java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3}); // beyond the count: not taken

        assertThat(Checksums.masked(parts, parts.length - 1, mask))
                .isEqualTo(Checksums.masked(joined, 0, bytes.length, mask));
        assertThat(parts[0].position()).as("the parts are not moved").isEqualTo(3);
    }

    @Example
    void theEmptyRangeHasTheCrcOfNothing() {
        assertThat(Checksums.crc32c(SegmentImage.offHeap(8), 3, 0)).isZero();
    }

    @Example
    void neighbouringSegmentsAndStoresHaveDifferentMasks() {
        long store = SegmentImage.STORE_ID;
        for (long segment = 1; segment <= 1000; segment++) {
            assertThat(Checksums.mask(store, segment)).isNotEqualTo(Checksums.mask(store, segment + 1))
                    .isNotEqualTo(Checksums.mask(store + 1, segment))
                    .isNotEqualTo(Checksums.mask(store ^ Long.MIN_VALUE, segment))
                    .isNotZero();
        }
    }
}
