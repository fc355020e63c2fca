package dev.basalt.kafka;

import dev.basalt.BinaryNamespace;
import java.util.Arrays;

/**
 * A range bound as Basalt can take it: Kafka's bounds are inclusive and may be longer than any
 * key Basalt stores (512 bytes). A longer bound is cut to 512 bytes with its inclusiveness
 * adjusted, which selects exactly the same stored keys: a key of at most 512 bytes is at least
 * a longer lower bound L only when it is above L's first 512 bytes (it cannot equal L, and equal
 * to the cut it is a proper prefix of L, so below it); and at most a longer upper bound U exactly
 * when it is at most U's first 512 bytes.
 *
 * @param key       the bound's bytes, or null for an open bound
 * @param inclusive whether a key equal to {@code key} is in the range
 */
record RangeBounds(byte[] key, boolean inclusive) {
    static RangeBounds lower(byte[] bound) {
        if (bound != null && bound.length > BinaryNamespace.MAX_KEY_BYTES) {
            return new RangeBounds(Arrays.copyOf(bound, BinaryNamespace.MAX_KEY_BYTES), false);
        }
        return open(bound);
    }

    static RangeBounds upper(byte[] bound) {
        if (bound != null && bound.length > BinaryNamespace.MAX_KEY_BYTES) {
            return new RangeBounds(Arrays.copyOf(bound, BinaryNamespace.MAX_KEY_BYTES), true);
        }
        return open(bound);
    }

    /**
     * An inclusive bound, open when null. An empty lower bound is below every key, so it is open
     * too; the caller answers an empty upper bound (no key is at most it) before asking here.
     */
    private static RangeBounds open(byte[] bound) {
        return new RangeBounds(bound == null || bound.length == 0 ? null : bound, true);
    }
}
