package dev.basalt.internal.compaction;

import dev.basalt.BasaltException;
import dev.basalt.CompactionResult;
import dev.basalt.internal.env.CrashPoint;
import dev.basalt.internal.env.CrashPoints;
import dev.basalt.internal.env.Limits;
import dev.basalt.internal.index.HashIndex;
import dev.basalt.internal.log.CompactionCommit;
import dev.basalt.internal.log.Locations;
import dev.basalt.internal.log.LogFormat;
import dev.basalt.internal.log.Records;
import dev.basalt.internal.log.Segment;
import dev.basalt.internal.log.SegmentLog;
import dev.basalt.internal.log.SegmentScanner;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.agrona.DirectBuffer;
import org.agrona.collections.IntArrayList;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One compaction pass, the protocol of {@code docs/compaction.md}:
 * <ol>
 *   <li>pick victims (the sealed segments the {@link VictimPolicy} picks) and note the lowest
 *       sequence number held by any other segment;</li>
 *   <li>then for each victim in turn, in the log's order (oldest segment first):
 *   <ol>
 *     <li>copy its live records to the end of the log with their own sequence numbers,
 *         repointing the index with a compare-and-set on the old location, one record per hold
 *         of the append lock so a writer waits for at most one record's copy; a victim whose
 *         figures say it holds only superseded puts ({@link SegmentUsage}) is not read at all;</li>
 *     <li>force the log (crash point {@code COMPACTION_COPIED_FORCED});</li>
 *     <li>write the commit file naming the victim ({@code COMPACTION_COMMITTED}): from here it is
 *         garbage, and recovery finishes its deletion if a crash interrupts it;</li>
 *     <li>wait for every reader that may hold an old location, unlink, unmap and delete the
 *         victim, and remove the commit file ({@code COMPACTION_COMMIT_CLEARED}).</li>
 *   </ol></li>
 * </ol>
 *
 * <p>Why one victim at a time: a pass that deleted its victims only after copying all of them
 * held every victim and every copy on disk at once. Under uniform overwrite all segments cross
 * the threshold together, so a pass took in the whole log, and the disk peaked at several times
 * the live data ({@code docs/benchmarks.md}, "Victims deleted one at a time"). Now the disk holds
 * at most one victim's copies beside the log.
 *
 * <p>Never lose, never resurrect. A dead put is dropped: it was overwritten (the newer record is
 * on disk), deleted (the tombstone is on disk until it is itself safely dropped), or belongs to a
 * dropped namespace (the drop record is kept forever). A tombstone is dropped only when the key
 * has a newer put, or when every segment that outlives the victim (those outside the pass and
 * the victims still to come) holds only newer sequence numbers, so no older version of the key
 * can remain anywhere once the victim is deleted. An expired put that is the key's newest record
 * becomes a tombstone under the same rule, because dropping it could let an older version come
 * back at the next open. Namespace create and drop records are always kept.
 *
 * <p>Dependencies: the log and {@link CompactionHost} only; the engine's structures are reached
 * through {@link LiveKeys}. Threads: one pass at a time (the engine serialises them); the pass
 * runs on the caller of {@code compact()}, on the compaction thread, or in the offline tool.
 */
public final class CompactionPass {
    /** How often the pass yields its CPU between records (a power of two). */
    private static final int YIELD_EVERY_RECORDS = 256;
    /** How many times at most the pass yields between two records to let a waiting writer in. */
    private static final int MAX_YIELDS_TO_WRITERS = 10_000;
    /** Scratch arrays by length for metadata up to this length (the API's limit is lower); keys are not copied. */
    private static final int SCRATCH_LENGTHS = 1025;
    /** How many records one lock-free superseded check covers (one read epoch). */
    private static final int SUPERSEDED_WINDOW = 64;

    private final CompactionHost host;
    private final SegmentLog log;
    private final ProgressListener progress;
    private final IoPacer pacer;
    private long recordsCopied;
    private long bytesCopied;
    private long tombstonesKept;
    private long recordsDropped;
    private long recordsDroppedUnread;
    /** Per record of the current window: dropped without the lock. */
    private final boolean[] superseded = new boolean[SUPERSEDED_WINDOW];
    /**
     * Record offsets of the victim being copied; the caller's, reused from victim to victim and
     * pass to pass (a list grown afresh each pass was most of what compaction allocated).
     */
    private final IntArrayList offsets;
    private final byte[][] metadataScratch = new byte[SCRATCH_LENGTHS][];
    private byte[] lastNamespace;

    /** Told how far a pass has come: bytes of victims processed out of the total. */
    @FunctionalInterface
    public interface ProgressListener {
        void progress(long victimBytesDone, long victimBytesTotal);
    }

    /**
     * A pass that keeps a victim's record offsets in {@code offsets}, which no other pass may use
     * while it runs: a caller that runs one pass at a time keeps one list for all of them.
     */
    public CompactionPass(CompactionHost host, ProgressListener progress, IoPacer pacer, IntArrayList offsets) {
        this.host = host;
        this.offsets = offsets;
        this.log = host.log();
        this.progress = progress;
        this.pacer = pacer;
    }

    /** Runs the pass over the victims {@code policy} picks; NOTHING when it picks none. */
    public CompactionResult run(VictimPolicy policy) {
        List<Segment> victims = new ArrayList<>();
        long minSequenceElsewhere = pickVictims(policy, victims);
        if (victims.isEmpty()) {
            return CompactionResult.NOTHING;
        }
        List<Segment> retained = new ArrayList<>();
        try {
            for (Segment victim : victims) {
                if (!victim.retain()) {
                    throw new IllegalStateException("the Basalt store is closed");
                }
                retained.add(victim);
            }
            return compact(victims, minSequenceElsewhere);
        } finally {
            // The pass's own references keep the victims mapped while it reads them, even if the
            // store closes meanwhile; the last release unmaps.
            for (Segment victim : retained) {
                victim.release();
            }
        }
    }

    /** Fills {@code victims}; returns the lowest sequence any segment outside them holds. */
    private long pickVictims(VictimPolicy policy, List<Segment> victims) {
        SegmentUsage usage = host.usage();
        long minSequenceElsewhere = Long.MAX_VALUE;
        host.lockStep();
        try {
            List<VictimPolicy.Candidate> candidates = new ArrayList<>();
            List<Segment> sealed = log.sealedSegments();
            // A segment that holds a record whose group-commit index update is still pending
            // looks dead to the index; it must wait for a later pass (its update is applied by
            // then), or the acknowledged write would be dropped with it.
            long pendingFloor = host.firstSegmentWithPendingUpdate();
            for (Segment segment : sealed) {
                if (segment.id() >= pendingFloor) {
                    minSequenceElsewhere = Math.min(minSequenceElsewhere, usage.minSequence((int) segment.id()));
                    continue;
                }
                candidates.add(new VictimPolicy.Candidate(segment.id(),
                        segment.dataEnd() - LogFormat.SEGMENT_HEADER_LENGTH, usage.liveBytes((int) segment.id())));
            }
            Set<Long> picked = new HashSet<>();
            for (VictimPolicy.Candidate candidate : policy.pick(candidates)) {
                picked.add(candidate.segmentId());
            }
            for (Segment segment : sealed) {
                if (segment.id() >= pendingFloor) {
                    continue;
                }
                if (picked.contains(segment.id())) {
                    victims.add(segment);
                } else {
                    minSequenceElsewhere = Math.min(minSequenceElsewhere, usage.minSequence((int) segment.id()));
                }
            }
            return Math.min(minSequenceElsewhere, usage.minSequence((int) log.activeSegmentId()));
        } finally {
            host.unlockStep();
        }
    }

    private CompactionResult compact(List<Segment> victims, long minSequenceElsewhere) {
        checkFreeSpace(victims);
        long[] floors = sequenceFloors(victims, minSequenceElsewhere);
        long total = 0;
        for (Segment victim : victims) {
            total += victim.dataEnd();
        }
        long done = 0;
        long now = host.nowEpochSeconds();
        for (int i = 0; i < victims.size(); i++) {
            Segment victim = victims.get(i);
            long supersededRecords = recordsIfOnlySuperseded(victim);
            if (supersededRecords >= 0) {
                assert noRecordLive(victim);
                recordsDropped += supersededRecords;
                recordsDroppedUnread += supersededRecords;
            } else {
                copyLiveRecords(victim, floors[i], now);
            }
            retire(victim);
            done += victim.dataEnd();
            progress.progress(done, total);
        }
        return new CompactionResult(victims.size(), recordsCopied, bytesCopied, tombstonesKept, recordsDropped,
                Math.max(0, total - bytesCopied));
    }

    /**
     * For each victim, the lowest sequence number of every segment that outlives it: those
     * outside the pass and the victims after it. A tombstone or expired put below its floor has
     * no older version left once the victim is deleted. Victims are sealed, so their lowest
     * sequences do not change during the pass; copies keep their sequence but are copies of live
     * puts (never older than a dropped tombstone of their key) or of kept tombstones.
     */
    private long[] sequenceFloors(List<Segment> victims, long minSequenceElsewhere) {
        long[] floors = new long[victims.size()];
        long floor = minSequenceElsewhere;
        host.lockStep();
        try {
            for (int i = victims.size() - 1; i >= 0; i--) {
                floors[i] = floor;
                floor = Math.min(floor, host.usage().minSequence((int) victims.get(i).id()));
            }
        } finally {
            host.unlockStep();
        }
        return floors;
    }

    /**
     * The victim's record count when every record in it is a put without an expiration that no
     * index points at ({@link SegmentUsage#holdsOnlySupersededPuts}): each would be dropped, so
     * the victim is retired unread. Else -1.
     */
    private long recordsIfOnlySuperseded(Segment victim) {
        host.lockStep();
        try {
            SegmentUsage usage = host.usage();
            int id = (int) victim.id();
            return usage.holdsOnlySupersededPuts(id) ? usage.records(id) : -1;
        } finally {
            host.unlockStep();
        }
    }

    /**
     * What the figures promised, checked record by record (assertions only, as in the tests):
     * every record is a put without an expiration, and no index points at it. One record per
     * hold of the append lock, as a pass that reads its victim takes it.
     */
    private boolean noRecordLive(Segment victim) {
        collectOffsets(victim);
        UnsafeBuffer b = victim.buffer();
        for (int i = 0; i < offsets.size(); i++) {
            int offset = offsets.getInt(i);
            if (Records.type(b, offset) != LogFormat.TYPE_PUT
                    || Records.expirationEpochSeconds(b, offset) != Limits.NO_EXPIRATION) {
                throw new AssertionError("a guarded record at " + offset + " of segment " + victim.id());
            }
            letWaitingWritersThrough();
            host.lockStep();
            try {
                LiveKeys keys = host.liveKeys(b, Records.namespaceOffset(b, offset),
                        Records.namespaceLength(b, offset));
                if (keys != null && keys.isLiveAt(b, Records.keyOffset(b, offset), Records.keyLength(b, offset),
                        Locations.of(victim.id(), offset))) {
                    throw new AssertionError("a live record at " + offset + " of segment " + victim.id());
                }
            } finally {
                host.unlockStep();
            }
        }
        return true;
    }

    /** Records dropped so far with their victim retired unread ({@link #recordsIfOnlySuperseded}). */
    public long recordsDroppedUnread() {
        return recordsDroppedUnread;
    }

    /** Steps 3 to 5 for one victim whose live records are copied: force, commit, delete. */
    private void retire(Segment victim) {
        log.force();
        CrashPoints.hit(CrashPoint.COMPACTION_COPIED_FORCED);
        long[] ids = {victim.id()};
        host.changeFiles(() -> CompactionCommit.write(log.io(), log.directory(), log.storeId(), ids));
        // Outside the file lock: an observer that closes the store here must not wait on it.
        CrashPoints.hit(CrashPoint.COMPACTION_COMMITTED);
        host.awaitReaders();
        CrashPoints.hit(CrashPoint.COMPACTION_BEFORE_DELETE);
        // Closed after the commit: the next open finishes the deletion from the commit file.
        host.changeFiles(() -> {
            host.lockStep();
            try {
                log.retire(List.of(victim));
                host.usage().forget((int) victim.id());
            } finally {
                host.unlockStep();
            }
            CompactionCommit.clear(log.io(), log.directory());
        });
        CrashPoints.hit(CrashPoint.COMPACTION_COMMIT_CLEARED);
    }

    /**
     * Each victim is deleted before the next is copied, and its copies are no larger than it, so
     * the most the pass adds to the disk at any moment is the live bytes of its largest victim,
     * plus a segment of headroom for the one its copies open.
     */
    private void checkFreeSpace(List<Segment> victims) {
        long largestLive = 0;
        for (Segment victim : victims) {
            largestLive = Math.max(largestLive, host.usage().liveBytes((int) victim.id()));
        }
        long needed = host.segmentSizeBytes() + largestLive;
        try {
            long usable = log.io().usableSpace(log.directory());
            if (usable < needed) {
                String which = victims.size() == 1 ? "the one segment"
                        : "the largest of " + victims.size() + " segments";
                throw new BasaltException("compaction needs " + needed + " bytes free in " + log.directory()
                        + " (the live data of " + which + " to rewrite, " + largestLive
                        + " bytes, plus one segment of headroom); " + usable + " are free. Nothing was changed");
            }
        } catch (IOException e) {
            throw new BasaltException("cannot read the free space of " + log.directory() + ": " + e, e);
        }
    }

    /** The offsets of the victim's intact records, in {@link #offsets}. */
    private void collectOffsets(Segment victim) {
        offsets.clear();
        SegmentScanner.scan(victim.buffer(), victim.dataEnd(), victim.mask(), new SegmentScanner.Listener() {
            @Override
            public void record(DirectBuffer segment, int offset) {
                offsets.addInt(offset);
            }

            @Override
            public void corrupt(int offset, int length, String reason) {
                // Damage was reported at open; a damaged record is not live and is not copied.
            }
        });
    }

    private void copyLiveRecords(Segment victim, long minSequenceElsewhere, long now) {
        collectOffsets(victim);
        // A record the index certainly left behind is dropped without the lock, its index probe
        // paid while writers run (CompactionHost.markSuperseded); the rest are decided under it.
        // One record per lock hold, and a waiting writer goes first between two records: a writer
        // queued behind the pass waits for at most one record's copy (an encode and one
        // positional write), never for a batch. Uncontended, the lock costs tens of nanoseconds
        // per record; the 256-record holds it replaced made a writer wait a whole batch, and a
        // batch holder that lost its CPU on a busy machine held every writer for milliseconds.
        for (int i = 0; i < offsets.size(); i++) {
            int offset = offsets.getInt(i);
            if (i % SUPERSEDED_WINDOW == 0) {
                host.markSuperseded(victim.buffer(), victim.id(), offsets, i,
                        Math.min(offsets.size(), i + SUPERSEDED_WINDOW), now, superseded);
            }
            if (superseded[i % SUPERSEDED_WINDOW]) {
                recordsDropped++;
                pacer.account(Records.length(victim.buffer(), offset));
            } else {
                copyOrDropLocked(victim, offset, minSequenceElsewhere, now);
            }
            if ((i & (YIELD_EVERY_RECORDS - 1)) == YIELD_EVERY_RECORDS - 1) {
                CrashPoints.hit(CrashPoint.COMPACTION_COPYING);
                Thread.yield();
            }
        }
        CrashPoints.hit(CrashPoint.COMPACTION_COPYING);
    }

    private void copyOrDropLocked(Segment victim, int offset, long minSequenceElsewhere, long now) {
        long copiedBefore = bytesCopied;
        letWaitingWritersThrough();
        host.lockStep();
        try {
            copyOrDrop(victim, offset, minSequenceElsewhere, now);
        } finally {
            host.unlockStep();
        }
        // Outside the lock: the pass's share of I/O is what it read plus what it wrote.
        pacer.account(Records.length(victim.buffer(), offset) + bytesCopied - copiedBefore);
    }

    /**
     * Between two records, while a writer waits for the append lock, stays off it. The lock is
     * not fair: the release wakes the parked writer, but the pass would take the lock back long
     * before the writer runs (waking takes microseconds, a record a fraction of one), again and
     * again, and the writer would wait for many records, not one. Bounded, so that a writer
     * queued behind another long holder (a checkpoint) does not stop the pass for good.
     */
    private void letWaitingWritersThrough() {
        for (int i = 0; i < MAX_YIELDS_TO_WRITERS && host.writerWaiting(); i++) {
            Thread.yield();
        }
    }

    /** Decides one record's fate; caller holds the append lock. */
    private void copyOrDrop(Segment victim, int offset, long minSequenceElsewhere, long now) {
        UnsafeBuffer b = victim.buffer();
        byte type = Records.type(b, offset);
        long sequence = Records.sequence(b, offset);
        int namespaceOffset = Records.namespaceOffset(b, offset);
        int namespaceLength = Records.namespaceLength(b, offset);
        byte[] namespace = namespaceBytes(b, namespaceOffset, namespaceLength);
        if (!LogFormat.isKeyed(type)) {
            copy(type, sequence, Limits.NO_EXPIRATION, namespace, null, 0, 0, null, b, 0, 0);
            return;
        }
        LiveKeys keys = host.liveKeys(b, namespaceOffset, namespaceLength);
        if (keys == null) {
            recordsDropped++;
            return;
        }
        int keyOffset = Records.keyOffset(b, offset);
        int keyLength = Records.keyLength(b, offset);
        long location = Locations.of(victim.id(), offset);
        long expiration = Records.expirationEpochSeconds(b, offset);
        if (type == LogFormat.TYPE_PUT) {
            if (keys.isLiveAt(b, keyOffset, keyLength, location)) {
                byte[] metadata = Records.metadataLength(b, offset) == 0 ? null
                        : metadataCopy(b, Records.metadataOffset(b, offset), Records.metadataLength(b, offset));
                long moved = copy(type, sequence, expiration, namespace, b, keyOffset, keyLength, metadata, b,
                        Records.valueOffset(b, offset), Records.valueLength(b, offset));
                keys.repointIfStillAt(b, keyOffset, keyLength, location, moved);
                return;
            }
            boolean expired = expiration != Limits.NO_EXPIRATION && expiration <= now;
            boolean newest = expired && keys.newest(b, keyOffset, keyLength) == HashIndex.NO_LOCATION;
            if (newest && sequence >= minSequenceElsewhere) {
                copy(LogFormat.TYPE_TOMBSTONE, sequence, Limits.NO_EXPIRATION, namespace, b, keyOffset, keyLength, null,
                        b, 0, 0);
                tombstonesKept++;
            } else {
                recordsDropped++;
            }
            return;
        }
        long current = keys.newest(b, keyOffset, keyLength);
        boolean superseded = current != HashIndex.NO_LOCATION && sequenceAt(current) > sequence;
        if (superseded || sequence < minSequenceElsewhere) {
            recordsDropped++;
        } else {
            copy(type, sequence, expiration, namespace, b, keyOffset, keyLength, null, b, 0, 0);
            tombstonesKept++;
        }
    }

    private long sequenceAt(long location) {
        return Records.sequence(log.segment(Locations.segmentId(location)).buffer(), Locations.offset(location));
    }

    /** Appends the copy; the key is read straight from the victim ({@code key} null for none). */
    private long copy(byte type, long sequence, long expiration, byte[] namespace, DirectBuffer key, int keyOffset,
            int keyLength, byte[] metadata, DirectBuffer value, int valueOffset, int valueLength) {
        long moved = log.append(type, sequence, expiration, namespace, key, keyOffset, keyLength, metadata, value,
                valueOffset, valueLength);
        host.usage().noteRecord(Locations.segmentId(moved), sequence, type, expiration);
        if (type == LogFormat.TYPE_PUT) {
            recordsCopied++;
        }
        bytesCopied += Records.length(log.segment(Locations.segmentId(moved)).buffer(), Locations.offset(moved));
        return moved;
    }

    /**
     * The namespace name as bytes: the previous record's array when the name is the same (almost
     * always: a segment holds few namespaces), so a copy allocates nothing per record.
     */
    private byte[] namespaceBytes(DirectBuffer buffer, int offset, int length) {
        byte[] last = lastNamespace;
        if (last != null && last.length == length) {
            boolean same = true;
            for (int i = 0; i < length && same; i++) {
                same = buffer.getByte(offset + i) == last[i];
            }
            if (same) {
                return last;
            }
        }
        lastNamespace = new byte[length];
        buffer.getBytes(offset, lastNamespace);
        return lastNamespace;
    }

    /**
     * The metadata in a reused array of exactly its length (the log's append takes the length
     * from the array). Safe to reuse: the append copies the bytes before it returns.
     */
    private byte[] metadataCopy(DirectBuffer buffer, int offset, int length) {
        byte[] bytes = length < SCRATCH_LENGTHS ? metadataScratch[length] : null;
        if (bytes == null) {
            bytes = new byte[length];
            if (length < SCRATCH_LENGTHS) {
                metadataScratch[length] = bytes;
            }
        }
        buffer.getBytes(offset, bytes);
        return bytes;
    }
}
