package dev.basalt.internal.store;

import dev.basalt.internal.index.HashIndex;
import dev.basalt.internal.listing.KeyListing;
import java.nio.charset.StandardCharsets;

/**
 * One live namespace: its name, its hash index, its sorted key listing and the matchers that
 * resolve the index's collisions. Created and dropped by the store under its append lock; read lock-free.
 * A dropped state stays dropped: a namespace created again under the same name is a new state,
 * so an old handle can tell it is stale.
 */
public final class NamespaceState {
    private final int id;
    private final String name;
    private final byte[] nameBytes;
    private final HashIndex index;
    private final KeyListing listing = new KeyListing();
    private final RecordMatcher matcher;
    private final RecordMatcher writerMatcher;
    private volatile boolean dropped;

    NamespaceState(int id, String name, HashIndex index, dev.basalt.internal.log.SegmentLog log) {
        this.id = id;
        this.name = name;
        this.nameBytes = name.getBytes(StandardCharsets.UTF_8);
        this.index = index;
        this.matcher = new RecordMatcher(log, nameBytes, false);
        this.writerMatcher = new RecordMatcher(log, nameBytes, true);
    }

    /** A number for this state, unique in this open store (timer-queue entries carry it). */
    int id() {
        return id;
    }

    public String name() {
        return name;
    }

    byte[] nameBytes() {
        return nameBytes;
    }

    HashIndex index() {
        return index;
    }

    /** Every live key in unsigned byte order; a superset-in-flight of the index's keys (see Store). */
    KeyListing listing() {
        return listing;
    }

    /** For readers: a damaged record is an error. */
    RecordMatcher matcher() {
        return matcher;
    }

    /** For the single writer: a damaged record of the same hash is replaced. */
    RecordMatcher writerMatcher() {
        return writerMatcher;
    }

    public boolean dropped() {
        return dropped;
    }

    void markDropped() {
        dropped = true;
    }
}
