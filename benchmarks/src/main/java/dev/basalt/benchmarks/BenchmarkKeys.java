package dev.basalt.benchmarks;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * The key set every benchmark uses: key {@code i} is {@code "user:"} followed by {@code i} as
 * eleven zero-padded decimal digits, for example {@code "user:00000001234"}, so every key is
 * exactly {@value #KEY_LENGTH_BYTES} bytes of ASCII (eleven digits cover ten billion keys).
 *
 * <p>Stateless; every method is thread-safe.
 */
final class BenchmarkKeys {
    static final String KEY_PREFIX = "user:";
    static final int DIGIT_COUNT = 11;
    static final int KEY_LENGTH_BYTES = 5 + DIGIT_COUNT;

    /** Highest key index that still fits in {@link #DIGIT_COUNT} digits. */
    static final long MAX_KEY_INDEX = 99_999_999_999L;

    private BenchmarkKeys() {
    }

    /** Writes key {@code index} at {@code dst}'s position and advances it by {@value #KEY_LENGTH_BYTES}. */
    static void writeKey(long index, ByteBuffer dst) {
        checkIndex(index);
        for (int i = 0; i < KEY_PREFIX.length(); i++) {
            dst.put((byte) KEY_PREFIX.charAt(i));
        }
        int digitsStart = dst.position();
        long rest = index;
        for (int i = DIGIT_COUNT - 1; i >= 0; i--) {
            dst.put(digitsStart + i, (byte) ('0' + rest % 10));
            rest /= 10;
        }
        dst.position(digitsStart + DIGIT_COUNT);
    }

    /** Key {@code index} as a {@code String}, for the {@code put} calls that load a store. */
    static String keyString(long index) {
        byte[] bytes = new byte[KEY_LENGTH_BYTES];
        writeKey(index, ByteBuffer.wrap(bytes));
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    /** Keys {@code 0..count-1} as strings, in the seeded random order of {@link #permutation}. */
    static String[] keyStringsInRandomOrder(int count, long seed) {
        int[] order = permutation(count, seed);
        String[] keys = new String[count];
        for (int i = 0; i < count; i++) {
            keys[i] = keyString(order[i]);
        }
        return keys;
    }

    /**
     * A direct buffer holding keys {@code 0..keyCount-1} back to back: key {@code i} is at byte
     * offset {@code i * KEY_LENGTH_BYTES}. Readers slice it by position and limit, so a measured
     * method never encodes or allocates a key.
     */
    static ByteBuffer allKeysDirect(int keyCount) {
        ByteBuffer keys = ByteBuffer.allocateDirect(Math.multiplyExact(keyCount, KEY_LENGTH_BYTES));
        for (int i = 0; i < keyCount; i++) {
            writeKey(i, keys);
        }
        return keys.clear();
    }

    /** A uniformly random permutation of {@code 0..count-1} (Fisher-Yates), the same for the same seed. */
    static int[] permutation(int count, long seed) {
        int[] order = new int[count];
        for (int i = 0; i < count; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = count - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        return order;
    }

    private static void checkIndex(long index) {
        if (index < 0 || index > MAX_KEY_INDEX) {
            throw new IllegalArgumentException(
                    "key index is " + index + "; the range is 0.." + MAX_KEY_INDEX);
        }
    }
}
