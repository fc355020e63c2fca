package dev.basalt.internal.env;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * Large buffers are mappings of their own, zeroed and writable, and unmapped by {@link
 * DirectMemory#free}; small ones, and buffers from anywhere else, are freed as before.
 */
class DirectMemoryTest {
    private static final int LARGE = 3 * DirectMemory.MIN_MAPPED_BYTES + 123;

    @Test
    void aLargeBufferIsZeroedWritableAndUnmappedByFree() {
        long before = DirectMemory.mappedBytes();
        ByteBuffer buffer = DirectMemory.allocateZeroed(LARGE);
        try {
            assertThat(buffer.isDirect()).isTrue();
            assertThat(buffer.capacity()).isEqualTo(LARGE);
            UnsafeBuffer view = new UnsafeBuffer(buffer);
            for (int i = 0; i < LARGE; i += 997) {
                assertThat(view.getByte(i)).as("byte %d", i).isZero();
            }
            view.putLong(LARGE - Long.BYTES, 0x1234_5678_9ABC_DEF0L);
            view.putLong(0, -1L);
            assertThat(view.getLong(LARGE - Long.BYTES)).isEqualTo(0x1234_5678_9ABC_DEF0L);
            assertThat(view.getLong(0)).isEqualTo(-1L);
            if (DirectMemory.mapsLargeBuffers()) {
                assertThat(DirectMemory.mappedBytes() - before).as("a mapping rounded up to whole pages")
                        .isEqualTo((LARGE + 4095L) & -4096L);
            }
        } finally {
            DirectMemory.free(buffer);
        }
        assertThat(DirectMemory.mappedBytes()).as("unmapped by free").isEqualTo(before);
        DirectMemory.free(buffer); // a second free finds no mapping and does nothing
        assertThat(DirectMemory.mappedBytes()).isEqualTo(before);
    }

    @Test
    void smallBuffersAndOthersAreFreedAsBefore() {
        long before = DirectMemory.mappedBytes();
        ByteBuffer small = DirectMemory.allocateZeroed(DirectMemory.MIN_MAPPED_BYTES - 1);
        assertThat(small.isDirect()).isTrue();
        assertThat(DirectMemory.mappedBytes()).as("no mapping for a small buffer").isEqualTo(before);
        DirectMemory.free(small);
        DirectMemory.free(ByteBuffer.allocateDirect(64));
        DirectMemory.free(ByteBuffer.allocate(64));
        DirectMemory.free(null);
        assertThat(DirectMemory.mappedBytes()).isEqualTo(before);
    }

    @Test
    void onLinuxLargeBuffersAreMapped() {
        if (System.getProperty("os.name", "").startsWith("Linux")) {
            assertThat(DirectMemory.mapsLargeBuffers()).as("mmap bound through JNA").isTrue();
        }
    }
}
