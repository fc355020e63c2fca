package dev.basalt.internal.log;

import static dev.basalt.internal.log.LogFormat.*;

import dev.basalt.BasaltException;
import dev.basalt.internal.env.CrashPoint;
import dev.basalt.internal.env.CrashPoints;
import dev.basalt.internal.env.FileIo;
import dev.basalt.internal.env.InterruptSafeChannel;
import dev.basalt.internal.events.FsyncEvent;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The segment log: numbered append-only segment files, the only place data lives.
 *
 * <p>Threads: {@link #append} and {@link #close} are called under the store's append lock (one
 * appender at a time); {@link #force} may run concurrently with appends (the group-commit
 * leader); {@link #segment} is lock-free for readers.
 *
 * <p>Invariants: the segment with the highest id is the active one, written through its
 * channel only; every other segment is sealed, forced and has a hint file (or gets one on the
 * next open); a record is appended only after the previous one, so sequence order equals file
 * order within the appends of one process.
 */
public final class SegmentLog implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(SegmentLog.class.getName());

    private final FileIo io;
    private final Path dir;
    private final long storeId;
    private final long newSegmentCapacityBytes;
    /** Whether appends copy into a shared mapping of the active segment ({@link ActiveSegment}). */
    private final boolean mappedAppends;
    private final RecordEncoder encoder = new RecordEncoder();
    private final BatchAppender batchAppender = new BatchAppender();
    private final Object forceLock = new Object();
    /** What the writer leaves to another thread: a force behind it, hint memory and backed pages ahead. */
    private final WriterAhead ahead;
    /** Hints of sealed segments the roll left for {@link #writeSealedHints}. */
    private final SealedHints sealedHints;
    private final SegmentTable segments = new SegmentTable();
    private ActiveSegment active;
    private long sealedBytes;
    /** The highest segment id recovery saw (0: none), so the first new segment follows it. */
    private long lastSegmentId;
    private volatile String fsyncFailure;
    /** fsyncs of the log that succeeded, for stats: group commit's worth is puts per fsync. */
    private final java.util.concurrent.atomic.AtomicLong syncsRun = new java.util.concurrent.atomic.AtomicLong();
    /** Bytes appended since the open, ever growing; written under the append lock, read by anyone. */
    private final java.util.concurrent.atomic.AtomicLong appendedBytes = new java.util.concurrent.atomic.AtomicLong();

    private SegmentLog(FileIo io, Path dir, long storeId, long newSegmentCapacityBytes, boolean mappedAppends) {
        this.io = io;
        this.dir = dir;
        this.storeId = storeId;
        this.newSegmentCapacityBytes = newSegmentCapacityBytes;
        this.ahead = new WriterAhead(new SegmentFileAhead(io, dir, storeId, newSegmentCapacityBytes));
        this.mappedAppends = mappedAppends;
        this.sealedHints = new SealedHints(io, dir, storeId);
    }

    /**
     * Opens the log in {@code dir}, feeding every intact record to {@code sink}: sealed segments
     * from their hint files (rescanned, and the hint rewritten, when a hint does not verify),
     * the active segment by a full scan, after which its torn tail is cut off.
     */
    public static SegmentLog open(Path dir, long storeId, long segmentCapacityBytes, RecoverySink sink,
            RecoveryReport report) {
        // The real file system: the store opens its log through create(io, ...) and recover.
        SegmentLog log = create(FileIo.real(), dir, storeId, segmentCapacityBytes);
        log.recover(sink, report);
        return log;
    }

    /** A log not yet recovered: call {@link #recover} before anything else. */
    public static SegmentLog create(FileIo io, Path dir, long storeId, long segmentCapacityBytes) {
        return create(io, dir, storeId, segmentCapacityBytes, false);
    }

    /**
     * {@link #create(FileIo, Path, long, long)}, with appends copied into a shared mapping of the
     * active segment when {@code mappedAppends} and {@code io} offers one
     * ({@link FileIo#mapShared}), else written by system calls.
     */
    public static SegmentLog create(FileIo io, Path dir, long storeId, long segmentCapacityBytes,
            boolean mappedAppends) {
        return new SegmentLog(io, dir, storeId, segmentCapacityBytes, mappedAppends);
    }

    /** Replays the directory's segments into {@code sink} and readies the active segment. */
    public void recover(RecoverySink sink, RecoveryReport report) {
        recover(sink, report, null);
    }

    /**
     * Readies the log; replays nothing when {@code covered} (a checkpoint's view of the log)
     * matches the directory exactly, else replays every segment into {@code sink}. The files are
     * read on a thread of its own while {@code sink} is called on this one ({@link ReplayHandoff}).
     *
     * @return null when nothing was replayed because the checkpoint covers the log; else why the
     *     log was replayed
     */
    public String recover(RecoverySink sink, RecoveryReport report, CoveredLog covered) {
        if (active != null) {
            throw new IllegalStateException("the log is already recovered");
        }
        try {
            String replayedBecause = ReplayHandoff.run(sink, handoff -> new LogRecovery(this, io, dir, storeId,
                    newSegmentCapacityBytes, handoff, report).run(covered));
            if (active == null) {
                active = createSegment(lastSegmentId + 1);
            }
            return replayedBecause;
        } catch (IOException e) {
            closeQuietly();
            throw new BasaltException("cannot open the log in " + dir + ": " + e, e);
        } catch (RuntimeException e) {
            closeQuietly();
            throw e;
        }
    }

    /** Recovery found a sealed segment ending at {@code dataEnd}. */
    void recovered(Segment sealed, long dataEnd) {
        sealed.limitDataEnd(dataEnd);
        sealedBytes += dataEnd;
        lastSegmentId = Math.max(lastSegmentId, sealed.id());
    }

    /** Recovery readied the newest segment for appends at {@code tail}. */
    void recoveredActive(Segment segment, InterruptSafeChannel channel, HintFile.Builder hints, long tail) {
        try {
            active = new ActiveSegment(segment, channel, hints, tail,
                    ActiveSegment.mappingForAppends(io, segment, mappedAppends));
            hints.takeChunksFrom(ahead.spareChunk());
        } catch (IOException e) {
            throw new BasaltException("cannot map " + segment.path() + " for appends: " + e, e);
        }
        lastSegmentId = Math.max(lastSegmentId, segment.id());
    }

    private ActiveSegment createSegment(long id) throws IOException {
        if (id > Integer.MAX_VALUE) {
            throw new BasaltException("segment id " + id + " exceeds the limit " + Integer.MAX_VALUE);
        }
        Path made = ahead.nextSegment().take(id);
        ActiveSegment created = made != null
                ? ActiveSegment.publish(io, dir, storeId, id, newSegmentCapacityBytes, mappedAppends, made)
                : ActiveSegment.create(io, dir, storeId, id, newSegmentCapacityBytes, mappedAppends);
        created.hints.takeChunksFrom(ahead.spareChunk());
        install(created.segment);
        return created;
    }

    void install(Segment segment) {
        segments.install(segment);
    }

    void uninstall(Segment segment) {
        segments.uninstall(segment);
    }

    /** The sealed segments, in id order. Caller holds the append lock. */
    public List<Segment> sealedSegments() {
        List<Segment> sealed = new ArrayList<>();
        long activeId = active.segment.id();
        for (Segment segment : segments.snapshot()) {
            if (segment != null && segment.id() != activeId) {
                sealed.add(segment);
            }
        }
        return sealed;
    }

    /**
     * Every segment with the end of its data, the active one last (what a checkpoint taken now
     * covers; caller holds the append lock), cut at the record at {@code firstUnapplied} (a
     * location in the active segment, or -1 for none): the records from there on are in the log
     * but not yet in the indexes (group commit applies them after its fsync), so a checkpoint
     * taken now covers the log only up to them, and an open replays them. Null when that record
     * is not in the active segment (the log rolled meanwhile): no checkpoint can be taken now.
     */
    public CoveredLog coveredLog(long firstUnapplied) throws IOException {
        return CoveredLog.of(io, sealedSegments(), active.segment, active.tail, active.hints, firstUnapplied);
    }

    /** The id of the segment being appended to. Caller holds the append lock. */
    public long activeSegmentId() {
        return active.segment.id();
    }

    /**
     * Retires compacted segments: unlinks them so no new reader finds them, drops the log's
     * reference (the map goes once no value stream holds it) and deletes their files. The caller
     * has already waited for every reader that could hold one of their locations, and holds the
     * append lock.
     */
    public void retire(List<Segment> victims) {
        long[] ids = new long[victims.size()];
        for (int i = 0; i < ids.length; i++) {
            Segment victim = victims.get(i);
            ids[i] = victim.id();
            uninstall(victim);
            sealedBytes -= victim.dataEnd();
            victim.release();
        }
        CompactionCommit.deleteVictims(io, dir, ids);
    }

    public Path directory() {
        return dir;
    }

    /** The file system this log's files go through. */
    public FileIo io() {
        return io;
    }

    public long storeId() {
        return storeId;
    }

    /** The segment with this id, or null; lock-free. */
    public Segment segment(int id) {
        return segments.get(id);
    }

    /**
     * Appends one record and returns its location. The record is readable through the map as
     * soon as this returns, durable only after {@link #force}. Caller holds the append lock.
     */
    public long append(byte type, long sequence, long expirationEpochSeconds, byte[] namespace, byte[] key,
            byte[] metadata, DirectBuffer value, int valueOffset, int valueLength) {
        // Off the hot path (namespace records have no key; tests): the wrapper is not worth saving.
        return append(type, sequence, expirationEpochSeconds, namespace, key == null ? null : new UnsafeBuffer(key), 0,
                key == null ? 0 : key.length, metadata, value, valueOffset, valueLength);
    }

    /**
     * {@link #append} with the key read from {@code key[keyOffset, keyOffset + keyLength)} (null
     * and 0 for none). Allocates nothing (but when the log rolls): the write path's puts come here.
     */
    public long append(byte type, long sequence, long expirationEpochSeconds, byte[] namespace, DirectBuffer key,
            int keyOffset, int keyLength, byte[] metadata, DirectBuffer value, int valueOffset, int valueLength) {
        checkNotFailed();
        sealedHints.beforeAppend();
        int length = recordLength(namespace.length, keyLength, metadata == null ? 0 : metadata.length, valueLength,
                expirationEpochSeconds, false);
        try {
            if (SEGMENT_HEADER_LENGTH + (long) length > newSegmentCapacityBytes) {
                throw new IllegalArgumentException("record is " + length + " bytes; a segment holds at most "
                        + (newSegmentCapacityBytes - SEGMENT_HEADER_LENGTH));
            }
            if (active.tail + length > active.segment.capacityBytes()) {
                roll();
            }
            ActiveSegment target = active;
            encoder.encode(type, sequence, expirationEpochSeconds, namespace, key, keyOffset, keyLength, metadata,
                    value, valueOffset, valueLength, target.segment.mask(), 0, (short) 0);
            long offset = target.tail;
            try {
                target.write(encoder.view(length), offset);
            } catch (IOException e) {
                target.failedAppendEnd = Math.max(target.failedAppendEnd, offset + length);
                throw e;
            }
            target.tail = offset + length;
            target.hints.add(encoder.encoded(), 0, (int) offset);
            target.segment.publishDataEnd(target.tail);
            appendedBytes.lazySet(appendedBytes.get() + length);
            ahead.afterAppend(target);
            return Locations.of(target.segment.id(), offset);
        } catch (IOException e) {
            throw new BasaltException("cannot append to " + active.segment.path() + " at offset " + active.tail
                    + ": " + e, e);
        }
    }

    /**
     * Appends the records of one write batch, contiguous in one segment (the log rolls first
     * when they do not fit in the active one), each marked with how many of the batch follow it,
     * so that recovery applies the batch only whole. Records get {@code firstSequence},
     * {@code firstSequence + 1}, ... Returns their locations. If an append fails midway, the
     * batch's bytes already written are treated as a failed append (zeroed before the segment
     * is sealed or closed) and its hint entries dropped: nothing of it survives.
     */
    public long[] appendBatch(BatchRecords batch, long firstSequence) {
        checkNotFailed();
        sealedHints.beforeAppend();
        int count = batch.size();
        long total = 0;
        for (int i = 0; i < count; i++) {
            total += batch.length(i);
        }
        long room = newSegmentCapacityBytes - SEGMENT_HEADER_LENGTH;
        if (total > room) {
            throw new IllegalArgumentException("batch is " + total + " bytes in the log; a segment holds at most "
                    + room);
        }
        long[] locations = new long[count];
        try {
            if (active.tail + total > active.segment.capacityBytes()) {
                roll();
                CrashPoints.hit(CrashPoint.BATCH_ROLLED);
            }
            ActiveSegment target = active;
            long start = target.tail;
            long hintMark = target.hints.mark();
            try {
                // Set first: a failed write may have written any part of the batch.
                target.failedAppendEnd = Math.max(target.failedAppendEnd, start + total);
                target.tail = batchAppender.append(batch, firstSequence, encoder, target, start, locations);
            } catch (IOException | RuntimeException e) {
                target.tail = start;
                target.hints.rewind(hintMark);
                throw e;
            }
            target.segment.publishDataEnd(target.tail);
            appendedBytes.lazySet(appendedBytes.get() + target.tail - start);
            ahead.afterAppend(target);
            return locations;
        } catch (IOException e) {
            throw new BasaltException("cannot append a batch to " + active.segment.path() + " at offset "
                    + active.tail + ": " + e, e);
        }
    }

    /** The hooks by which the writer wakes another thread to do its work ahead or behind it. */
    public WriterAhead ahead() {
        return ahead;
    }

    /** Does what {@link WriterAhead#prepare} says, for the active segment; the work-ahead thread, when woken. */
    public void prepareAhead() {
        ActiveSegment target;
        synchronized (forceLock) {
            target = active;
        }
        ahead.prepare(target);
    }

    /**
     * Seals the active segment and starts the next. The sealed segment is forced first, so that no
     * record of the next one can be on disk without every record before it; its hint file is left
     * to {@link #writeSealedHints} ({@link SealedHints} says why).
     */
    private void roll() throws IOException {
        ActiveSegment sealed = active;
        ActiveSegment next;
        boolean hintsBehind;
        synchronized (forceLock) {
            sealed.endAppends();
            sealed.eraseFailedAppends();
            forceOrFail(sealed);
            CrashPoints.hit(CrashPoint.ROLL_SEALED_FORCED);
            hintsBehind = sealedHints.add(sealed.segment.id(), sealed.tail, sealed.hints);
            next = createSegment(sealed.segment.id() + 1);
            CrashPoints.hit(CrashPoint.ROLL_NEW_SEGMENT_CREATED);
            active = next;
        }
        sealed.channel.close();
        sealed.releaseMapping();
        sealedBytes += sealed.tail;
        if (hintsBehind) {
            sealedHints.writePending(1, this::holds);
        }
    }

    /**
     * Writes the hint files that rolls left pending and deletes those set aside; any
     * thread, not under the append lock (the store's background thread calls it). Returns how many
     * it handled.
     */
    public int writeSealedHints() {
        return sealedHints.deleteRetired() + sealedHints.writePending(Integer.MAX_VALUE, this::holds);
    }

    /** The hints written or deleted off the open and the append lock; recovery hands them theirs. */
    SealedHints sealedHints() {
        return sealedHints;
    }

    /**
     * A checkpoint that covers {@code covered} was published: the hints of the segments it covers
     * whole are dropped ({@link SealedHints#checkpointPublished}). Any thread.
     */
    public void checkpointPublished(CoveredLog covered) {
        sealedHints.checkpointPublished(covered);
    }

    /** Whether the log still holds segment {@code id}: not retired by a compaction. Any thread. */
    private boolean holds(long id) {
        return id <= Integer.MAX_VALUE && segment((int) id) != null;
    }

    /** The log fsyncs that succeeded since open. */
    public long syncsRun() {
        return syncsRun.get();
    }

    /** Forces every appended record to stable storage. */
    public void force() {
        synchronized (forceLock) {
            checkNotFailed();
            forceOrFail(active);
        }
    }

    /**
     * A failed fsync is fatal to this instance: the kernel may have dropped the dirty pages and
     * a retried fsync can report success for lost data, so nothing is acknowledged any more.
     */
    private void forceOrFail(ActiveSegment segment) {
        try {
            CrashPoints.hit(CrashPoint.LOG_BEFORE_FSYNC);
            FsyncEvent fsyncEvent = new FsyncEvent(); // JFR, off by default, over 10 ms (issue #17)
            fsyncEvent.begin();
            segment.channel.force();
            fsyncEvent.finish(segment.segment.path().toString());
            CrashPoints.hit(CrashPoint.LOG_AFTER_FSYNC);
            syncsRun.incrementAndGet();
        } catch (IOException e) {
            fsyncFailure = "fsync of " + segment.segment.path() + " failed: " + e;
            throw new BasaltException(fsyncFailure + "; no write is acknowledged until the store is reopened", e);
        }
    }

    private void checkNotFailed() {
        String failure = fsyncFailure;
        if (failure != null) {
            throw new BasaltException("the store stopped accepting writes after an earlier failure (" + failure
                    + "); reopen it");
        }
    }

    /** True once an fsync failed; reads go on, writes are refused. */
    public boolean failed() {
        return fsyncFailure != null;
    }

    /** Bytes appended since the open (records, copies by compaction included); any thread, a recent figure. */
    public long appendedBytes() {
        return appendedBytes.get();
    }

    /** Bytes of records in all segments (headers and padding included, preallocated space not). */
    public long totalBytes() {
        ActiveSegment current = active;
        return sealedBytes + (current == null ? 0 : current.tail);
    }

    public int segmentCount() {
        int count = 0;
        for (Segment segment : segments.snapshot()) {
            count += segment == null ? 0 : 1;
        }
        return count;
    }

    /** Releases every mapping and channel; the caller guarantees no reader is inside a segment. */
    @Override
    public void close() {
        closeQuietly();
    }

    private void closeQuietly() {
        ahead.nextSegment().discard();
        if (active != null) {
            try {
                active.endAppends();
                if (fsyncFailure == null) {
                    writeSealedHints();
                    // A clean close leaves the active segment's hint, so the next open need not
                    // scan its zero tail; the next open's first append sets it aside.
                    active.eraseFailedAppends();
                    active.channel.force();
                    active.hints.write(io, dir, storeId, active.segment.id(), active.tail);
                }
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "no hint for " + active.segment.path() + " at close: " + e);
            }
            try {
                active.channel.close();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "closing " + active.segment.path() + ": " + e);
            }
            active.releaseMapping();
        }
        for (Segment segment : segments.clear()) {
            if (segment != null) {
                segment.release();
            }
        }
    }
}
