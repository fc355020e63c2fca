package dev.basalt.internal.store;

import dev.basalt.internal.env.Limits;
import dev.basalt.internal.index.HashIndex;
import dev.basalt.internal.index.SlotLookAhead;
import dev.basalt.internal.log.Locations;
import dev.basalt.internal.log.Records;
import dev.basalt.internal.log.Segment;
import dev.basalt.internal.log.SegmentLog;
import java.nio.ByteBuffer;
import java.time.Clock;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The read path: every read runs inside a read epoch (so no segment map or index table is
 * released under it), finds the record through its namespace once, and hands the API a
 * {@link RecordView} of it. No lock; reads never wait for writers, expiry or compaction.
 */
final class Reads {
    private final SegmentLog log;
    private final ReadEpochs epochs;
    private final Clock clock;
    private final OpenState open;
    private final ThreadLocal<UnsafeBuffer> keyViews = ThreadLocal.withInitial(() -> new UnsafeBuffer(new byte[0]));

    Reads(SegmentLog log, ReadEpochs epochs, Clock clock, OpenState open) {
        this.log = log;
        this.epochs = epochs;
        this.clock = clock;
        this.open = open;
    }

    long nowEpochSeconds() {
        return Math.floorDiv(clock.millis(), 1000L);
    }

    /** Hands the key's live record to {@code reader}; null when absent, deleted or expired. */
    <T> T read(NamespaceState ns, DirectBuffer key, int keyOffset, int keyLength, RecordView.Reader<T> reader) {
        int token = epochs.enter();
        try {
            open.checkReadable(ns);
            long location = ns.locate(key, keyOffset, keyLength, nowEpochSeconds());
            if (location == HashIndex.NO_LOCATION) {
                return null;
            }
            return reader.read(new RecordView().wrap(segmentOf(location).buffer(), Locations.offset(location)));
        } finally {
            epochs.exit(token);
        }
    }

    /**
     * Looks the key up as {@link #read} would and keeps nothing: the index slot and the record it
     * names are then in this core's cache. For a writer waiting for the append lock
     * ({@code WritePath}); does nothing once the store is closed or the namespace dropped (the
     * write reports that under the lock).
     */
    void touch(NamespaceState ns, DirectBuffer key, int keyOffset, int keyLength) {
        int token = epochs.enter();
        try {
            if (!open.isClosed() && !ns.dropped()) {
                ns.touch(key, keyOffset, keyLength);
            }
        } finally {
            epochs.exit(token);
        }
    }

    /**
     * Loads the home index slot of each of {@code keyHashes[0..count)}, inside a read epoch (the
     * table may be replaced or the namespace dropped meanwhile), for a writer about to index the
     * keys: their misses overlap here instead of coming one at a time under the append lock.
     * Returns a mix of the loaded words, for the caller to keep so that the loads stay.
     */
    long touchHomeSlots(NamespaceState ns, long[] keyHashes, int count) {
        int token = epochs.enter();
        try {
            return open.isClosed() || ns.dropped() ? 0 : SlotLookAhead.touchHomeSlots(ns.index(), keyHashes, count);
        } finally {
            epochs.exit(token);
        }
    }

    /** {@link #touch(NamespaceState, DirectBuffer, int, int)} of a key given as the engine's own array. */
    void touch(NamespaceState ns, byte[] key) {
        UnsafeBuffer keyView = keyViews.get();
        keyView.wrap(key);
        touch(ns, keyView, 0, key.length);
    }

    /** The hot path: see {@code KvNamespace.read}. No lock, no allocation, no exception for bad key bytes. */
    int readInto(NamespaceState ns, ByteBuffer key, ByteBuffer dst) {
        int token = epochs.enter();
        try {
            open.checkReadable(ns);
            int keyLength = key.remaining();
            if (keyLength < 1 || keyLength > Limits.MAX_KEY_BYTES) {
                return -1;
            }
            UnsafeBuffer keyView = keyViews.get();
            keyView.wrap(key, key.position(), keyLength);
            if (!Keys.isLegal(keyView, 0, keyLength)) {
                return -1;
            }
            long location = ns.locate(keyView, 0, keyLength, nowEpochSeconds());
            if (location == HashIndex.NO_LOCATION) {
                return -1;
            }
            UnsafeBuffer segment = segmentOf(location).buffer();
            int offset = Locations.offset(location);
            int valueLength = Records.valueLength(segment, offset);
            if (valueLength > dst.remaining()) {
                return valueLength;
            }
            int position = dst.position();
            segment.getBytes(Records.valueOffset(segment, offset), dst, position, valueLength);
            dst.position(position + valueLength);
            return valueLength;
        } finally {
            epochs.exit(token);
        }
    }

    /**
     * The key's live record with its segment held mapped, so a value stream can outlive the read
     * epoch; null when the key is not live. The caller releases it.
     */
    RetainedValue retain(NamespaceState ns, DirectBuffer key, int keyOffset, int keyLength) {
        int token = epochs.enter();
        try {
            open.checkReadable(ns);
            long location = ns.locate(key, keyOffset, keyLength, nowEpochSeconds());
            if (location == HashIndex.NO_LOCATION) {
                return null;
            }
            Segment segment = segmentOf(location);
            if (!segment.retain()) {
                throw new IllegalStateException("the store is closed");
            }
            return new RetainedValue(segment, Locations.offset(location));
        } finally {
            epochs.exit(token);
        }
    }

    /** A page of live keys, {@code owed} merged in unless null; see {@link NamespaceState#list}. O(log n + page). */
    int list(NamespaceState ns, OwedKeys owed, byte[] prefix, byte[] after, int maxKeys, RecordView.Visitor visitor) {
        int token = epochs.enter();
        try {
            open.checkReadable(ns);
            return ns.list(owed, prefix, after, maxKeys, nowEpochSeconds(), visitor);
        } finally {
            epochs.exit(token);
        }
    }

    /** A key range page in either direction, {@code owed} merged in unless null ({@link NamespaceState#scanRange}). */
    int scanRange(NamespaceState ns, OwedKeys owed, byte[] start, boolean startInclusive, byte[] end,
            boolean endInclusive, boolean descending, int maxKeys, RecordView.Visitor visitor) {
        int token = epochs.enter();
        try {
            open.checkReadable(ns);
            return ns.scanRange(owed, start, startInclusive, end, endInclusive, descending, maxKeys,
                    nowEpochSeconds(), visitor);
        } finally {
            epochs.exit(token);
        }
    }

    private Segment segmentOf(long location) {
        return log.segment(Locations.segmentId(location));
    }
}
