package dev.basalt.benchmarks;

/**
 * One thread's walk over key numbers {@code 0..keyCount-1} in its own random order. Owned by
 * one thread; {@link #next()} allocates nothing.
 */
final class KeyOrder {
    private final int[] order;
    private int cursor;

    KeyOrder(int keyCount, long seed) {
        order = BenchmarkKeys.permutation(keyCount, seed);
    }

    int next() {
        int index = order[cursor];
        if (++cursor == order.length) {
            cursor = 0;
        }
        return index;
    }
}
