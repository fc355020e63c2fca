package dev.basalt.internal.log;

import java.nio.ByteOrder;
import org.agrona.DirectBuffer;

/** Allocation-free comparison of byte ranges in any two buffers (heap, direct or mapped). */
public final class ByteRanges {
    private ByteRanges() {
    }

    public static boolean equal(DirectBuffer a, int aOffset, DirectBuffer b, int bOffset, int length) {
        int i = 0;
        for (; i + Long.BYTES <= length; i += Long.BYTES) {
            if (a.getLong(aOffset + i, ByteOrder.LITTLE_ENDIAN) != b.getLong(bOffset + i, ByteOrder.LITTLE_ENDIAN)) {
                return false;
            }
        }
        for (; i < length; i++) {
            if (a.getByte(aOffset + i) != b.getByte(bOffset + i)) {
                return false;
            }
        }
        return true;
    }
}
