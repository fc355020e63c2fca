package dev.basalt.internal.store;

import dev.basalt.internal.compaction.SegmentUsage;
import dev.basalt.internal.index.HashIndex;
import dev.basalt.internal.index.KeyHash;
import dev.basalt.internal.log.Locations;
import dev.basalt.internal.log.LogFormat;
import dev.basalt.internal.log.RecoveryReport;
import dev.basalt.internal.log.RecoverySink;
import dev.basalt.internal.log.Records;
import dev.basalt.internal.log.Segment;
import dev.basalt.internal.log.SegmentLog;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.agrona.DirectBuffer;

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
    /** Ranks a record whose header does not verify below every real sequence (those are > 0). */
    private static final long UNVERIFIED_SEQUENCE = 0;
    private final long hashSeed;
    private final SegmentUsage usage;
    private final Map<String, Replayed> namespaces = new TreeMap<>();
    private SegmentLog log;
    private long maxSequence;
    private Replayed last;

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

        Replayed(String name) {
            this.name = name;
            this.nameBytes = name.getBytes(StandardCharsets.UTF_8);
            this.nameView = new org.agrona.concurrent.UnsafeBuffer(nameBytes);
        }

        boolean exists() {
            return Math.max(createSequence, newestKeyedSequence) > dropSequence;
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

    @Override
    public void accept(long location, byte type, long sequence, long expirationEpochSeconds, int recordLength,
            DirectBuffer names, int namesOffset, int namespaceLength, int keyLength) {
        maxSequence = Math.max(maxSequence, sequence);
        usage.noteSequence(Locations.segmentId(location), sequence);
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
                index(ns, location, sequence, names, namesOffset + namespaceLength, keyLength);
        }
    }

    private void index(Replayed ns, long location, long sequence, DirectBuffer key, int keyOffset, int keyLength) {
        if (ns.index == null) {
            ns.index = new HashIndex(1024);
            ns.matcher = new RecordMatcher(log, ns.nameBytes, true);
        }
        RecordMatcher matcher = ns.matcher;
        long keyHash = KeyHash.hash(hashSeed, key, keyOffset, keyLength);
        long existing = ns.index.get(keyHash, key, keyOffset, keyLength, matcher);
        if (existing == HashIndex.NO_LOCATION || sequenceAt(existing) < sequence) {
            ns.index.put(keyHash, key, keyOffset, keyLength, location, matcher);
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
            ns.index.removeIfAt(entry[0], entry[1]);
        }
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
     * tombstones and damage, then its keys counted live, queued for expiry and listed.
     */
    void install(Namespaces namespaces, RecoveryReport report) {
        for (Replayed replayed : this.namespaces.values()) {
            if (!replayed.exists()) {
                if (replayed.index != null) {
                    replayed.index.close();
                }
                continue;
            }
            if (replayed.index == null) {
                replayed.index = new HashIndex(1024);
            }
            sweepTombstonesAndDamage(replayed, report);
            NamespaceState state = namespaces.create(replayed.name, replayed.index);
            state.installRecovered();
            namespaces.publish(state);
        }
    }

    /**
     * Removes the tombstones the replay indexed, and the records that are not what their slot
     * says: a header that does not verify, or namespace and key bytes that are not the slot's
     * (hint files let the replay skip reading records; both are checked here, once, before the
     * record's type, expiration or key is trusted). Afterwards the index holds intact live puts
     * only, one slot per key.
     */
    private void sweepTombstonesAndDamage(Replayed ns, RecoveryReport report) {
        List<long[]> removed = new ArrayList<>();
        ns.index.forEach((keyHash, location) -> {
            Segment segment = log.segment(Locations.segmentId(location));
            int offset = Locations.offset(location);
            if (reportedDamaged(ns, keyHash, segment, offset, report)) {
                removed.add(new long[] {keyHash, location});
            } else if (Records.type(segment.buffer(), offset) == LogFormat.TYPE_TOMBSTONE) {
                removed.add(new long[] {keyHash, location});
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
            length = LogFormat.RECORD_HEADER_LENGTH; // its length field is not to be trusted
        } else if (Records.namespaceLength(b, offset) != ns.nameBytes.length
                || !ByteRanges.equal(b, Records.namespaceOffset(offset), ns.nameView, 0, ns.nameBytes.length)) {
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
