package dev.basalt.internal.store;

import dev.basalt.internal.index.HashIndex;
import dev.basalt.internal.index.KeyHash;
import dev.basalt.internal.listing.KeyBatch;
import dev.basalt.internal.listing.KeyListing;
import dev.basalt.internal.listing.SortedKeys;
import dev.basalt.internal.log.ByteRanges;
import dev.basalt.internal.log.Locations;
import dev.basalt.internal.log.LogFormat;
import dev.basalt.internal.log.Records;
import dev.basalt.internal.log.Segment;
import dev.basalt.internal.log.SegmentLog;
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
    /** Listed keys a round of {@link #listOwing} reads at most. */
    static final int LISTED_PER_ROUND = 256;

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
                maxKeys, lookAhead.batch(), lookAhead.visitor((key, offset, length, plain, keyHash) -> plain
                        ? visitPlain(key, offset, length)
                        : visitListed(key, offset, length, keyHash)));
    }

    /**
     * {@link #list} while the listing still owes {@code owed}'s keys (an open's backlog, sorted,
     * not yet paid): the listing's keys and the owed ones, merged in key order. Every owed key is
     * resolved through the index, whatever the listing holds for it (the listing may lack it, or
     * hold it from before the log's tail changed it); every other listed key as {@link #list}
     * resolves it, since the writers keep the listing right for the keys it does not owe. The
     * listing is read {@value #LISTED_PER_ROUND} keys a round at most, each round's keys copied
     * out, so that a page does not hold the walk's nodes while it resolves keys.
     */
    int listOwing(KeyListing keys, OwedKeys owed, byte[] prefix, byte[] after, int maxKeys) {
        UnsafeBuffer prefixBuffer = new UnsafeBuffer(prefix);
        SortedKeys round = new SortedKeys();
        KeyBatch batch = new KeyBatch(ListedLookAhead.BATCH_KEYS);
        byte[] resume = after;
        int nextOwed = firstOwed(owed, prefixBuffer, after);
        int visited = 0;
        while (visited < maxKeys) {
            round.clear();
            int wanted = Math.min(LISTED_PER_ROUND, maxKeys - visited);
            keys.scan(resume == null ? null : new UnsafeBuffer(resume), 0, resume == null ? 0 : resume.length, false,
                    prefixBuffer, 0, prefix.length, wanted, batch, listed -> {
                        for (int i = 0; i < listed.size(); i++) {
                            round.add(listed.buffer(i), listed.offset(i), listed.length(i), listed.plain(i));
                        }
                        return listed.size();
                    });
            DirectBuffer listedKeys = round.keys();
            for (int i = 0; i < round.size() && visited < maxKeys; i++) {
                int offset = round.keyOffset(i);
                int length = round.keyLength(i);
                int order = 1;
                while (nextOwed < owed.size() && (order = owed.compare(nextOwed, listedKeys, offset, length)) < 0
                        && visited < maxKeys) {
                    visited += visitOwed(owed, nextOwed) ? 1 : 0;
                    nextOwed = pastRepeats(owed, nextOwed);
                }
                if (visited == maxKeys) {
                    break;
                }
                boolean owedToo = order == 0; // then the owed entry speaks for the key: through the index
                if (owedToo) {
                    nextOwed = pastRepeats(owed, nextOwed);
                }
                boolean counted = !owedToo && round.flag(i) ? visitPlain(listedKeys, offset, length)
                        : visitListed(listedKeys, offset, length, hash(listedKeys, offset, length));
                visited += counted ? 1 : 0;
            }
            if (round.size() < wanted) { // the listing has no more keys under the prefix
                while (nextOwed < owed.size() && visited < maxKeys && hasPrefix(owed, nextOwed, prefixBuffer)) {
                    visited += visitOwed(owed, nextOwed) ? 1 : 0;
                    nextOwed = pastRepeats(owed, nextOwed);
                }
                return visited;
            }
            int last = round.size() - 1;
            resume = new byte[round.keyLength(last)];
            listedKeys.getBytes(round.keyOffset(last), resume);
        }
        return visited;
    }

    /** The first owed key after {@code after} (null: none) that is not below {@code prefix}. */
    private static int firstOwed(OwedKeys owed, DirectBuffer prefix, byte[] after) {
        int low = 0;
        int high = owed.size();
        UnsafeBuffer afterBuffer = after == null ? null : new UnsafeBuffer(after);
        while (low < high) {
            int middle = (low + high) >>> 1;
            boolean below = owed.compare(middle, prefix, 0, prefix.capacity()) < 0
                    || afterBuffer != null && owed.compare(middle, afterBuffer, 0, after.length) <= 0;
            if (below) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        return low;
    }

    /** The owed key after {@code key} and its repeats (a key the replay touched and the checkpoint owed). */
    private static int pastRepeats(OwedKeys owed, int key) {
        int next = key + 1;
        while (next < owed.size() && owed.compare(next, owed.keys(), owed.keyOffset(key), owed.keyLength(key)) == 0) {
            next++;
        }
        return next;
    }

    private static boolean hasPrefix(OwedKeys owed, int key, DirectBuffer prefix) {
        return owed.keyLength(key) >= prefix.capacity()
                && ByteRanges.equal(owed.keys(), owed.keyOffset(key), prefix, 0, prefix.capacity());
    }

    private boolean visitOwed(OwedKeys owed, int key) {
        DirectBuffer bytes = owed.keys();
        int offset = owed.keyOffset(key);
        int length = owed.keyLength(key);
        return visitListed(bytes, offset, length, hash(bytes, offset, length));
    }

    private long hash(DirectBuffer key, int offset, int length) {
        return KeyHash.hash(hashSeed, key, offset, length);
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
