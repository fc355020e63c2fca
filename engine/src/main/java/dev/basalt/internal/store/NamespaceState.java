package dev.basalt.internal.store;

import dev.basalt.BasaltException;
import dev.basalt.internal.compaction.LiveKeys;
import dev.basalt.internal.compaction.SegmentUsage;
import dev.basalt.internal.env.Limits;
import dev.basalt.internal.index.HashIndex;
import dev.basalt.internal.index.KeyHash;
import dev.basalt.internal.listing.KeyListing;
import dev.basalt.internal.listing.SortedInserts;
import dev.basalt.internal.log.LogFormat;
import dev.basalt.internal.log.Locations;
import dev.basalt.internal.log.Records;
import dev.basalt.internal.log.Segment;
import dev.basalt.internal.log.SegmentLog;
import java.nio.charset.StandardCharsets;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One live namespace, and the only owner of its structures: the hash index (key to newest
 * record), the sorted key listing, its entries in the shared expiry ledger, and its share of the
 * per-segment live figures. The write path, the expiry sweep and compaction all change it through
 * the narrow set of operations below (apply an update, purge or repoint a key only if it is still
 * at a given record); readers locate and list through it. Nobody else touches the index or the
 * listing.
 *
 * <p>Threads: every change runs under the engine's append lock (one writer at a time, as the
 * index and the listing require); {@link #locate} and {@link #list} are lock-free and run inside
 * a read epoch. A dropped namespace stays dropped: one created again under the same name is a new
 * object, so an old handle can tell it is stale.
 */
public final class NamespaceState implements LiveKeys {
    private final int id;
    private final String name;
    private final byte[] nameBytes;
    private final HashIndex index;
    private final RelaidListing listing;
    private final RecordMatcher matcher;
    private final RecordMatcher writerMatcher;
    private final SegmentLog log;
    private final long hashSeed;
    private final ExpiryLedger expiry;
    private final SegmentUsage usage;
    /** The writer's view of an {@link Update}'s key; used under the append lock only. */
    private final UnsafeBuffer appliedKey = new UnsafeBuffer(0, 0);
    private volatile boolean dropped;
    /** What the open left the listing to catch up on ({@link ListingCatchUp}); null once it agrees with the index. */
    private volatile ListingDebt listingDebt;
    /** Changes to the index since the open ({@link #keyChangesSinceOpen()}); under the lock. */
    private long keyChangesSinceOpen;
    /** New keys whose listing inserts wait to be made in key order ({@link OwedNewKeys}). */
    private final OwedNewKeys owedNewKeys = new OwedNewKeys();
    /** Removals and plain flags cleared so far ({@link #listingEdits()}); under the lock. */
    private long listingEdits;

    NamespaceState(int id, String name, HashIndex index, KeyListing listing, SegmentLog log, long hashSeed,
            ExpiryLedger expiry, SegmentUsage usage) {
        this.id = id;
        this.name = name;
        this.nameBytes = name.getBytes(StandardCharsets.UTF_8);
        this.index = index;
        this.listing = new RelaidListing(listing);
        this.log = log;
        this.hashSeed = hashSeed;
        this.expiry = expiry;
        this.usage = usage;
        this.matcher = new RecordMatcher(log, nameBytes, false);
        this.writerMatcher = new RecordMatcher(log, nameBytes, true);
    }

    /** A number for this namespace, unique in this open store (expiry entries carry it). */
    int id() {
        return id;
    }

    public String name() {
        return name;
    }

    byte[] nameBytes() {
        return nameBytes;
    }

    public boolean dropped() {
        return dropped;
    }

    long hash(DirectBuffer key, int offset, int length) {
        return KeyHash.hash(hashSeed, key, offset, length);
    }

    // ---------------------------------------------------------------- readers (inside a read epoch)

    /**
     * The location of the key's live put (checksum verified), or NO_LOCATION when absent,
     * deleted or expired at {@code nowEpochSeconds}.
     *
     * @throws BasaltException when the record's body fails its checksum
     */
    long locate(DirectBuffer key, int offset, int length, long nowEpochSeconds) {
        return locate(hash(key, offset, length), key, offset, length, nowEpochSeconds);
    }

    /** Loads what a lookup of the key loads (its slot, its record's key), keeps nothing; {@link Reads#touch}. */
    void touch(DirectBuffer key, int offset, int length) {
        index.get(hash(key, offset, length), key, offset, length, matcher);
    }

    /** {@link #locate} of a key whose {@link #hash} is known. */
    private long locate(long keyHash, DirectBuffer key, int offset, int length, long nowEpochSeconds) {
        long location = index.get(keyHash, key, offset, length, matcher);
        if (location == HashIndex.NO_LOCATION) {
            return location;
        }
        Segment segment = log.segment(Locations.segmentId(location));
        UnsafeBuffer b = segment.buffer();
        int at = Locations.offset(location);
        if (Records.type(b, at) != LogFormat.TYPE_PUT || isExpired(Records.expirationEpochSeconds(b, at),
                nowEpochSeconds)) {
            return HashIndex.NO_LOCATION;
        }
        if (!Records.bodyIsIntact(b, at, segment.mask())) {
            throw new BasaltException("corrupt record in " + segment.path() + " at offset " + at
                    + ": body checksum mismatch");
        }
        return location;
    }

    /**
     * Visits, in ascending unsigned byte order, the live keys that start with {@code prefix} and
     * come strictly after {@code after} (null: from the start of the prefix range), until
     * {@code maxKeys} were visited ({@link ListPage}); with {@code owed}, the keys an open's
     * backlog still owes the listing, merged in (null: none, {@link ListPage#listOwing}).
     */
    int list(OwedKeys owed, byte[] prefix, byte[] after, int maxKeys, long nowEpochSeconds,
            RecordView.Visitor visitor) {
        ListPage page = new ListPage(index, log, hashSeed, matcher, nowEpochSeconds, visitor);
        return owed == null ? page.list(listing.current(), prefix, after, maxKeys)
                : page.listOwing(listing.current(), owed, prefix, after, maxKeys);
    }

    /**
     * Visits, in unsigned byte order, the live records of the keys between two bounds: from
     * {@code start} (null: the first key, or the last when {@code descending}) toward
     * {@code end} (null: no end), each bound inclusive or not, until {@code maxKeys} were
     * visited. Keys deleted or expired at {@code nowEpochSeconds} are skipped; each visited
     * record's checksum is verified, as for a read. O(log n + page) ascending; descending costs a
     * short search per key ({@code KeyListing.walk}). An open's backlog, {@code owed} (null:
     * none), is merged into the walk ({@link RangeScan}). For the binary-key surface.
     *
     * @throws BasaltException when a record in the range fails its checksum
     */
    int scanRange(OwedKeys owed, byte[] start, boolean startInclusive, byte[] end, boolean endInclusive,
            boolean descending, int maxKeys, long nowEpochSeconds, RecordView.Visitor visitor) {
        RecordView view = new RecordView();
        RangeScan range = new RangeScan(start, startInclusive, end, endInclusive, descending,
                new ListedLookAhead(index, log, hashSeed, false), (key, offset, length, plain, keyHash) -> {
                    long location = locate(keyHash, key, offset, length, nowEpochSeconds);
                    if (location != HashIndex.NO_LOCATION) {
                        visitor.visit(view.wrap(log.segment(Locations.segmentId(location)).buffer(),
                                Locations.offset(location)));
                    }
                    return location != HashIndex.NO_LOCATION;
                });
        KeyListing keys = listing.current();
        return owed == null ? range.walk(keys, maxKeys) : range.walkOwing(keys, owed, maxKeys);
    }

    static boolean isExpired(long expiration, long nowEpochSeconds) {
        return expiration != Limits.NO_EXPIRATION && expiration <= nowEpochSeconds;
    }

    // ---------------------------------------------------------------- the writer (append lock held)

    /**
     * Applies one durable record: a put points the key at it (and queues its expiration), a
     * tombstone removes the key. A list filters every listed key that is not flagged plain
     * through the index, so the listing may hold such a key the index lacks for a moment and a
     * list never shows it; an overwrite leaves the listing alone (O(1) instead of a skip-list
     * insert), except the first one to give a plain key an expiration or metadata.
     */
    void apply(Update update) {
        appliedKey.wrap(update.key());
        apply(update.type(), update.keyHash(), appliedKey, 0, update.key().length, update.location());
    }

    /**
     * {@link #apply(Update)} of the record at {@code location} whose key is
     * {@code key[offset, offset + length)}: how a put applied at once (not through group commit)
     * is applied without an {@link Update}. Allocates nothing (the index and the listing grow
     * off-heap).
     *
     * <p>The plain flag ({@code KeyListing.clearPlain}) comes off before the index names the new
     * record: from then on a reader may see the record, and a page that sees the flag after that
     * would list the key without the record's expiration or metadata. Only a put that is not
     * plain over one that is pays for it, a lookup and a seek; every other put pays nothing.
     */
    void apply(byte type, long keyHash, DirectBuffer key, int offset, int length, long location) {
        keyChangesSinceOpen++;
        long previous;
        if (type == LogFormat.TYPE_PUT) {
            boolean plain = isPlain(location);
            if (!plain) {
                long current = index.get(keyHash, key, offset, length, writerMatcher);
                if (current != HashIndex.NO_LOCATION && isPlain(current)) {
                    listingEdits++;
                    listing.clearPlain(key, offset, length);
                }
            }
            previous = index.put(keyHash, key, offset, length, location, writerMatcher);
            if (previous == HashIndex.NO_LOCATION
                    && !owedNewKeys.owe(key, offset, length, location, plain, listingEdits)) {
                listing.insert(key, offset, length, plain);
            }
            countLive(location, 1);
        } else {
            listingEdits++;
            listing.remove(key, offset, length);
            previous = index.remove(keyHash, key, offset, length, writerMatcher);
        }
        if (previous != HashIndex.NO_LOCATION) {
            countLive(previous, -1);
            expiry.untrack(expirationAt(previous));
        }
        if (type == LogFormat.TYPE_PUT) {
            expiry.track(this, keyHash, location, expirationAt(location));
        }
    }

    /** Removes an expired key only if the index still points at the very record that expired. */
    boolean purgeIfStillAt(long keyHash, long location) {
        if (dropped || !index.holds(keyHash, location)) {
            return false;
        }
        keyChangesSinceOpen++;
        listingEdits++;
        countLive(location, -1);
        index.removeIfAt(keyHash, location);
        UnsafeBuffer segment = log.segment(Locations.segmentId(location)).buffer();
        int at = Locations.offset(location);
        listing.remove(segment, Records.keyOffset(segment, at), Records.keyLength(segment, at));
        expiry.untrack(expirationAt(location));
        return true;
    }

    /** The listing and its relayout, for {@link ListingRelayouts}. */
    RelaidListing relaid() {
        return listing;
    }

    /** True when the key of {@code keyHash} is indexed at exactly {@code location}; under the lock. */
    boolean holds(long keyHash, long location) {
        return !dropped && index.holds(keyHash, location);
    }

    @Override
    public boolean isLiveAt(DirectBuffer key, int offset, int length, long location) {
        return index.holds(hash(key, offset, length), location);
    }

    /**
     * True when the index certainly no longer points the key at {@code location}: any thread,
     * no lock, inside a read epoch ({@link HashIndex#mayHold}); false means "maybe still live".
     */
    boolean certainlySupersededAt(DirectBuffer key, int offset, int length, long location) {
        return !index.mayHold(hash(key, offset, length), location);
    }

    @Override
    public long newest(DirectBuffer key, int offset, int length) {
        return index.get(hash(key, offset, length), key, offset, length, writerMatcher);
    }

    @Override
    public boolean repointIfStillAt(DirectBuffer key, int offset, int length, long from, long to) {
        long keyHash = hash(key, offset, length);
        if (!index.replace(keyHash, from, to)) {
            return false;
        }
        keyChangesSinceOpen++;
        countLive(from, -1);
        countLive(to, 1);
        // The old entry goes stale (its location no longer holds); the ledger's count of live
        // expiring keys is unchanged, so only the new entry is queued.
        expiry.requeue(this, keyHash, to, expirationAt(to));
        return true;
    }

    /**
     * At open from a checkpoint: the replay of the log after it moved a key from {@code from}
     * (its checkpoint location; NO_LOCATION: absent) to {@code to} (NO_LOCATION: gone). The
     * live figures and the expiry ledger follow; the listing catches up later ({@link #listingChanges}).
     */
    void reconcileReplayed(long keyHash, long from, long to) {
        if (from == to || to == HashIndex.NO_LOCATION) {
            reconcileReplayed(keyHash, from, to, 0, Limits.NO_EXPIRATION);
            return;
        }
        UnsafeBuffer segment = log.segment(Locations.segmentId(to)).buffer();
        int at = Locations.offset(to);
        reconcileReplayed(keyHash, from, to, Records.length(segment, at), Records.expirationEpochSeconds(segment, at));
    }

    /**
     * {@link #reconcileReplayed(long, long, long)} when the record at {@code to} is known to be
     * {@code toLength} bytes long and to expire at {@code toExpiration}: it is not read.
     */
    void reconcileReplayed(long keyHash, long from, long to, int toLength, long toExpiration) {
        if (from == to) {
            return;
        }
        if (from != HashIndex.NO_LOCATION) {
            countLive(from, -1);
            expiry.untrack(expirationAt(from));
        }
        if (to != HashIndex.NO_LOCATION) {
            usage.addLive(Locations.segmentId(to), toLength);
            expiry.track(this, keyHash, to, toExpiration);
        }
    }

    /**
     * Whether {@link #reconcileReplayed}'s move of a key from {@code from} to {@code to} changes
     * its listing entry: the key comes or goes, or its record stops being plain.
     */
    boolean listingChanges(long from, long to) {
        if ((from == HashIndex.NO_LOCATION) != (to == HashIndex.NO_LOCATION)) {
            return true;
        }
        return from != to && isPlain(from) && !isPlain(to);
    }

    /** Leaves the listing behind on {@code debt} for {@link ListingCatchUp}; at open, before it is published. */
    void leaveListingBehind(ListingDebt debt) {
        listingDebt = debt;
    }

    /** What the listing still owes the index, or null; any thread. */
    ListingDebt listingDebt() {
        return listingDebt;
    }

    /** The listing agrees with the index from now on (or the namespace was dropped); under the lock. */
    void listingCaughtUp() {
        listingDebt = null;
    }

    /**
     * Puts, deletes, purges and compaction's moves applied since the open; under the lock. While
     * 0, every key is where the open's replay left it (and its record's segment is still there).
     */
    long keyChangesSinceOpen() {
        return keyChangesSinceOpen;
    }

    /**
     * Keys taken out of the listing and plain flags cleared since the open, by writers and expiry;
     * under the lock. While unchanged, a key {@link OwedNewKeys} owes is in the index as owed.
     */
    long listingEdits() {
        return listingEdits;
    }

    /** The new keys whose listing inserts wait ({@link OwedNewKeys}). */
    OwedNewKeys owedNewKeys() {
        return owedNewKeys;
    }

    /** For {@link #catchUpListed}: the key's location is to be looked up in the index. */
    static final long LOOK_UP = Long.MIN_VALUE;

    /**
     * Makes the key's listing entry what the index says now: listed, flagged plain when its
     * record is, if indexed; absent if not. A no-op where they agree. {@code indexed} is the
     * key's location in the index (NO_LOCATION: absent) when the caller knows it, else
     * {@link #LOOK_UP}; {@code plain} says whether that record is plain when the caller read it
     * ({@link OwedKeys#PLAIN}, {@link OwedKeys#NOT_PLAIN}), else
     * {@link OwedKeys#UNKNOWN}. Under the lock.
     */
    void catchUpListed(DirectBuffer key, int offset, int length, long indexed, byte plain) {
        long current = indexed != LOOK_UP ? indexed : index.get(hash(key, offset, length), key, offset, length,
                writerMatcher);
        if (current != HashIndex.NO_LOCATION) {
            boolean plainKey = plain == OwedKeys.UNKNOWN ? isPlain(current) : plain == OwedKeys.PLAIN;
            listing.insert(key, offset, length, plainKey);
        } else {
            listing.remove(key, offset, length);
        }
    }

    /**
     * At open, for each key a full replay kept: counts it live, queues its expiration and, given
     * {@code inserts}, lists it. Before the namespace is published.
     */
    void installRecovered(long keyHash, long location, SortedInserts inserts) {
        countLive(location, 1);
        expiry.track(this, keyHash, location, expirationAt(location));
        if (inserts != null) {
            UnsafeBuffer segment = log.segment(Locations.segmentId(location)).buffer();
            int at = Locations.offset(location);
            inserts.add(segment, Records.keyOffset(segment, at), Records.keyLength(segment, at), isPlain(location));
        }
    }

    /**
     * At open, after {@link #installRecovered} of every key: lists the keys gathered in
     * {@code inserts}, or without them leaves the whole listing to {@link ListingCatchUp}
     * ({@link ListingFromIndex}, sorting batches of at most {@code keysPerBatch}).
     */
    void finishRecoveredListing(SortedInserts inserts, int keysPerBatch) {
        if (inserts != null) {
            inserts.flush();
        } else if (index.size() > 0) {
            leaveListingBehind(new ListingFromIndex(this, keysPerBatch));
        }
    }

    /** A sorted inserter into the listing, for {@link #installRecovered}. */
    SortedInserts sortedInserts() {
        return new SortedInserts(listing.current());
    }

    /** Owes {@code owed} the key of the record at {@code location}, noted there with its plainness; under the lock. */
    void oweRecordKey(long location, OwedKeys owed) {
        UnsafeBuffer segment = log.segment(Locations.segmentId(location)).buffer();
        int at = Locations.offset(location);
        owed.add(segment, Records.keyOffset(segment, at), Records.keyLength(segment, at), location,
                isPlain(location) ? OwedKeys.PLAIN : OwedKeys.NOT_PLAIN);
    }

    /** The hash index, for {@link NamespaceImages} and the open's look-ahead ({@link ListingBacklog#oweAlso}). */
    HashIndex index() {
        return index;
    }

    /** Marks the namespace dropped and takes its keys out of the live figures; under the lock. */
    void drop() {
        dropped = true;
        index.forEach((keyHash, location) -> {
            countLive(location, -1);
            expiry.untrack(expirationAt(location));
        });
    }

    /** Marks it dropped without touching the figures (the whole store is closing). */
    void markDropped() {
        dropped = true;
    }

    /** Bytes of removed listing nodes waiting for the read epochs to drain. */
    long removedListingBytes() {
        return listing.current().removedBytesPending();
    }

    /** Lets the listing reuse removed nodes; only after every reader that could see them left. */
    void reclaimListing() {
        listing.current().reclaim();
    }

    long size() {
        return index.size();
    }

    long offHeapBytes() {
        ListingDebt debt = listingDebt;
        return index.offHeapBytes() + index.preparedBytes() + listing.offHeapBytes()
                + (debt == null ? 0 : debt.offHeapBytes());
    }

    /** Frees the index and the listing (and a relayout's copy); only once no reader can be inside them. */
    void release() {
        index.close();
        listing.close();
    }

    private void countLive(long location, int sign) {
        UnsafeBuffer segment = log.segment(Locations.segmentId(location)).buffer();
        usage.addLive(Locations.segmentId(location), sign * (long) Records.length(segment, Locations.offset(location)));
    }

    /**
     * Whether the put at {@code location} has no expiration and no metadata: its key may be
     * flagged plain in the listing, and a page lists it without reading the record. Under the
     * lock, or inside a read epoch while the record's segment cannot go.
     */
    boolean isPlain(long location) {
        return Records.isPlain(log.segment(Locations.segmentId(location)).buffer(), Locations.offset(location));
    }

    private long expirationAt(long location) {
        UnsafeBuffer segment = log.segment(Locations.segmentId(location)).buffer();
        return Records.expirationEpochSeconds(segment, Locations.offset(location));
    }
}
