package dev.basalt.internal.index;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The test's stand-in for the segment log: remembers which key bytes were "written" at each
 * location and answers {@link KeyMatcher} from that. Single-threaded.
 */
final class KeyBook implements KeyMatcher {
    static final long SEED = 0x5EED_0F_BA5A17L;

    private final Map<Long, byte[]> keyAtLocation = new HashMap<>();
    private long nextLocation;

    static UnsafeBuffer buffer(String key) {
        return new UnsafeBuffer(key.getBytes(StandardCharsets.UTF_8));
    }

    static long hash(DirectBuffer key) {
        return KeyHash.hash(SEED, key, 0, key.capacity());
    }

    /** A fresh, never used location, recorded as holding {@code key}. */
    long write(DirectBuffer key) {
        final long location = nextLocation++;
        final byte[] bytes = new byte[key.capacity()];
        key.getBytes(0, bytes);
        keyAtLocation.put(location, bytes);
        return location;
    }

    @Override
    public boolean matches(long location, DirectBuffer key, int offset, int length) {
        final byte[] stored = keyAtLocation.get(location);
        if (stored == null || stored.length != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (stored[i] != key.getByte(offset + i)) {
                return false;
            }
        }
        return true;
    }
}
