package dev.basalt.internal.listing;

import org.agrona.DirectBuffer;

/** Receives the keys of a {@link KeyListing#scan}. */
@FunctionalInterface
public interface KeyVisitor {
    /**
     * One key. The bytes are valid only during this call: copy what you keep.
     *
     * @param buffer holds the key; read-only
     * @param offset where the key starts in {@code buffer}
     * @param length key length in bytes, 1..512
     * @return true if the key counts toward the scan's {@code maxKeys}; false to skip it
     *     (for example a key the caller finds expired)
     */
    boolean visit(DirectBuffer buffer, int offset, int length);
}
