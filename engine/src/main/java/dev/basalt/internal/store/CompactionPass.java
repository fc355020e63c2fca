package dev.basalt.internal.store;

import dev.basalt.BasaltException;
import dev.basalt.CompactionResult;
import dev.basalt.internal.compaction.IoPacer;
import dev.basalt.internal.compaction.VictimPolicy;
import dev.basalt.internal.env.CrashPoint;
import dev.basalt.internal.env.CrashPoints;
import dev.basalt.internal.index.HashIndex;
import dev.basalt.internal.index.KeyHash;
import dev.basalt.internal.log.CompactionCommit;
import dev.basalt.internal.log.Locations;
import dev.basalt.internal.log.LogFormat;
import dev.basalt.internal.log.Records;
import dev.basalt.internal.log.Segment;
import dev.basalt.internal.log.SegmentScanner;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.agrona.DirectBuffer;
import org.agrona.collections.IntArrayList;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One compaction pass, the protocol of {@code docs/compaction.md}:
 * <ol>
 *   <li>pick victims (sealed segments past the dead-fraction threshold) and note the lowest
 *       sequence number held by any other segment;</li>
 *   <li>copy every live record of the victims to the end of the log with its own sequence
 *       number, repointing the index with a compare-and-set on the old location, in small
 *       batches under the append lock so writers are never held up for long;</li>
 *   <li>force the log ({@link Phase#COPIED});</li>
 *   <li>write the commit file listing the victims ({@link Phase#COMMITTED}): from here they are
 *       garbage, and recovery finishes their deletion if a crash interrupts it;</li>
 *   <li>wait for every reader that may hold an old location, unlink, unmap and delete the
 *       victims, and remove the commit file ({@link Phase#RETIRED}).</li>
 * </ol>
 *
 * <p>Never lose, never resurrect. A dead put is dropped: it was overwritten (the newer record is
 * on disk), deleted (the tombstone is on disk until it is itself safely dropped), or belongs to a
 * dropped namespace (the drop record is kept forever). A tombstone is dropped only when the key
 * has a newer put, or when every segment outside this pass holds only newer sequence numbers, so
 * no older version of the key can remain anywhere. An expired put that is the key's newest
 * record becomes a tombstone under the same rule, because dropping it could let an older
 * version come back at the next open. Namespace create and drop records are always kept.
 *
 * <p>Threads: one pass at a time (the store's compaction lock); the pass runs on the caller of
 * {@code compact()} or on the background thread.
 */
public final class CompactionPass {
    /** The steps a crash test can interrupt. */
    public enum Phase { COPIED, COMMITTED, RETIRED }

    private static final int RECORDS_PER_LOCK = 256;

    private final Store store;
    private final Consumer<Phase> phaseHook;
    private final ProgressListener progress;
    private final IoPacer pacer;
    private long recordsCopied;
    private long bytesCopied;
    private long tombstonesKept;
    private long recordsDropped;

    /** Told how far a pass has come: bytes of victims processed out of the total. */
    @FunctionalInterface
    public interface ProgressListener {
        void progress(long victimBytesDone, long victimBytesTotal);
    }

    CompactionPass(Store store, Consumer<Phase> phaseHook, ProgressListener progress, IoPacer pacer) {
        this.store = store;
        this.phaseHook = phaseHook;
        this.progress = progress;
        this.pacer = pacer;
    }

    CompactionResult run(VictimPolicy policy) {
        List<Segment> victims = new ArrayList<>();
        long minSequenceElsewhere = Long.MAX_VALUE;
        store.lockForCompaction();
        try {
            store.checkOpen();
            List<VictimPolicy.Candidate> candidates = new ArrayList<>();
            List<Segment> sealed = store.log.sealedSegments();
            // A segment that holds a record whose group-commit index update is still pending
            // looks dead to the index; it must wait for a later pass (its update is applied by
            // then), or the acknowledged write would be dropped with it.
            long pendingFloor = store.firstSegmentWithPendingUpdate();
            for (Segment segment : sealed) {
                if (segment.id() >= pendingFloor) {
                    minSequenceElsewhere = Math.min(minSequenceElsewhere, store.usage.minSequence((int) segment.id()));
                    continue;
                }
                candidates.add(new VictimPolicy.Candidate(segment.id(),
                        segment.dataEnd() - LogFormat.SEGMENT_HEADER_LENGTH, store.usage.liveBytes((int) segment.id())));
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
                    minSequenceElsewhere = Math.min(minSequenceElsewhere, store.usage.minSequence((int) segment.id()));
                }
            }
            minSequenceElsewhere = Math.min(minSequenceElsewhere,
                    store.usage.minSequence((int) store.log.activeSegmentId()));
        } finally {
            store.appendLock.unlock();
        }
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

    private CompactionResult compact(List<Segment> victims, long minSequenceElsewhere) {
        checkFreeSpace(victims);
        long total = 0;
        for (Segment victim : victims) {
            total += victim.dataEnd();
        }
        long done = 0;
        long now = store.nowEpochSeconds();
        for (Segment victim : victims) {
            copyLiveRecords(victim, minSequenceElsewhere, now);
            done += victim.dataEnd();
            progress.progress(done, total);
        }
        store.log.force();
        CrashPoints.hit(CrashPoint.COMPACTION_COPIED_FORCED);
        phaseHook.accept(Phase.COPIED);
        long[] ids = new long[victims.size()];
        long victimBytes = 0;
        for (int i = 0; i < ids.length; i++) {
            ids[i] = victims.get(i).id();
            victimBytes += victims.get(i).dataEnd();
        }
        synchronized (store.compactionFiles) {
            store.checkOpen();
            CompactionCommit.write(store.log.io(), store.log.directory(), store.log.storeId(), ids);
            CrashPoints.hit(CrashPoint.COMPACTION_COMMITTED);
        }
        phaseHook.accept(Phase.COMMITTED);
        store.epochs.awaitReaders();
        CrashPoints.hit(CrashPoint.COMPACTION_BEFORE_DELETE);
        synchronized (store.compactionFiles) {
            store.lockForCompaction();
            try {
                // Closed after the commit: the next open finishes the deletion from the commit file.
                store.checkOpen();
                store.log.retire(victims);
                for (long id : ids) {
                    store.usage.forget((int) id);
                }
            } finally {
                store.appendLock.unlock();
            }
            CompactionCommit.clear(store.log.io(), store.log.directory());
            CrashPoints.hit(CrashPoint.COMPACTION_COMMIT_CLEARED);
        }
        phaseHook.accept(Phase.RETIRED);
        return new CompactionResult(victims.size(), recordsCopied, bytesCopied, tombstonesKept, recordsDropped,
                Math.max(0, victimBytes - bytesCopied));
    }

    private void checkFreeSpace(List<Segment> victims) {
        long needed = store.options.segmentSizeBytes();
        for (Segment victim : victims) {
            needed += store.usage.liveBytes((int) victim.id());
        }
        try {
            long usable = store.log.io().usableSpace(store.log.directory());
            if (usable < needed) {
                throw new BasaltException("compaction needs " + needed + " bytes free in " + store.log.directory()
                        + " (the live data of " + victims.size() + (victims.size() == 1 ? " segment" : " segments")
                        + " plus one segment of headroom); "
                        + usable + " are free. Nothing was changed");
            }
        } catch (IOException e) {
            throw new BasaltException("cannot read the free space of " + store.log.directory() + ": " + e, e);
        }
    }

    private void copyLiveRecords(Segment victim, long minSequenceElsewhere, long now) {
        IntArrayList offsets = new IntArrayList();
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
        for (int start = 0; start < offsets.size(); start += RECORDS_PER_LOCK) {
            long copiedBefore = bytesCopied;
            long readBytes = 0;
            store.lockForCompaction();
            try {
                store.checkOpen();
                int end = Math.min(offsets.size(), start + RECORDS_PER_LOCK);
                for (int i = start; i < end; i++) {
                    readBytes += Records.length(victim.buffer(), offsets.getInt(i));
                    copyOrDrop(victim, offsets.getInt(i), minSequenceElsewhere, now);
                }
            } finally {
                store.appendLock.unlock();
            }
            // Outside the lock: the pass's share of I/O is what it read plus what it wrote.
            CrashPoints.hit(CrashPoint.COMPACTION_COPYING);
            pacer.account(readBytes + bytesCopied - copiedBefore);
            Thread.yield();
        }
    }

    /** Decides one record's fate; caller holds the append lock. */
    private void copyOrDrop(Segment victim, int offset, long minSequenceElsewhere, long now) {
        UnsafeBuffer b = victim.buffer();
        byte type = Records.type(b, offset);
        long sequence = Records.sequence(b, offset);
        byte[] namespace = ValueBytes.copy(b, Records.namespaceOffset(offset), Records.namespaceLength(b, offset));
        if (!LogFormat.isKeyed(type)) {
            copy(type, sequence, LogFormat.NO_EXPIRATION, namespace, null, null, b, 0, 0);
            return;
        }
        NamespaceState ns = store.namespaces.get(new String(namespace, java.nio.charset.StandardCharsets.UTF_8));
        if (ns == null) {
            recordsDropped++;
            return;
        }
        int keyOffset = Records.keyOffset(b, offset);
        int keyLength = Records.keyLength(b, offset);
        long keyHash = KeyHash.hash(store.hashSeed, b, keyOffset, keyLength);
        long location = Locations.of(victim.id(), offset);
        long expiration = Records.expirationEpochSeconds(b, offset);
        byte[] key = ValueBytes.copy(b, keyOffset, keyLength);
        if (type == LogFormat.TYPE_PUT) {
            if (ns.index().holds(keyHash, location)) {
                byte[] metadata = Records.metadataLength(b, offset) == 0 ? null
                        : ValueBytes.copy(b, Records.metadataOffset(b, offset), Records.metadataLength(b, offset));
                long moved = copy(type, sequence, expiration, namespace, key, metadata, b,
                        Records.valueOffset(b, offset), Records.valueLength(b, offset));
                ns.index().replace(keyHash, location, moved);
                store.countLive(location, -1);
                store.countLive(moved, 1);
                if (expiration != LogFormat.NO_EXPIRATION) {
                    store.expiryQueue.add(expiration, ns.id(), keyHash, moved);
                }
                return;
            }
            boolean expired = expiration != LogFormat.NO_EXPIRATION && expiration <= now;
            boolean newest = expired
                    && ns.index().get(keyHash, b, keyOffset, keyLength, ns.writerMatcher()) == HashIndex.NO_LOCATION;
            if (newest && sequence >= minSequenceElsewhere) {
                copy(LogFormat.TYPE_TOMBSTONE, sequence, LogFormat.NO_EXPIRATION, namespace, key, null, b, 0, 0);
                tombstonesKept++;
            } else {
                recordsDropped++;
            }
            return;
        }
        long current = ns.index().get(keyHash, b, keyOffset, keyLength, ns.writerMatcher());
        boolean superseded = current != HashIndex.NO_LOCATION && store.sequenceAt(current) > sequence;
        if (superseded || sequence < minSequenceElsewhere) {
            recordsDropped++;
        } else {
            copy(type, sequence, expiration, namespace, key, null, b, 0, 0);
            tombstonesKept++;
        }
    }

    private long copy(byte type, long sequence, long expiration, byte[] namespace, byte[] key, byte[] metadata,
            DirectBuffer value, int valueOffset, int valueLength) {
        long moved = store.log.append(type, sequence, expiration, namespace, key, metadata, value, valueOffset,
                valueLength);
        store.usage.noteSequence(Locations.segmentId(moved), sequence);
        if (type == LogFormat.TYPE_PUT) {
            recordsCopied++;
        }
        bytesCopied += store.recordLength(moved);
        return moved;
    }

    /** Heap copies of short byte ranges (names, keys, metadata). */
    private static final class ValueBytes {
        static byte[] copy(DirectBuffer buffer, int offset, int length) {
            byte[] bytes = new byte[length];
            buffer.getBytes(offset, bytes);
            return bytes;
        }
    }
}
