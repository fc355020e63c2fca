package dev.basalt.internal.index;

import java.nio.ByteOrder;
import org.agrona.DirectBuffer;

/**
 * The seeded 64-bit hash of a key, as {@link HashIndex} stores it. Stateless; any thread.
 *
 * <h2>Construction</h2>
 * The key is read as little-endian 8-byte words (so a hash is the same on every platform) and
 * consumed 16 bytes at a time by one "folded multiply": the full 128-bit product of two
 * 64-bit operands, high half XOR low half ({@link Math#multiplyHigh} is a single instruction
 * on x86-64 and AArch64 since Java 10). Each step multiplies {@code word0 ^ seedKey} by
 * {@code word1 ^ state}, so the seed enters every step, not only the initial state. The last
 * block and keys of at most 16 bytes are read with overlapping loads instead of a byte loop;
 * the length is mixed in at the start and at the end, so overlapping reads of different
 * lengths cannot collide by construction. A final folded multiply by a constant spreads every
 * input bit over the high 32 bits, which {@link HashIndex} uses to pick the home slot.
 *
 * <h2>Why this hash</h2>
 * <ul>
 *   <li>Speed: 16 bytes per multiply is about 32 steps for a 512-byte key and 1 to 2 steps for
 *       a 10..32-byte key, with no allocation and no per-byte loop. SipHash-1-3, the usual
 *       choice against hash flooding, needs several rounds of add-rotate-xor per 8 bytes and
 *       is roughly three to four times slower per key at these lengths.</li>
 *   <li>Seeding: the store draws a random seed per store, so a client cannot precompute keys
 *       that share a hash. This is not a cryptographic function, so the defence is
 *       "unpredictable", not "proven". The cost of a collision is bounded anyway: the index
 *       compares the full 64 bits and then asks the {@link KeyMatcher}, so a collision can
 *       only lengthen a probe run, never return another key's record.</li>
 *   <li>Never 0: 0 marks an empty slot in the index, so a (probability 2^-64) zero result is
 *       replaced by {@link #ZERO_REPLACEMENT}.</li>
 * </ul>
 * Hashes are not written to disk by this package; if a format ever stores them, it must store
 * the seed with them.
 */
public final class KeyHash {
    /** Returned instead of 0, which {@link HashIndex} reserves for empty slots. */
    static final long ZERO_REPLACEMENT = 0x6A09E667F3BCC909L;

    // Odd "nothing up my sleeve" constants: the fractional parts of sqrt(3), sqrt(5), sqrt(7)
    // and the golden ratio, so that no operand of a multiply is zero for a zero key and seed.
    private static final long SEED_MIX = 0xBB67AE8584CAA73BL;
    private static final long STATE_MIX = 0x3C6EF372FE94F82BL;
    private static final long LENGTH_MIX = 0xA54FF53A5F1D36F1L;
    private static final long FINAL_MIX = 0x9E3779B97F4A7C15L;

    private static final int BLOCK_BYTES = 16;
    private static final long UNSIGNED_INT_MASK = 0xFFFF_FFFFL;
    private static final int UNSIGNED_BYTE_MASK = 0xFF;

    private KeyHash() {
    }

    /**
     * The 64-bit hash of {@code key[offset, offset + length)} under {@code seed}. Never returns
     * 0. Allocation-free.
     *
     * @param seed   the store's secret seed
     * @param key    the buffer holding the key
     * @param offset where the key starts
     * @param length the key length in bytes, {@code >= 0}
     * @return a non-zero hash
     */
    public static long hash(long seed, DirectBuffer key, int offset, int length) {
        assert length >= 0 : "length=" + length;
        final long seedKey = seed ^ SEED_MIX;
        long state = seed ^ STATE_MIX ^ (length * LENGTH_MIX);
        final int end = offset + length;
        final long first;
        final long second;
        if (length > BLOCK_BYTES) {
            int index = offset;
            for (int remaining = length; remaining > BLOCK_BYTES; remaining -= BLOCK_BYTES) {
                state = fold(word(key, index) ^ seedKey, word(key, index + Long.BYTES) ^ state);
                index += BLOCK_BYTES;
            }
            // The last 16 bytes, overlapping the previous block when length is not a multiple.
            first = word(key, end - BLOCK_BYTES);
            second = word(key, end - Long.BYTES);
        } else if (length >= Long.BYTES) {
            first = word(key, offset);
            second = word(key, end - Long.BYTES);
        } else if (length >= Integer.BYTES) {
            first = key.getInt(offset, ByteOrder.LITTLE_ENDIAN) & UNSIGNED_INT_MASK;
            second = key.getInt(end - Integer.BYTES, ByteOrder.LITTLE_ENDIAN) & UNSIGNED_INT_MASK;
        } else if (length > 0) {
            // First, middle and last byte cover every byte of a 1..3-byte key.
            first = (long) (key.getByte(offset) & UNSIGNED_BYTE_MASK) << 16
                | (key.getByte(offset + (length >> 1)) & UNSIGNED_BYTE_MASK) << 8
                | key.getByte(end - 1) & UNSIGNED_BYTE_MASK;
            second = 0;
        } else {
            first = 0;
            second = 0;
        }
        state = fold(first ^ seedKey, second ^ state);
        // A constant (never seed-dependent) multiplier, so no seed can zero this operand.
        final long hash = fold(state, FINAL_MIX ^ length);
        return hash == 0 ? ZERO_REPLACEMENT : hash;
    }

    private static long word(DirectBuffer key, int index) {
        return key.getLong(index, ByteOrder.LITTLE_ENDIAN);
    }

    /** High and low halves of the 128-bit product, XORed: every input bit reaches the result. */
    private static long fold(long a, long b) {
        return Math.multiplyHigh(a, b) ^ (a * b);
    }
}
