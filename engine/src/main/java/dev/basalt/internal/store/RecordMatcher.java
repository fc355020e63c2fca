package dev.basalt.internal.store;

import dev.basalt.BasaltException;
import dev.basalt.internal.index.KeyMatcher;
import dev.basalt.internal.log.ByteRanges;
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
    private final boolean forWriter;

    /**
     * A matcher for readers ({@code forWriter} false: a damaged header is an error) or for the
     * writer ({@code forWriter} true: a damaged record with the same 64-bit hash is taken to be
     * the key, so a new put or delete replaces it instead of failing every later write).
     */
    RecordMatcher(SegmentLog log, byte[] namespace, boolean forWriter) {
        this.log = log;
        this.namespace = new UnsafeBuffer(namespace);
        this.forWriter = forWriter;
    }

    @Override
    public boolean matches(long location, DirectBuffer key, int offset, int length) {
        Segment segment = log.segment(Locations.segmentId(location));
        if (segment == null) {
            return false;
        }
        UnsafeBuffer b = segment.buffer();
        int at = Locations.offset(location);
        // The index compared full 64-bit hashes before asking, so this is almost surely the key
        // asked for. Its header (type, expiration, lengths) is checked before any field is
        // trusted: a flipped bit there is an error naming the place, never a key that silently
        // reads as deleted or expired, and never a read outside the record.
        if (Records.checkHeader(b, at, segment.dataEnd(), segment.mask()) != Records.VALID
                || !LogFormat.isKeyed(Records.type(b, at))) {
            if (forWriter) {
                return true;
            }
            throw new BasaltException("corrupt record in " + segment.path() + " at offset " + at
                    + ": header checksum mismatch");
        }
        if (Records.keyLength(b, at) != length
                || Records.namespaceLength(b, at) != namespace.capacity()) {
            return false;
        }
        int nsOffset = Records.namespaceOffset(b, at);
        return ByteRanges.equal(b, nsOffset, namespace, 0, namespace.capacity())
                && ByteRanges.equal(b, nsOffset + namespace.capacity(), key, offset, length);
    }
}
