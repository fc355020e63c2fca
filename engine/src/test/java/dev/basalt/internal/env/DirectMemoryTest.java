package dev.basalt.internal.env;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * Large buffers are mappings of their own, zeroed, writable, resident and starting on a huge
 * page; middle-sized ones mappings of whole pages, zeroed, writable and resident; both unmapped by
 * {@link DirectMemory#free}. Small ones, and buffers from anywhere else, are freed as before.
 */
class DirectMemoryTest {
    private static final int LARGE = 3 * DirectMemory.MIN_MAPPED_BYTES + 123;
    private static final int MIDDLE = DirectMemory.MIN_POPULATED_BYTES + 5 * 4096 + 17;
    private static final long PAGE = 4096;

    @Test
    void aLargeBufferIsZeroedWritableAndUnmappedByFree() {
        ByteBuffer buffer = DirectMemory.allocateZeroed(LARGE);
        long address = BufferUtil.address(buffer);
        try {
            if (DirectMemory.mapsLargeBuffers()) {
                // Read before any byte is touched here: every page was made resident.
                assertThat(ResidentPages.residentBytes(address)).as("resident before its first touch here")
                        .isGreaterThanOrEqualTo((LARGE + PAGE - 1) & -PAGE);
                long hugePage = 2L << 20;
                assertThat(DirectMemory.mappedLength(address)).as("a mapping rounded up to whole huge pages")
                        .isEqualTo((LARGE + hugePage - 1) & -hugePage);
                assertThat(address % hugePage).as("starts on a huge page").isZero();
            }
            assertThat(buffer.isDirect()).isTrue();
            assertThat(buffer.capacity()).isEqualTo(LARGE);
            UnsafeBuffer view = new UnsafeBuffer(buffer);
            for (int i = 0; i < LARGE; i += 997) {
                assertThat(view.getByte(i)).as("byte %d", i).isZero();
            }
            assertWritable(view, LARGE);
        } finally {
            DirectMemory.free(buffer);
        }
        assertThat(DirectMemory.mappedLength(address)).as("unmapped by free").isZero();
        DirectMemory.free(buffer); // a second free finds no mapping, and a buffer without a cleaner
    }

    @Test
    void aMiddleSizedBufferIsAPopulatedMappingOfWholePagesUnmappedByFree() {
        ByteBuffer buffer = DirectMemory.allocateZeroed(MIDDLE);
        long address = BufferUtil.address(buffer);
        try {
            assertThat(buffer.capacity()).isEqualTo(MIDDLE);
            if (DirectMemory.mapsLargeBuffers()) {
                // Read before any byte is touched here: the kernel made every page resident.
                assertThat(ResidentPages.residentBytes(address)).as("resident before its first touch here")
                        .isGreaterThanOrEqualTo((MIDDLE + PAGE - 1) & -PAGE);
                assertThat(DirectMemory.mappedLength(address)).as("a mapping of whole 4 KiB pages")
                        .isEqualTo((MIDDLE + PAGE - 1) & -PAGE);
                assertThat(address % PAGE).as("starts on a page").isZero();
            }
            UnsafeBuffer view = new UnsafeBuffer(buffer);
            for (int i = 0; i < MIDDLE; i += 997) {
                assertThat(view.getByte(i)).as("byte %d", i).isZero();
            }
            assertWritable(view, MIDDLE);
        } finally {
            DirectMemory.free(buffer);
        }
        assertThat(DirectMemory.mappedLength(address)).as("unmapped by free").isZero();
    }

    private static void assertWritable(UnsafeBuffer view, int capacity) {
        view.putLong(capacity - Long.BYTES, 0x1234_5678_9ABC_DEF0L);
        view.putLong(0, -1L);
        assertThat(view.getLong(capacity - Long.BYTES)).isEqualTo(0x1234_5678_9ABC_DEF0L);
        assertThat(view.getLong(0)).isEqualTo(-1L);
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
        ByteBuffer small = DirectMemory.allocateZeroed(DirectMemory.MIN_POPULATED_BYTES - 1);
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
