package dev.basalt.benchmarks.stores;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;

/** Key encoding and ordering helpers shared by the adapters. Stateless. */
final class KeyBytes {
    /** Unsigned lexicographic order of the remaining bytes, the order Basalt lists keys in. */
    static final Comparator<ByteBuffer> UNSIGNED_ORDER = KeyBytes::compareUnsigned;

    private KeyBytes() {
    }

    static byte[] utf8(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
    }

    static String string(byte[] key) {
        return new String(key, StandardCharsets.UTF_8);
    }

    /** The remaining bytes of {@code key} as a new array; the buffer's position is left alone. */
    static byte[] copyOf(ByteBuffer key) {
        byte[] bytes = new byte[key.remaining()];
        key.get(key.position(), bytes);
        return bytes;
    }

    /** Whether {@code key} starts with {@code prefix}. */
    static boolean startsWith(byte[] key, byte[] prefix) {
        return key.length >= prefix.length
                && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }

    static int compareUnsigned(ByteBuffer a, ByteBuffer b) {
        int mismatch = a.mismatch(b);
        if (mismatch < 0) {
            return 0;
        }
        if (mismatch >= a.remaining() || mismatch >= b.remaining()) {
            return Integer.compare(a.remaining(), b.remaining());
        }
        return Integer.compare(Byte.toUnsignedInt(a.get(a.position() + mismatch)),
                Byte.toUnsignedInt(b.get(b.position() + mismatch)));
    }

    /**
     * The smallest key greater than every key starting with {@code prefix}: the prefix with its
     * last byte below 0xFF incremented and the rest cut off; null when there is none (all 0xFF).
     */
    static byte[] prefixUpperBound(byte[] prefix) {
        for (int i = prefix.length - 1; i >= 0; i--) {
            if (prefix[i] != (byte) 0xFF) {
                byte[] bound = Arrays.copyOf(prefix, i + 1);
                bound[i]++;
                return bound;
            }
        }
        return null;
    }

    /**
     * Copies {@code value} to {@code dst} under the {@link KvStore#readInto} contract: nothing
     * when it does not fit; returns the value's length.
     */
    static int copyInto(byte[] value, ByteBuffer dst) {
        if (value == null) {
            return KvStore.ABSENT;
        }
        if (value.length <= dst.remaining()) {
            dst.put(value);
        }
        return value.length;
    }
}
