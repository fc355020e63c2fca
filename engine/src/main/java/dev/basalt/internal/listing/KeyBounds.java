package dev.basalt.internal.listing;

import static dev.basalt.internal.listing.NodeLayout.MAX_KEY_BYTES;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/** The argument checks of the listing's entry points: a key's length, and a range inside its buffer. */
final class KeyBounds {
    private static final UnsafeBuffer EMPTY = new UnsafeBuffer(new byte[0]);

    private KeyBounds() {
    }

    /** @throws IllegalArgumentException if the key is not 1..512 bytes within the buffer */
    static void checkKey(DirectBuffer key, int offset, int length) {
        if (length < 1 || length > MAX_KEY_BYTES) {
            throw new IllegalArgumentException("key is " + length + " bytes; it must be 1.." + MAX_KEY_BYTES);
        }
        checkBound("key", key, offset, length);
    }

    /**
     * The buffer to read, or an empty one when the length is 0 and no buffer is given.
     *
     * @throws IllegalArgumentException if the range is longer than a key or outside its buffer
     */
    static DirectBuffer checkBound(String what, DirectBuffer buffer, int offset, int length) {
        if (length < 0 || length > MAX_KEY_BYTES) {
            throw new IllegalArgumentException(what + " is " + length + " bytes; it must be 0.." + MAX_KEY_BYTES);
        }
        if (buffer == null) {
            if (length != 0) {
                throw new IllegalArgumentException(what + " buffer is null");
            }
            return EMPTY;
        }
        if (offset < 0 || offset > buffer.capacity() - length) {
            throw new IllegalArgumentException(what + " range offset=" + offset + " length=" + length
                + " is outside its buffer of capacity=" + buffer.capacity());
        }
        return buffer;
    }
}
