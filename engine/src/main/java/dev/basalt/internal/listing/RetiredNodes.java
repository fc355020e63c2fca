package dev.basalt.internal.listing;

import dev.basalt.internal.env.DirectMemory;
import java.nio.ByteBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A growable list of node addresses kept off the Java heap, so that removing ten million keys
 * before the next reclaim costs 40 MB of direct memory rather than 40 MB of heap. Writer-only;
 * readers never see it.
 */
final class RetiredNodes {
    private static final int INITIAL_CAPACITY = 256;
    /** After a reclaim, a list that grew past this many entries is shrunk back. */
    private static final int KEEP_CAPACITY = 1 << 16;

    private UnsafeBuffer addresses;
    private int size;
    /** Written by the writer, read by anyone for {@link KeyListing#offHeapBytes}. */
    private volatile long offHeapBytes;

    int size() {
        return size;
    }

    int get(int i) {
        assert i >= 0 && i < size : "i=" + i + ", size=" + size;
        return addresses.getInt(i * Integer.BYTES);
    }

    void add(int address) {
        if (addresses == null || (size + 1) * Integer.BYTES > addresses.capacity()) {
            grow();
        }
        addresses.putInt(size * Integer.BYTES, address);
        size++;
    }

    /** Empties the list, giving back memory if it had grown large. */
    void clear() {
        size = 0;
        if (addresses != null && addresses.capacity() > KEEP_CAPACITY * Integer.BYTES) {
            close();
        }
    }

    long offHeapBytes() {
        return offHeapBytes;
    }

    void close() {
        if (addresses != null) {
            DirectMemory.free(addresses.byteBuffer());
            addresses = null;
        }
        offHeapBytes = 0;
        size = 0;
    }

    private void grow() {
        final int capacity = addresses == null ? INITIAL_CAPACITY : Math.multiplyExact(size, 2);
        final UnsafeBuffer grown = new UnsafeBuffer(ByteBuffer.allocateDirect(Math.multiplyExact(capacity, Integer.BYTES)));
        if (addresses != null) {
            grown.putBytes(0, addresses, 0, size * Integer.BYTES);
            DirectMemory.free(addresses.byteBuffer());
        }
        addresses = grown;
        offHeapBytes = grown.capacity();
    }
}
