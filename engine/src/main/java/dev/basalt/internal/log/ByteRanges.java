package dev.basalt.internal.log;

import java.nio.ByteOrder;
import org.agrona.DirectBuffer;

/** Allocation-free comparison of byte ranges in any two buffers (heap, direct or mapped). */
public final class ByteRanges {
    private ByteRanges() {
    }

    /**
     * Whether the two ranges of {@code length} bytes hold the same bytes. Compares eight bytes at
     * a time, and a range that is not a multiple of eight by its last eight bytes, overlapping
     * the words before them: a namespace of 14 bytes, which every replayed record compares twice,
     * took one word and six bounds-checked bytes.
     */
    public static boolean equal(DirectBuffer a, int aOffset, DirectBuffer b, int bOffset, int length) {
        final ByteOrder order = ByteOrder.LITTLE_ENDIAN;
        if (length >= Long.BYTES) {
            int lastWord = length - Long.BYTES;
            for (int i = 0; i < lastWord; i += Long.BYTES) {
                if (a.getLong(aOffset + i, order) != b.getLong(bOffset + i, order)) {
                    return false;
                }
            }
            return a.getLong(aOffset + lastWord, order)
                    == b.getLong(bOffset + lastWord, order);
        }
        if (length >= Integer.BYTES) {
            int lastInt = length - Integer.BYTES;
            return a.getInt(aOffset, order) == b.getInt(bOffset, order)
                    && a.getInt(aOffset + lastInt, order)
                    == b.getInt(bOffset + lastInt, order);
        }
        for (int i = 0; i < length; i++) {
            if (a.getByte(aOffset + i) != b.getByte(bOffset + i)) {
                return false;
            }
        }
        return true;
    }
}
