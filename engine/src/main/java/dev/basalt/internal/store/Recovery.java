package dev.basalt.internal.store;

import dev.basalt.internal.checkpoint.CheckpointContent;
import dev.basalt.internal.checkpoint.UnlistedKeys;
import dev.basalt.internal.compaction.SegmentUsage;
import dev.basalt.internal.index.HashIndex;
import dev.basalt.internal.index.IndexImage;
import dev.basalt.internal.index.KeyHash;
import dev.basalt.internal.listing.KeyListing;
import dev.basalt.internal.listing.ListingImage;
import dev.basalt.internal.listing.SortedInserts;
import dev.basalt.internal.log.ByteRanges;
import dev.basalt.internal.log.Locations;
import dev.basalt.internal.log.LogFormat;
import dev.basalt.internal.log.Records;
import dev.basalt.internal.log.RecoveryReport;
import dev.basalt.internal.log.RecoverySink;
import dev.basalt.internal.log.Segment;
import dev.basalt.internal.log.SegmentLog;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.agrona.DirectBuffer;
import org.agrona.collections.LongArrayList;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Rebuilds the namespaces and their indexes from the records the log replays at open.
 *
 * <p>Records arrive in file order, which compaction may make differ from sequence order, so
 * every decision compares sequence numbers: a record replaces the indexed one only when its
 * sequence is higher; tombstones are indexed like puts while replaying (so an older put that
 * arrives later cannot resurrect the key) and swept out at the end; a namespace drop at
 * sequence S discards every record of that namespace below S, whenever it arrives.
 *
 * <p>A sealed segment replayed from its hint file is indexed under the hint's namespace and key
 * without reading its records, and the index tells keys apart by the bytes of the record
 * ({@link RecordMatcher}), which no checksum verified yet (the header CRC does not cover them).
 * A record whose namespace or key bytes are damaged therefore matches no key, not even its own:
 * while replaying, every other record of that key takes a slot of its own beside it. The sweep at
 * the end removes such a record, so the installed index holds one slot per key, each at a
 * record whose header verifies and whose namespace and key are the slot's. Everything after
 * the open relies on that: the listing, the expiry sweep and compaction read a record's key
 * from its bytes.
 *
 * <p>Threads: one, at open, before any reader exists.
 */
final class Recovery implements RecoverySink {
    /** In {@link Replayed#indexedByReplay}: the record did not touch its key first. */
    static final long NOT_FIRST_TOUCH = -1;
    /** Ranks a record whose header does not verify below every real sequence (those are > 0). */
    private static final long UNVERIFIED_SEQUENCE = 0;
    /**
     * Writes to a mapped table that give the rate of new keys when the tail is known to be long
     * ({@link #writesBeforeOwning}).
     */
    private static final int RATE_SAMPLE_WRITES = 256;
    private final long hashSeed;
    private final SegmentUsage usage;
    private final Map<String, Replayed> namespaces = new TreeMap<>();
    private SegmentLog log;
    private long maxSequence;
    private Replayed last;
    /** Offered before the replay; used only if the log trusts it ({@link #checkpointTrusted}). */
    private CheckpointContent checkpoint;
    private boolean checkpointUsed;
    private long recordsReplayed;
    /** About how many records the replay after the checkpoint delivers ({@link #tailAhead}); -1 unknown. */
    private long tailExpected = -1;
    private final ReplayLookAhead lookAhead = new ReplayLookAhead();

    /** A namespace as the replay has seen it so far. */
    static final class Replayed {
        final String name;
        final byte[] nameBytes;
        final org.agrona.concurrent.UnsafeBuffer nameView;
        HashIndex index;
        RecordMatcher matcher;
        long createSequence;
        long dropSequence;
        long newestKeyedSequence;
        /** From the checkpoint (null when the replay built this namespace from nothing). */
        KeyListing listing;
        /** Of a checkpointed namespace: the keys its listing did not hold yet when the checkpoint was captured. */
        UnlistedKeys unlisted = UnlistedKeys.NONE;
        /** Position of this namespace in the checkpoint, which its expiry entries name it by. */
        int checkpointPosition = -1;
        /** Of a checkpointed namespace: the keys the replay changed, with their checkpoint locations. */
        TouchedKeys touched;
        /**
         * Of a checkpointed namespace: every keyHash, location, touched-entry triple the replay
         * indexed from a hint file, for the damage sweep (a record a scan delivered passed its
         * checksums); the entry is the record's in {@link #touched} when it touched its key
         * first, else {@link Recovery#NOT_FIRST_TOUCH}.
         */
        LongArrayList indexedByReplay;
        /** Index writes the replay made while a checkpoint's table was mapped; -1 once owned or never mapped. */
        long writesToMappedIndex = -1;
        /** Of those writes, the ones that added a key. */
        long keysAddedToMappedIndex;

        /** Set when {@link #touched} may hold a key twice because a drop discarded index entries. */
        boolean touchesMayRepeat;
        /**
         * Keys first touched by a record indexed unread from a hint file, less those the damage
         * sweep has read and verified since: while one is left, a record with damaged key bytes
         * may have made its key look untouched again (see {@link TouchedKeys}).
         */
        long unreadFirstTouches;
        /** Index changes the replay made to keys it had already touched (so not at their first touch). */
        long retouches;

        Replayed(String name) {
            this.name = name;
            this.nameBytes = name.getBytes(StandardCharsets.UTF_8);
            this.nameView = new org.agrona.concurrent.UnsafeBuffer(nameBytes);
        }

        boolean exists() {
            return Math.max(createSequence, newestKeyedSequence) > dropSequence;
        }

        /**
         * True when the replay touched no key twice and no drop discarded entries: every slot it
         * made still holds, and each touched key is where its first record put it.
         */
        boolean keysTouchedOnce() {
            return retouches == 0 && !touchesMayRepeat;
        }
    }

    Recovery(long hashSeed, SegmentUsage usage) {
        this.hashSeed = hashSeed;
        this.usage = usage;
    }

    /** The log whose segments the replayed locations point into (set before replay starts). */
    void attach(SegmentLog log) {
        this.log = log;
    }

    /** A checkpoint the log may trust for the part it covers; the replay then starts from its state. */
    void offer(CheckpointContent checkpoint) {
        this.checkpoint = checkpoint;
    }

    /** True when the replay started from the offered checkpoint. */
    boolean checkpointUsed() {
        return checkpointUsed;
    }

    /** Records the replay handled (with a checkpoint: those after it). */
    long recordsReplayed() {
        return recordsReplayed;
    }

    @Override
    public void checkpointTrusted() {
        checkpointUsed = true;
        maxSequence = checkpoint.maxSequence();
        List<CheckpointContent.Namespace> saved = checkpoint.namespaces();
        for (int i = 0; i < saved.size(); i++) {
            CheckpointContent.Namespace ns = saved.get(i);
            Replayed replayed = namespaces.computeIfAbsent(ns.name(), Replayed::new);
            replayed.index = ns.index();
            replayed.matcher = new RecordMatcher(log, replayed.nameBytes, true);
            replayed.listing = ns.listing();
            replayed.unlisted = ns.unlisted();
            replayed.checkpointPosition = i;
            // It existed at the checkpoint; only a drop after it can end it.
            replayed.createSequence = checkpoint.maxSequence();
            replayed.touched = new TouchedKeys();
            replayed.indexedByReplay = new LongArrayList();
            replayed.writesToMappedIndex = 0;
        }
    }

    @Override
    public void accept(long location, byte type, long sequence, long expirationEpochSeconds, int recordLength,
            DirectBuffer names, int namesOffset, int namespaceLength, int keyLength, boolean checked) {
        recordsReplayed++;
        maxSequence = Math.max(maxSequence, sequence);
        usage.noteRecord(Locations.segmentId(location), sequence, type, expirationEpochSeconds);
        Replayed ns = namespace(names, namesOffset, namespaceLength);
        switch (type) {
            case LogFormat.TYPE_NAMESPACE_CREATE:
                ns.createSequence = Math.max(ns.createSequence, sequence);
                break;
            case LogFormat.TYPE_NAMESPACE_DROP:
                if (sequence > ns.dropSequence) {
                    ns.dropSequence = sequence;
                    discardBelow(ns, sequence);
                }
                break;
            default:
                if (sequence < ns.dropSequence) {
                    return;
                }
                ns.newestKeyedSequence = Math.max(ns.newestKeyedSequence, sequence);
                index(ns, location, type, expirationEpochSeconds, sequence, recordLength, names,
                        namesOffset + namespaceLength, keyLength, checked);
        }
    }

    @Override
    public void tailAhead(long records) {
        tailExpected = records;
        Replayed only = namespaces.size() == 1 ? namespaces.values().iterator().next() : null;
        if (only != null && only.touched != null) { // with more, how the records split is not known
            only.touched.reserve(records);
        }
    }

    /**
     * The keys {@code ns} will hold when the replay ends, if the rest of the tail adds keys to it
     * at the rate the records so far did; {@link IndexImage#UNKNOWN} without an estimate of the
     * tail. The rate is a sample of thousands of records where the tail begins: a tail whose mix
     * changes later makes the table a step larger than needed (new keys first, overwrites
     * after) or leaves it to grow later, as it did before it was sized at all (the reverse).
     */
    private long keysExpected(Replayed ns) {
        if (tailExpected < 0 || recordsReplayed == 0) {
            return IndexImage.UNKNOWN;
        }
        long remaining = Math.max(0, tailExpected - recordsReplayed);
        return ns.index.size() + (long) ((double) remaining * ns.keysAddedToMappedIndex / recordsReplayed);
    }

    @Override
    public void expect(long location, DirectBuffer names, int namesOffset, int namespaceLength, int keyLength) {
        Replayed ns = namespace(names, namesOffset, namespaceLength);
        if (ns.index != null && keyLength > 0) {
            lookAhead.expect(ns.index, KeyHash.hash(hashSeed, names, namesOffset + namespaceLength, keyLength));
        }
    }

    @Override
    public void fetchExpected() {
        lookAhead.fetch();
    }

    private void index(Replayed ns, long location, byte type, long expirationEpochSeconds, long sequence,
            int recordLength, DirectBuffer key, int keyOffset, int keyLength, boolean checked) {
        if (ns.index == null) {
            ns.index = new HashIndex(1024);
            ns.matcher = new RecordMatcher(log, ns.nameBytes, true);
        }
        RecordMatcher matcher = ns.matcher;
        long keyHash = KeyHash.hash(hashSeed, key, keyOffset, keyLength);
        long existing = ns.index.get(keyHash, key, keyOffset, keyLength, matcher);
        if (existing == HashIndex.NO_LOCATION || sequenceAt(existing) < sequence) {
            if (ns.writesToMappedIndex >= 0) {
                ns.keysAddedToMappedIndex += existing == HashIndex.NO_LOCATION ? 1 : 0;
                if (++ns.writesToMappedIndex > writesBeforeOwning(ns.index.offHeapBytes(), tailExpected)) {
                    IndexImage.ownMemory(ns.index, keysExpected(ns));
                    ns.writesToMappedIndex = -1; // owned from now on
                }
            }
            long touchedEntry = NOT_FIRST_TOUCH;
            if (ns.touched != null) {
                if (existing == HashIndex.NO_LOCATION || checkpoint.log().covers(existing)) {
                    touchedEntry = ns.touched.size();
                    ns.touched.add(keyHash, key, keyOffset, keyLength, existing, location,
                            firstKind(location, checked), recordLength);
                    if (!checked) {
                        ns.unreadFirstTouches++;
                    }
                } else {
                    ns.retouches++; // a key this replay touched before
                }
            }
            if (existing == HashIndex.NO_LOCATION) {
                ns.index.put(keyHash, key, keyOffset, keyLength, location, matcher);
            } else {
                // The slot the lookup found, by its location (unique): no second key compare.
                ns.index.replace(keyHash, existing, location);
            }
            if (ns.indexedByReplay != null && !checked) {
                ns.indexedByReplay.addLong(keyHash);
                ns.indexedByReplay.addLong(location);
                ns.indexedByReplay.addLong(touchedEntry);
            }
        }
    }

    private void discardBelow(Replayed ns, long dropSequence) {
        if (ns.index == null) {
            return;
        }
        List<long[]> stale = new ArrayList<>();
        ns.index.forEach((keyHash, location) -> {
            if (sequenceAt(location) < dropSequence) {
                stale.add(new long[] {keyHash, location});
            }
        });
        for (long[] entry : stale) {
            if (ns.touched != null) {
                ns.touchesMayRepeat = true;
                if (checkpoint.log().covers(entry[1])) {
                    Segment segment = log.segment(Locations.segmentId(entry[1]));
                    int at = Locations.offset(entry[1]);
                    ns.touched.add(entry[0], segment.buffer(), Records.keyOffset(segment.buffer(), at),
                            Records.keyLength(segment.buffer(), at), entry[1], entry[1], TouchedKeys.UNREAD,
                            Records.length(segment.buffer(), at));
                }
            }
            ns.index.removeIfAt(entry[0], entry[1]);
        }
    }

    /**
     * What {@link TouchedKeys} keeps of the record at {@code location} that first touched a key:
     * {@link TouchedKeys#UNREAD} from a hint file, else its kind (the scan just read its header).
     */
    private byte firstKind(long location, boolean checked) {
        if (!checked) {
            return TouchedKeys.UNREAD;
        }
        return TouchedKeys.kindOf(log.segment(Locations.segmentId(location)).buffer(), Locations.offset(location));
    }

    /**
     * The sequence of the indexed record at {@code location}, or {@link #UNVERIFIED_SEQUENCE}
     * when its header does not verify. A record indexed from a hint file has not been read yet,
     * and its bytes may be damaged: trusting a damaged sequence field (garbage can read as a
     * huge number) would let it beat the key's intact newer record, which the final sweep then
     * removes with it, losing an intact record. Ranking it below every real sequence instead
     * lets any intact record replace it; if none arrives, the sweep removes it.
     */
    private long sequenceAt(long location) {
        Segment segment = log.segment(Locations.segmentId(location));
        int offset = Locations.offset(location);
        if (Records.checkHeader(segment.buffer(), offset, segment.dataEnd(), segment.mask()) != Records.VALID) {
            return UNVERIFIED_SEQUENCE;
        }
        return Records.sequence(segment.buffer(), offset);
    }

    private Replayed namespace(DirectBuffer names, int offset, int length) {
        if (last != null && last.nameBytes.length == length
                && ByteRanges.equal(names, offset, last.nameView, 0, length)) {
            return last;
        }
        String name = names.getStringWithoutLengthUtf8(offset, length);
        last = namespaces.computeIfAbsent(name, Replayed::new);
        return last;
    }

    long maxSequence() {
        return maxSequence;
    }

    /** The replayed namespaces, in name order; call after the replay. */
    Map<String, Replayed> namespaces() {
        return namespaces;
    }

    /**
     * Hands the replayed namespaces to the engine: each one that exists gets its index swept of
     * tombstones and damage (the keys the replay touched only, for one from the checkpoint, whose
     * other entries are intact puts), then its keys counted live, queued for expiry and listed
     * (for one from the checkpoint: its figures, queue entries and listing restored, and only the
     * touched keys reconciled).
     */
    void install(Namespaces namespaces, ExpiryLedger ledger, RecoveryReport report) {
        if (checkpointUsed) {
            restoreFigures(ledger);
        }
        NamespaceState[] byPosition = new NamespaceState[checkpointUsed ? checkpoint.namespaces().size() : 0];
        for (Replayed replayed : this.namespaces.values()) {
            if (replayed.listing != null) {
                installCheckpointed(replayed, namespaces, ledger, report, byPosition);
                continue;
            }
            if (!replayed.exists()) {
                if (replayed.index != null) {
                    replayed.index.close();
                }
                continue;
            }
            if (replayed.index == null) {
                replayed.index = new HashIndex(1024);
            }
            NamespaceState state = namespaces.create(replayed.name, replayed.index);
            // One pass over the records: each slot the sweep keeps is counted, queued and listed
            // (or left to the catch-up) as the sweep reads it.
            SortedInserts inserts = ListingCatchUp.listsAtOpen(replayed.index.size()) ? state.sortedInserts() : null;
            new ReplaySweep(log, hashSeed).tombstonesAndDamage(replayed, report,
                    (keyHash, location) -> state.installRecovered(keyHash, location, inserts));
            state.finishRecoveredListing(inserts, ListingCatchUp.keysPerSortedBatch());
            namespaces.publish(state);
        }
        if (checkpointUsed) {
            checkpoint.expiry().forEach((position, expiration, keyHash, location) -> {
                if (byPosition[position] != null) {
                    ledger.restoreEntry(byPosition[position], keyHash, location, expiration);
                }
            });
        }
    }

    private void restoreFigures(ExpiryLedger ledger) {
        dev.basalt.internal.log.CoveredLog covered = checkpoint.log();
        for (int i = 0; i < covered.segmentIds().length; i++) {
            int segmentId = (int) covered.segmentIds()[i];
            usage.addLive(segmentId, checkpoint.liveBytes()[i]);
            if (checkpoint.minSequences()[i] != Long.MAX_VALUE) {
                usage.noteUncounted(segmentId, checkpoint.minSequences()[i]);
            }
        }
        ledger.restoreCount(checkpoint.liveExpiringKeys());
    }

    /**
     * A namespace that came from the checkpoint: the keys the replay touched are swept, then each
     * one's move (from its checkpoint location to its final one) is applied to the live figures
     * and the ledger, and owed to the listing ({@link ListingCatchUp} applies it after the open).
     * One dropped after the checkpoint only gives its figures back.
     */
    private void installCheckpointed(Replayed replayed, Namespaces namespaces, ExpiryLedger ledger,
            RecoveryReport report, NamespaceState[] byPosition) {
        ReplaySweep sweep = new ReplaySweep(log, hashSeed);
        // An unread record can make its key look untouched twice only when its key bytes are
        // damaged, and then it still holds its slot (no lookup by key can match it), where the
        // sweep of the replayed slots finds and removes it. So the touched keys need cleaning
        // after a drop, or when that sweep found damage; a 2 M-key tail saves a fifth of its open.
        int damaged = sweep.damagedReplayedSlots(replayed, report);
        if (replayed.touchesMayRepeat || damaged > 0) {
            replayed.touched = replayed.touched.withoutRepeats();
        }
        TouchedKeys touched = replayed.touched;
        long[] finals = sweep.touched(replayed);
        if (!replayed.exists()) {
            for (int i = 0; i < touched.size(); i++) {
                long before = touched.before(i);
                if (before != HashIndex.NO_LOCATION) {
                    UnsafeBuffer segment = log.segment(Locations.segmentId(before)).buffer();
                    int at = Locations.offset(before);
                    usage.addLive(Locations.segmentId(before), -Records.length(segment, at));
                    ledger.untrack(Records.expirationEpochSeconds(segment, at));
                }
            }
            replayed.index.close();
            replayed.listing.close();
            return;
        }
        NamespaceState state = namespaces.create(replayed.name, replayed.index, replayed.listing);
        byPosition[replayed.checkpointPosition] = state;
        ListingBacklog listingOwes = TouchedKeysReconcile.reconcile(state, touched, finals);
        listingOwes.oweAlso(replayed.unlisted, state);
        if (listingOwes.remaining() > pagesWorthCopying(replayed.listing.offHeapBytes())
                && !ListingBacklog.mergesInto(listingOwes.remaining(), replayed.listing.size())) {
            // Before any reader can see it; a listing a merge will replace is never written.
            ListingImage.ownMemory(replayed.listing);
        }
        // The listing's share waits for ListingCatchUp: reads need only the index.
        if (listingOwes.remaining() > 0) {
            state.leaveListingBehind(listingOwes);
        }
        namespaces.publish(state);
    }

    /**
     * How many writes the replay makes to a checkpoint's mapped table of {@code bytes} before it
     * moves the table into memory of its own: {@link #pagesWorthCopying}, unless the tail ahead,
     * {@code tailExpected} records ({@link #tailAhead}; -1 unknown), is known to make twice that
     * many (its records each write, as a tail after a checkpoint's nearly all do): the copy pays
     * anyway, so only {@link #RATE_SAMPLE_WRITES} are made first, for the rate of new keys that
     * sizes the owned table ({@link #keysExpected}). Each write before the copy is a
     * copy-on-write fault: waiting for a quarter of the pages' count of them took about 20 ms of
     * a 1 M-key open after a kill.
     */
    static long writesBeforeOwning(long bytes, long tailExpected) {
        long worth = pagesWorthCopying(bytes);
        return tailExpected >= 2 * worth ? Math.min(worth, RATE_SAMPLE_WRITES) : worth;
    }

    /**
     * How many writes at random places a checkpoint's mapped structure of {@code bytes} may take
     * before it is cheaper to copy it into memory of its own. A first write to a mapped page
     * costs a copy-on-write fault, measured at 23 µs a page alone and nearer 50 µs in an open
     * (the page's read-only entry must be flushed from every core's TLB); copying the whole
     * structure costs about 13.5 µs a page. Copying once a quarter of the pages' count of
     * writes arrived (by then about a fifth of the pages were written) spends at most about
     * twice the cheaper choice made in hindsight, whatever the tail: a short tail never pays
     * for a copy, a long one never pays a fault per page.
     */
    private static long pagesWorthCopying(long bytes) {
        return bytes / 4096 / 4;
    }
}
