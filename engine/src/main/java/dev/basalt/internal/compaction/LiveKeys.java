package dev.basalt.internal.compaction;

import org.agrona.DirectBuffer;

/**
 * The narrow view of one namespace that compaction works through: where a key's newest record
 * is, and a compare-and-set that moves a key from a victim's record to its copy only if no newer
 * write came in between. Called under the append lock.
 */
public interface LiveKeys {
    /** True when the index points the key at exactly {@code location}. */
    boolean isLiveAt(DirectBuffer key, int offset, int length, long location);

    /**
     * The location of the key's newest record in the index, put or tombstone waiting for its
     * sweep, or {@link dev.basalt.internal.index.HashIndex#NO_LOCATION}.
     */
    long newest(DirectBuffer key, int offset, int length);

    /**
     * Points the key at {@code to} if it still points at {@code from}, moving its live bytes and
     * its expiry entry with it; returns whether it did.
     */
    boolean repointIfStillAt(DirectBuffer key, int offset, int length, long from, long to);
}
