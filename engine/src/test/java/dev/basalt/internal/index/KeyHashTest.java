package dev.basalt.internal.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class KeyHashTest {
    private static final long SEED = 0x1234_5678_9ABC_DEF0L;

    @Test
    void sameBytesHashTheSameAtAnyOffset() {
        final byte[] key = "namespace-local key".getBytes(StandardCharsets.UTF_8);
        final UnsafeBuffer alone = new UnsafeBuffer(key);
        final UnsafeBuffer padded = new UnsafeBuffer(new byte[key.length + 13]);
        padded.putBytes(5, key);

        assertThat(KeyHash.hash(SEED, padded, 5, key.length))
            .isEqualTo(KeyHash.hash(SEED, alone, 0, key.length))
            .isNotZero();
    }

    @Test
    void theSeedChangesEveryHash() {
        final UnsafeBuffer key = new UnsafeBuffer("k".getBytes(StandardCharsets.UTF_8));
        final Set<Long> hashes = new HashSet<>();
        for (long seed = 0; seed < 1000; seed++) {
            hashes.add(KeyHash.hash(seed, key, 0, 1));
        }
        assertThat(hashes).hasSize(1000).doesNotContain(0L);
    }

    @Test
    void everyBitAndTheLengthMatterAtEveryLength() {
        // Lengths cover each read path: empty, 1..3, 4..7, 8..16, the block loop, 512 bytes.
        final int[] lengths = {0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 100, 511, 512};
        final Set<Long> hashes = new HashSet<>();
        int expected = 0;
        for (int length : lengths) {
            final UnsafeBuffer key = new UnsafeBuffer(new byte[length]);
            hashes.add(KeyHash.hash(SEED, key, 0, length)); // all-zero keys differ only by length
            expected++;
            for (int bit = 0; bit < length * 8; bit++) {
                key.putByte(bit / 8, (byte) (1 << (bit % 8)));
                hashes.add(KeyHash.hash(SEED, key, 0, length));
                key.putByte(bit / 8, (byte) 0);
                expected++;
            }
        }
        assertThat(hashes).hasSize(expected).doesNotContain(0L);
    }

    @Test
    void similarKeysNeitherCollideNorCrowdTheHighBits() {
        // The index picks a home slot from the high 32 bits, so they must spread evenly even
        // for keys that differ in one or two characters.
        final int keyCount = 200_000;
        final int buckets = 1024;
        final int[] perBucket = new int[buckets];
        final Set<Long> hashes = new HashSet<>();
        for (int i = 0; i < keyCount; i++) {
            final byte[] key = String.format("user:%08d", i).getBytes(StandardCharsets.UTF_8);
            final long hash = KeyHash.hash(SEED, new UnsafeBuffer(key), 0, key.length);
            hashes.add(hash);
            perBucket[(int) ((hash >>> 32) * buckets >>> 32)]++;
        }
        assertThat(hashes).hasSize(keyCount);

        final double mean = (double) keyCount / buckets;
        double chiSquare = 0;
        for (int count : perBucket) {
            chiSquare += (count - mean) * (count - mean) / mean;
        }
        // 1023 degrees of freedom: mean 1023, standard deviation about 45; 1300 is six sigma.
        assertThat(chiSquare).isLessThan(1300);
    }
}
