package dev.basalt.internal.store;

/**
 * Heap arrays a background checkpoint allocates, without the append lock, for its capture's
 * copy of one namespace's owed keys ({@link OwedNewKeys#copyUnderLock}): copied into fresh
 * arrays under the lock, a few MiB of owed keys held the writers for their pages' first touch
 * (the copy step of captures took 12-19 ms at 2-3 M keys of a load, where a copy into memory
 * already touched takes well under one). Sized from the keys owed at the last mark, with room
 * for those owed by the capture; keys that outgrew it are copied into fresh arrays as before
 * (correct, only slower).
 *
 * <p>One thread, the checkpoint's; the arrays then belong to the {@code UnlistedKeys} made in them.
 */
final class OwedKeysRoom {
    /** Keys and bytes added to the figures at the mark, besides half of them again. */
    private static final int SLACK_KEYS = 4096;
    private static final int SLACK_BYTES = 64 << 10;

    final byte[] keyBytes;
    /** Key i starts at {@code keyStarts[i]}; one entry more than the keys it has room for. */
    final int[] keyStarts;
    final long[] noted;
    final byte[] plainness;

    private OwedKeysRoom(int keys, int bytes) {
        keyBytes = new byte[bytes];
        keyStarts = new int[keys + 1];
        noted = new long[keys];
        plainness = new byte[keys];
    }

    /** Room for {@code keys} owed keys of {@code bytes} and the keys owed after them until the capture. */
    static OwedKeysRoom withSlack(int keys, int bytes) {
        return exactly(keys + keys / 2 + SLACK_KEYS, bytes + bytes / 2 + SLACK_BYTES);
    }

    /** Room for {@code keys} keys of {@code bytes} in all, no more. */
    static OwedKeysRoom exactly(int keys, int bytes) {
        return new OwedKeysRoom(keys, bytes);
    }

    /** Whether {@code keys} keys of {@code bytes} in all fit. */
    boolean fits(int keys, int bytes) {
        return keys < keyStarts.length && bytes <= keyBytes.length;
    }
}
