package dev.basalt.internal.store;

import dev.basalt.internal.index.KeyMatcher;
import dev.basalt.internal.log.Locations;
import dev.basalt.internal.log.LogFormat;
import dev.basalt.internal.log.Records;
import dev.basalt.internal.log.Segment;
import dev.basalt.internal.log.SegmentLog;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Resolves the index's collisions against the log: the record at a location holds a key when
 * its namespace and key bytes are equal to the ones asked for. Allocation-free; called inside
 * a read epoch (or by the single writer), so the segment cannot be unmapped under it.
 */
final class RecordMatcher implements KeyMatcher {
    private final SegmentLog log;
    private final UnsafeBuffer namespace;

    RecordMatcher(SegmentLog log, byte[] namespace) {
        this.log = log;
        this.namespace = new UnsafeBuffer(namespace);
    }

    @Override
    public boolean matches(long location, DirectBuffer key, int offset, int length) {
        Segment segment = log.segment(Locations.segmentId(location));
        if (segment == null) {
            return false;
        }
        UnsafeBuffer b = segment.buffer();
        int at = Locations.offset(location);
        if (!LogFormat.isKeyed(Records.type(b, at)) || Records.keyLength(b, at) != length
                || Records.namespaceLength(b, at) != namespace.capacity()) {
            return false;
        }
        int nsOffset = Records.namespaceOffset(at);
        return ByteRanges.equal(b, nsOffset, namespace, 0, namespace.capacity())
                && ByteRanges.equal(b, nsOffset + namespace.capacity(), key, offset, length);
    }
}
