package dev.basalt.internal.log;

import org.agrona.DirectBuffer;
import org.agrona.checksum.Crc32c;

/**
 * Masked CRC32C, as {@code docs/format.md} specifies: the stored value is the CRC32C of the
 * bytes XOR a mask derived from the store id and the segment id, so that a record that is valid
 * in another store or another segment fails its check here.
 *
 * <p>Allocation-free: the CRC is computed on the native address of a direct or mapped buffer
 * with the JDK's CRC32C intrinsic (through Agrona), which the hot read path relies on.
 */
public final class Checksums {
    private Checksums() {
    }

    /** The mask of one segment (or of the store's own files, with segment id 0). */
    public static int mask(long storeId, long segmentId) {
        return (int) mix(storeId ^ mix(segmentId + 0x9E3779B97F4A7C15L));
    }

    /** CRC32C of {@code buffer[offset, offset + length)}, which must be off-heap. */
    public static int crc32c(DirectBuffer buffer, int offset, int length) {
        assert buffer.byteArray() == null : "CRC32C needs an off-heap buffer";
        return Crc32c.INSTANCE.compute(buffer.addressOffset(), offset, length);
    }

    public static int masked(DirectBuffer buffer, int offset, int length, int mask) {
        return crc32c(buffer, offset, length) ^ mask;
    }

    /**
     * The masked CRC32C of the first {@code count} of {@code parts}, taken in order as one run of
     * bytes (each from its position to its limit; none is moved), heap or direct.
     */
    public static int masked(java.nio.ByteBuffer[] parts, int count, int mask) {
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        for (int i = 0; i < count; i++) {
            crc.update(parts[i].duplicate());
        }
        return (int) crc.getValue() ^ mask;
    }

    /** The finaliser of SplitMix64: every input bit affects every output bit. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
