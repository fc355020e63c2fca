package dev.basalt.benchmarks;

import java.nio.ByteBuffer;

/**
 * One thread's walk over the key set in its own random order, without allocating: a duplicate
 * of the shared all-keys buffer whose position and limit are moved to the next key. Owned by
 * one thread.
 */
final class KeyCursor {
    private final ByteBuffer key;
    /** Byte offsets of the keys in {@link #key}, in this thread's random order. */
    private final int[] keyOffsets;
    private int cursor;

    KeyCursor(ByteBuffer allKeys, int keyCount, long seed) {
        key = allKeys.duplicate();
        keyOffsets = BenchmarkKeys.permutation(keyCount, seed);
        for (int i = 0; i < keyOffsets.length; i++) {
            keyOffsets[i] *= BenchmarkKeys.KEY_LENGTH_BYTES;
        }
    }

    /** The next key of this thread's order, as the buffer's position..limit. */
    ByteBuffer next() {
        int offset = keyOffsets[cursor];
        if (++cursor == keyOffsets.length) {
            cursor = 0;
        }
        // clear() first: it lifts the limit, so the new position is always within it.
        key.clear();
        key.position(offset);
        key.limit(offset + BenchmarkKeys.KEY_LENGTH_BYTES);
        return key;
    }
}
