package dev.basalt.internal.env;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * Large buffers are mappings of their own, zeroed, writable and starting on a huge page, and
 * unmapped by {@link DirectMemory#free}; small ones, and buffers from anywhere else, are freed as
 * before.
 */
class DirectMemoryTest {
    private static final int LARGE = 3 * DirectMemory.MIN_MAPPED_BYTES + 123;

    @Test
    void aLargeBufferIsZeroedWritableAndUnmappedByFree() {
        ByteBuffer buffer = DirectMemory.allocateZeroed(LARGE);
        long address = BufferUtil.address(buffer);
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
                long hugePage = 2L << 20;
                assertThat(DirectMemory.mappedLength(address)).as("a mapping rounded up to whole huge pages")
                        .isEqualTo((LARGE + hugePage - 1) & -hugePage);
                assertThat(address % hugePage).as("starts on a huge page").isZero();
            }
        } finally {
            DirectMemory.free(buffer);
        }
        assertThat(DirectMemory.mappedLength(address)).as("unmapped by free").isZero();
        DirectMemory.free(buffer); // a second free finds no mapping, and a buffer without a cleaner
    }

    /**
     * A grown index leaves its old table to the garbage collector (lock-free readers may still be
     * on it): a mapped buffer nothing references is unmapped, as allocateDirect's memory is freed,
     * and by no thread of its own (the leak campaign holds a closed store to leaving none).
     */
    @Test
    void aMappedBufferNothingReferencesIsUnmappedAfterACollection() throws InterruptedException {
        if (!DirectMemory.mapsLargeBuffers()) {
            return;
        }
        long address = BufferUtil.address(DirectMemory.allocateZeroed(LARGE)); // dropped without free
        assertThat(DirectMemory.mappedLength(address)).isPositive();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (DirectMemory.mappedLength(address) > 0 && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(20);
            DirectMemory.unmapUnreferenced(); // as the next allocation, free or trim does
        }
        assertThat(DirectMemory.mappedLength(address)).as("unmapped once found unreferenced").isZero();
    }

    @Test
    void smallBuffersAndOthersAreFreedAsBefore() {
        ByteBuffer small = DirectMemory.allocateZeroed(DirectMemory.MIN_MAPPED_BYTES - 1);
        assertThat(small.isDirect()).isTrue();
        assertThat(DirectMemory.mappedLength(BufferUtil.address(small))).as("no mapping for a small buffer").isZero();
        DirectMemory.free(small);
        DirectMemory.free(ByteBuffer.allocateDirect(64));
        DirectMemory.free(ByteBuffer.allocate(64));
        DirectMemory.free(null);
    }

    @Test
    void onLinuxLargeBuffersAreMapped() {
        if (System.getProperty("os.name", "").startsWith("Linux")) {
            assertThat(DirectMemory.mapsLargeBuffers()).as("mmap bound through JNA").isTrue();
        }
    }
}
