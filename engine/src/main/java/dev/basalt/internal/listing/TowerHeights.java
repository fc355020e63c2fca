package dev.basalt.internal.listing;

import static dev.basalt.internal.listing.NodeLayout.MAX_LEVEL;

/**
 * How many levels each new node of a {@link KeyListing} gets: level 1 with probability 3/4, 2
 * with 3/16, ...: P(level > k) = 4^-k, capped at {@link NodeLayout#MAX_LEVEL}. These odds keep
 * the expected descent at about {@code log4(n)} levels of a few steps each. The generator is an
 * xorshift whose state a checkpoint keeps, so a reopened listing goes on drawing where it
 * stopped. Writer-only.
 */
final class TowerHeights {
    /** Stands in for a zero seed, which would make xorshift return zero forever. */
    private static final long NONZERO_SEED = 0x9E37_79B9_7F4A_7C15L;

    private long state;

    TowerHeights(long seed) {
        this.state = seed == 0 ? NONZERO_SEED : seed;
    }

    /** The generator's state, for a checkpoint; never 0. */
    long state() {
        return state;
    }

    /** The next node's level, 1..{@link NodeLayout#MAX_LEVEL}. */
    int next() {
        long x = state;
        x ^= x << 13;
        x ^= x >>> 7;
        x ^= x << 17;
        state = x;
        // Each pair of low bits is 00 with probability 1/4; the sentinel bit caps the level.
        return 1 + Long.numberOfTrailingZeros(x | 1L << 2 * (MAX_LEVEL - 1)) / 2;
    }
}
