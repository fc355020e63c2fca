package dev.basalt.internal.listing;

import java.nio.ByteOrder;
import org.agrona.DirectBuffer;

/**
 * Lexicographic order of byte strings with bytes compared as unsigned (0x00 < 0x7F < 0x80 <
 * 0xFF), which for UTF-8 is code-point order. Eight bytes at a time: loaded big-endian, an
 * unsigned {@code long} comparison orders them exactly as comparing byte by byte would.
 */
final class UnsignedBytes {
    private UnsignedBytes() {
    }

    /** Negative, zero or positive as {@code a} sorts before, equal to or after {@code b}. */
    static int compare(DirectBuffer a, int aOffset, int aLength, DirectBuffer b, int bOffset, int bLength) {
        final int common = Math.min(aLength, bLength);
        int i = 0;
        for (; i + Long.BYTES <= common; i += Long.BYTES) {
            final long x = a.getLong(aOffset + i, ByteOrder.BIG_ENDIAN);
            final long y = b.getLong(bOffset + i, ByteOrder.BIG_ENDIAN);
            if (x != y) {
                return Long.compareUnsigned(x, y);
            }
        }
        for (; i < common; i++) {
            final int x = a.getByte(aOffset + i) & 0xFF;
            final int y = b.getByte(bOffset + i) & 0xFF;
            if (x != y) {
                return x - y;
            }
        }
        return Integer.compare(aLength, bLength);
    }

    /** True when the first {@code prefixLength} bytes of {@code key} are the prefix. */
    static boolean startsWith(DirectBuffer key, int keyOffset, int keyLength,
                              DirectBuffer prefix, int prefixOffset, int prefixLength) {
        return keyLength >= prefixLength
            && compare(key, keyOffset, prefixLength, prefix, prefixOffset, prefixLength) == 0;
    }
}
