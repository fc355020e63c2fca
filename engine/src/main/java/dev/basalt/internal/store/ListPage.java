package dev.basalt.internal.store;

import dev.basalt.internal.index.HashIndex;
import dev.basalt.internal.listing.KeyListing;
import dev.basalt.internal.log.Locations;
import dev.basalt.internal.log.LogFormat;
import dev.basalt.internal.log.Records;
import dev.basalt.internal.log.Segment;
import dev.basalt.internal.log.SegmentLog;
import java.util.Arrays;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One page of a namespace's {@code list}: the live keys that start with a prefix and come
 * strictly after a cursor key, in ascending unsigned byte order. A key the listing flags plain
 * (no expiration, no metadata) is visited from its node alone ({@link RecordView#wrapPlainKey}):
 * a delete takes it out of the listing before the index, and it cannot expire. Any other listed
 * key is filtered through the index (the listing may briefly hold a key the index has dropped)
 * and its record through expiry and, when it has metadata, the body checksum
 * ({@link #metadataIsIntact}). Keys come from the listing in batches whose index and record
 * loads start together ({@link ListedLookAhead}).
 *
 * <p>Threads: any, lock-free, inside a read epoch; one object per page.
 */
final class ListPage {
    private final HashIndex index;
    private final SegmentLog log;
    private final long hashSeed;
    private final RecordMatcher matcher;
    private final long nowEpochSeconds;
    private final RecordView.Visitor visitor;
    private final RecordView view = new RecordView();

    ListPage(HashIndex index, SegmentLog log, long hashSeed, RecordMatcher matcher, long nowEpochSeconds,
            RecordView.Visitor visitor) {
        this.index = index;
        this.log = log;
        this.hashSeed = hashSeed;
        this.matcher = matcher;
        this.nowEpochSeconds = nowEpochSeconds;
        this.visitor = visitor;
    }

    /**
     * Visits the page of {@code keys} after {@code after} (null: from the start of the prefix
     * range) until {@code maxKeys} were visited; returns how many were.
     */
    int list(KeyListing keys, byte[] prefix, byte[] after, int maxKeys) {
        UnsafeBuffer prefixBuffer = new UnsafeBuffer(prefix);
        UnsafeBuffer afterBuffer = after == null ? null : new UnsafeBuffer(after);
        ListedLookAhead lookAhead = new ListedLookAhead(index, log, hashSeed, true);
        return keys.scan(afterBuffer, 0, after == null ? 0 : after.length, false, prefixBuffer, 0, prefix.length,
                maxKeys, lookAhead.batch(), lookAhead.visitor(this::resolve));
    }

    /** A listed key: from its node when plain, else through the index and its record. */
    private boolean resolve(DirectBuffer key, int offset, int length, boolean plain, long keyHash) {
        return plain ? visitPlain(key, offset, length) : visitListed(key, offset, length, keyHash);
    }

    /**
     * {@link #list} while the listing still owes {@code owed}'s keys (an open's backlog, sorted,
     * not yet paid): the prefix's range after the cursor, walked by {@link RangeScan#walkOwing},
     * which merges the owed keys in. Every owed key, and every listed key also owed, is resolved
     * through the index, whatever the listing holds for it (the listing may lack it, or hold it
     * from before the log's tail changed it); every other listed key as {@link #list} resolves it,
     * since the writers keep the listing right for the keys it does not owe.
     */
    int listOwing(KeyListing keys, OwedKeys owed, byte[] prefix, byte[] after, int maxKeys) {
        boolean fromCursor = after != null && Arrays.compareUnsigned(after, prefix) >= 0;
        RangeScan range = new RangeScan(fromCursor ? after : prefix, !fromCursor, Keys.prefixEnd(prefix), false,
                false, new ListedLookAhead(index, log, hashSeed, true), this::resolve);
        return range.walkOwing(keys, owed, maxKeys);
    }

    private boolean visitPlain(DirectBuffer key, int offset, int length) {
        visitor.visit(view.wrapPlainKey(key, offset, length));
        return true;
    }

    private boolean visitListed(DirectBuffer key, int offset, int length, long keyHash) {
        long location = index.get(keyHash, key, offset, length, matcher);
        if (location == HashIndex.NO_LOCATION) {
            return false;
        }
        Segment segment = log.segment(Locations.segmentId(location));
        int at = Locations.offset(location);
        UnsafeBuffer b = segment.buffer();
        if (Records.type(b, at) != LogFormat.TYPE_PUT
                || NamespaceState.isExpired(Records.expirationEpochSeconds(b, at), nowEpochSeconds)
                || !metadataIsIntact(segment, at)) {
            return false;
        }
        visitor.visit(view.wrap(b, at));
        return true;
    }

    /**
     * True when a listed record's metadata can be trusted: it has none, or its body checksum
     * verifies. A record indexed from a hint file has had only its header checked (at open), and
     * metadata lives in the body, so without this a listing could return damaged metadata that
     * {@code get} would refuse. A damaged record is left out of the page, as if absent (its
     * {@code get} fails with the file and offset), so that one bad record does not make the rest
     * of the namespace unlistable. The cost is one CRC32C of the record per listed key that has
     * metadata.
     */
    private static boolean metadataIsIntact(Segment segment, int offset) {
        return Records.metadataLength(segment.buffer(), offset) == 0
                || Records.bodyIsIntact(segment.buffer(), offset, segment.mask());
    }
}
