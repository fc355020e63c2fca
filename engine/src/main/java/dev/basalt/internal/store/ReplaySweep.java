package dev.basalt.internal.store;

import dev.basalt.internal.index.HashIndex;
import dev.basalt.internal.index.KeyHash;
import dev.basalt.internal.log.ByteRanges;
import dev.basalt.internal.log.Locations;
import dev.basalt.internal.log.LogFormat;
import dev.basalt.internal.log.Records;
import dev.basalt.internal.log.RecoveryReport;
import dev.basalt.internal.log.RecoverySink;
import dev.basalt.internal.log.Segment;
import dev.basalt.internal.log.SegmentLog;
import dev.basalt.internal.store.Recovery.Replayed;
import java.util.ArrayList;
import java.util.List;
import org.agrona.DirectBuffer;
import org.agrona.collections.LongArrayList;

/**
 * The replay's last step before {@link Recovery} hands a namespace over: its index made to hold
 * intact live puts only. A namespace rebuilt from the whole log has every slot checked
 * ({@link #tombstonesAndDamage}); one from a checkpoint only the keys its tail touched, whose
 * final locations this finds on the way ({@link #touched}).
 *
 * <p>Threads: the opening thread, after the replay.
 */
final class ReplaySweep {
    private final SegmentLog log;
    private final long hashSeed;
    /** Longs per slot in {@link Replayed#indexedByReplay}: key hash, location, touched entry. */
    private static final int SLOT_STRIDE = 3;
    private final ReplayLookAhead lookAhead = new ReplayLookAhead();

    ReplaySweep(SegmentLog log, long hashSeed) {
        this.log = log;
        this.hashSeed = hashSeed;
    }

    /**
     * Removes, and reports, the records the replay indexed unread from hint files that are
     * damaged; returns how many. A record whose namespace or key bytes are damaged matches no
     * key, not even its own, so a lookup by key ({@link #touched}) cannot find its slot: the
     * slots the replay made are checked as a full replay checks every slot. A record found
     * intact that touched its key first has its kind noted in {@link Replayed#touched}, from the
     * header just read, so that neither {@link #touched} nor the listing's catch-up reads it again.
     */
    int damagedReplayedSlots(Replayed ns, RecoveryReport report) {
        int damaged = 0;
        LongArrayList slots = ns.indexedByReplay;
        // A slot the replay made is replaced only by a later record of the same key (a retouch)
        // and removed only by a drop: without either, every one still holds, and is not looked up.
        boolean slotsStand = ns.keysTouchedOnce();
        for (int i = 0; i < slots.size(); i += SLOT_STRIDE) {
            if (!slotsStand && i % (SLOT_STRIDE * RecoverySink.RUN) == 0) {
                for (int j = i; j < Math.min(slots.size(), i + SLOT_STRIDE * RecoverySink.RUN); j += SLOT_STRIDE) {
                    lookAhead.expect(ns.index, slots.getLong(j));
                }
                lookAhead.fetch();
            }
            long keyHash = slots.getLong(i);
            long location = slots.getLong(i + 1);
            if (slotsStand || ns.index.holds(keyHash, location)) {
                Segment segment = log.segment(Locations.segmentId(location));
                int offset = Locations.offset(location);
                if (reportedDamaged(ns, keyHash, segment, offset, report)) {
                    ns.index.removeIfAt(keyHash, location);
                    damaged++;
                } else if (slots.getLong(i + 2) != Recovery.NOT_FIRST_TOUCH) {
                    ns.touched.read((int) slots.getLong(i + 2), TouchedKeys.kindOf(segment.buffer(), offset));
                    ns.unreadFirstTouches--;
                }
            }
        }
        return damaged;
    }

    /**
     * After {@link #damagedReplayedSlots}: removes the tombstones among the touched keys and
     * returns each one's final location (NO_LOCATION: none), in {@link TouchedKeys} order.
     */
    long[] touched(Replayed ns) {
        TouchedKeys touched = ns.touched;
        long[] finals = new long[touched.size()];
        // When no key was touched twice, each is still where the record that touched it put it.
        boolean firstTouchesStand = ns.keysTouchedOnce() && ns.unreadFirstTouches == 0;
        for (int i = 0; i < finals.length; i++) {
            if (i % RecoverySink.RUN == 0 && !firstTouchesStand) {
                for (int j = i; j < Math.min(finals.length, i + RecoverySink.RUN); j++) {
                    lookAhead.expect(ns.index, touched.keyHash(j));
                }
                lookAhead.fetch();
            }
            long keyHash = touched.keyHash(i);
            byte kind = touched.firstKind(i);
            long first = touched.firstLocation(i);
            if (kind != TouchedKeys.UNREAD && (firstTouchesStand || ns.index.holds(keyHash, first))) {
                // A record the replay read and checked, still the key's newest: no lookup by key,
                // no second read of the record.
                if (kind == TouchedKeys.CHECKED_TOMBSTONE) {
                    ns.index.removeIfAt(keyHash, first);
                    first = HashIndex.NO_LOCATION;
                }
                finals[i] = first;
                continue;
            }
            long location = ns.index.get(keyHash, touched.keys(), touched.keyOffset(i), touched.keyLength(i),
                    ns.matcher);
            if (location != HashIndex.NO_LOCATION && !isIntactPut(location)) {
                ns.index.removeIfAt(keyHash, location);
                location = HashIndex.NO_LOCATION;
            }
            finals[i] = location;
        }
        return finals;
    }

    /** False for a tombstone (damaged records were swept before, and reported there). */
    private boolean isIntactPut(long location) {
        Segment segment = log.segment(Locations.segmentId(location));
        int offset = Locations.offset(location);
        return Records.type(segment.buffer(), offset) != LogFormat.TYPE_TOMBSTONE;
    }

    /**
     * Removes the tombstones the replay indexed, and the records that are not what their slot
     * says: a header that does not verify, or namespace and key bytes that are not the slot's
     * (hint files let the replay skip reading records; both are checked here, once, before the
     * record's type, expiration or key is trusted). Afterwards the index holds intact live puts
     * only, one slot per key; each of them was handed to {@code kept} on the way, in slot order,
     * while its record was at hand.
     */
    void tombstonesAndDamage(Replayed ns, RecoveryReport report, HashIndex.EntryConsumer kept) {
        List<long[]> removed = new ArrayList<>();
        ns.index.forEach((keyHash, location) -> {
            Segment segment = log.segment(Locations.segmentId(location));
            int offset = Locations.offset(location);
            if (reportedDamaged(ns, keyHash, segment, offset, report)) {
                removed.add(new long[] {keyHash, location});
            } else if (Records.type(segment.buffer(), offset) == LogFormat.TYPE_TOMBSTONE) {
                removed.add(new long[] {keyHash, location});
            } else {
                kept.accept(keyHash, location);
            }
        });
        for (long[] entry : removed) {
            ns.index.removeIfAt(entry[0], entry[1]);
        }
    }

    /**
     * Whether the record indexed at {@code offset} of {@code segment} under {@code keyHash} is
     * damaged, which it then reports. The key is compared by its hash: the hint's key is no
     * longer at hand, and a damaged key whose 64-bit hash still agrees is a 2^-64 chance.
     */
    private boolean reportedDamaged(Replayed ns, long keyHash, Segment segment, int offset,
            RecoveryReport report) {
        DirectBuffer b = segment.buffer();
        String damage;
        long length;
        if (Records.checkHeader(b, offset, segment.dataEnd(), segment.mask()) != Records.VALID) {
            damage = "header checksum mismatch";
            length = LogFormat.FIXED_HEADER_LENGTH; // its length field is not to be trusted
        } else if (Records.namespaceLength(b, offset) != ns.nameBytes.length
                || !ByteRanges.equal(b, Records.namespaceOffset(b, offset), ns.nameView, 0, ns.nameBytes.length)) {
            damage = "namespace bytes differ from its hint entry";
            length = Records.length(b, offset);
        } else if (KeyHash.hash(hashSeed, b, Records.keyOffset(b, offset), Records.keyLength(b, offset)) != keyHash) {
            damage = "key bytes differ from its hint entry";
            length = Records.length(b, offset);
        } else {
            return false;
        }
        report.damagedRecord(segment.path(), offset, length, damage + " (found when indexing from the hint file)");
        return true;
    }
}
