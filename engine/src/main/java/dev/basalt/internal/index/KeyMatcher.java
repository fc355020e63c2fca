package dev.basalt.internal.index;

import org.agrona.DirectBuffer;

/**
 * Answers whether the record at a location holds a given key. The {@link HashIndex} keeps no
 * keys, only 64-bit key hashes, so this check is the final word on every lookup: two keys
 * whose hashes collide are told apart here, never by the index.
 *
 * <p>Called from reader threads without any lock (by {@link HashIndex#get}) and from the
 * single writer thread (by {@link HashIndex#put} and {@link HashIndex#remove}); an
 * implementation must therefore be thread-safe and must not allocate, because it is on the
 * zero-allocation read path.
 */
@FunctionalInterface
public interface KeyMatcher {
    /**
     * True when the record at {@code location} holds exactly the bytes
     * {@code key[offset, offset + length)}. Must not allocate.
     *
     * @param location a location the index stored (never a sentinel: always {@code >= 0})
     * @param key      the buffer holding the key being looked up
     * @param offset   where the key starts in {@code key}
     * @param length   the key length in bytes
     * @return whether that record holds this key
     */
    boolean matches(long location, DirectBuffer key, int offset, int length);
}
