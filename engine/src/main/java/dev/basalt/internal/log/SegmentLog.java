package dev.basalt.internal.log;

import static dev.basalt.internal.log.LogFormat.*;

import dev.basalt.BasaltException;
import dev.basalt.internal.env.CrashPoint;
import dev.basalt.internal.env.CrashPoints;
import dev.basalt.internal.env.DurableFiles;
import dev.basalt.internal.env.FileHandle;
import dev.basalt.internal.env.FileIo;
import dev.basalt.internal.env.InterruptSafeChannel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.agrona.DirectBuffer;

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
    private final RecordEncoder encoder = new RecordEncoder();
    private final Object forceLock = new Object();
    private volatile Segment[] segmentsById = new Segment[16];
    private ActiveSegment active;
    private long sealedBytes;
    private volatile String fsyncFailure;
    /** fsyncs of the log that succeeded, for stats: group commit's worth is puts per fsync. */
    private final java.util.concurrent.atomic.AtomicLong syncsRun = new java.util.concurrent.atomic.AtomicLong();

    /** The active segment's writer state; replaced under the force lock when it rolls. */
    private static final class ActiveSegment {
        final Segment segment;
        final InterruptSafeChannel channel;
        final HintFile.Builder hints;
        long tail;
        /**
         * How far failed appends may have written past {@link #tail}: a write that fails with
         * ENOSPC has often written part of the record first. Those bytes are zeroed before the
         * segment is sealed or closed, so that a sealed segment ends in zeros and neither the
         * verifier nor a rescan takes them for damage (found by the disk-full campaign on a
         * real tmpfs).
         */
        long failedAppendEnd;

        ActiveSegment(Segment segment, InterruptSafeChannel channel, HintFile.Builder hints, long tail) {
            this.segment = segment;
            this.channel = channel;
            this.hints = hints;
            this.tail = tail;
        }
    }

    private SegmentLog(FileIo io, Path dir, long storeId, long newSegmentCapacityBytes) {
        this.io = io;
        this.dir = dir;
        this.storeId = storeId;
        this.newSegmentCapacityBytes = newSegmentCapacityBytes;
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
        return new SegmentLog(io, dir, storeId, segmentCapacityBytes);
    }

    /** Replays the directory's segments into {@code sink} and readies the active segment. */
    public void recover(RecoverySink sink, RecoveryReport report) {
        if (active != null) {
            throw new IllegalStateException("the log is already recovered");
        }
        try {
            deleteTemporaryFiles(report);
            long[] finished = CompactionCommit.finishIfPresent(io, dir, storeId);
            if (finished.length > 0) {
                report.warn("finished an interrupted compaction: deleted " + finished.length + " compacted segments");
            }
            deleteOrphanHints(report);
            List<Long> ids = segmentIds();
            for (int i = 0; i < ids.size(); i++) {
                if (i < ids.size() - 1) {
                    recoverSealed(ids.get(i), sink, report);
                } else {
                    recoverActive(ids.get(i), sink, report);
                }
            }
            if (active == null) {
                active = createSegment(ids.isEmpty() ? 1 : ids.get(ids.size() - 1) + 1);
            }
        } catch (IOException e) {
            closeQuietly();
            throw new BasaltException("cannot open the log in " + dir + ": " + e, e);
        } catch (RuntimeException e) {
            closeQuietly();
            throw e;
        }
    }

    private void deleteTemporaryFiles(RecoveryReport report) throws IOException {
        for (Path temp : io.list(dir, "*" + TEMP_SUFFIX)) {
            io.deleteIfExists(temp);
            report.warn("deleted leftover temporary file " + temp);
        }
    }

    /** A hint whose segment is gone (a compaction deleted the segment first) is garbage. */
    private void deleteOrphanHints(RecoveryReport report) throws IOException {
        for (Path hint : io.list(dir, "*" + HINT_SUFFIX)) {
            String name = hint.getFileName().toString();
            Path segment = hint.resolveSibling(name.substring(0, name.length() - HINT_SUFFIX.length())
                    + SEGMENT_SUFFIX);
            if (!io.exists(segment)) {
                io.deleteIfExists(hint);
                report.warn("deleted hint file without a segment " + hint);
            }
        }
    }

    private List<Long> segmentIds() throws IOException {
        List<Long> ids = new ArrayList<>();
        for (Path file : io.list(dir, "*" + SEGMENT_SUFFIX)) {
            String name = file.getFileName().toString();
            String digits = name.substring(0, name.length() - SEGMENT_SUFFIX.length());
            if (digits.length() == 12 && digits.chars().allMatch(Character::isDigit)) {
                ids.add(Long.parseLong(digits));
            }
        }
        ids.sort(null);
        return ids;
    }

    private void recoverSealed(long id, RecoverySink sink, RecoveryReport report) throws IOException {
        Path file = dir.resolve(segmentFileName(id));
        long capacity = io.size(file);
        if (capacity < SEGMENT_HEADER_LENGTH + RECORD_HEADER_LENGTH) {
            report.corrupt(file, 0, capacity, "segment file is " + capacity + " bytes, shorter than a header and one"
                    + " record (" + (SEGMENT_HEADER_LENGTH + RECORD_HEADER_LENGTH) + "); skipped");
            return;
        }
        Segment segment = Segment.map(io, file, id, capacity, Checksums.mask(storeId, id), capacity);
        install(segment);
        String headerProblem = SegmentHeader.check(segment.buffer(), file, storeId, id);
        if (headerProblem != null) {
            report.corrupt(file, 0, SEGMENT_HEADER_LENGTH, headerProblem);
        }
        Path hint = dir.resolve(hintFileName(id));
        long dataEnd = HintFile.read(io, hint, storeId, id, capacity,
                (type, sequence, expiration, offset, length, names, namesOffset, nsLength, keyLength) ->
                        sink.accept(Locations.of(id, offset), type, sequence, expiration, length, names,
                                namesOffset, nsLength, keyLength),
                problem -> report.warn("hint file ignored, segment rescanned: " + problem));
        if (dataEnd < 0) {
            HintFile.Builder rebuilt = new HintFile.Builder();
            dataEnd = scan(segment, capacity, sink, report, rebuilt);
            rebuilt.write(io, dir, storeId, id, dataEnd);
            CrashPoints.hit(CrashPoint.RECOVERY_HINT_REWRITTEN);
        }
        segment.limitDataEnd(dataEnd);
        sealedBytes += dataEnd;
    }

    private long scan(Segment segment, long limit, RecoverySink sink, RecoveryReport report, HintFile.Builder hints) {
        long id = segment.id();
        return SegmentScanner.scan(segment.buffer(), limit, segment.mask(), new SegmentScanner.Listener() {
            @Override
            public void record(DirectBuffer buffer, int offset) {
                CrashPoints.hit(CrashPoint.RECOVERY_SCAN_RECORD);
                hints.add(buffer, offset, offset);
                sink.accept(Locations.of(id, offset), Records.type(buffer, offset), Records.sequence(buffer, offset),
                        Records.expirationEpochSeconds(buffer, offset), Records.length(buffer, offset), buffer,
                        Records.namespaceOffset(offset), Records.namespaceLength(buffer, offset),
                        Records.keyLength(buffer, offset));
            }

            @Override
            public void corrupt(int offset, int length, String reason) {
                // Reported, not logged: the store logs each damaged range of the report once at open.
                report.corrupt(segment.path(), offset, length, reason);
            }
        });
    }

    /**
     * Recovers the active segment: scan it, then cut everything after the last intact record
     * and extend the file back to its capacity with zeros, so that nothing torn or stale
     * remains past the end. The scan's mapping is released before the truncation (never
     * truncate a mapped file) and a fresh one made after it.
     */
    private void recoverActive(long id, RecoverySink sink, RecoveryReport report) throws IOException {
        Path file = dir.resolve(segmentFileName(id));
        long fileSize = io.size(file);
        long capacity = Math.max(fileSize, newSegmentCapacityBytes);
        if (fileSize < capacity) {
            try (FileHandle extend = io.open(file, true)) {
                extend.writeFully(java.nio.ByteBuffer.allocate(1), capacity - 1);
            }
        }
        int mask = Checksums.mask(storeId, id);
        Segment scanMap = Segment.map(io, file, id, capacity, mask, 0);
        scanMap.publishDataEnd(capacity);
        install(scanMap);
        HintFile.Builder hints = new HintFile.Builder();
        long dataEnd;
        try {
            String headerProblem = SegmentHeader.check(scanMap.buffer(), file, storeId, id);
            if (headerProblem != null) {
                report.corrupt(file, 0, SEGMENT_HEADER_LENGTH, headerProblem);
            }
            dataEnd = scan(scanMap, cleanCloseDataEnd(id, capacity, report), sink, report, hints);
        } finally {
            uninstall(scanMap);
            scanMap.release();
        }
        InterruptSafeChannel channel = new InterruptSafeChannel(io, file);
        try {
            long cut = lastNonZeroEnd(file, dataEnd, capacity);
            if (cut > dataEnd) {
                report.tornTail(cut - dataEnd);
                LOG.log(System.Logger.Level.WARNING, "cut a torn tail of {0} bytes from {1} at offset {2}",
                        cut - dataEnd, file, dataEnd);
            }
            channel.truncate(dataEnd);
            CrashPoints.hit(CrashPoint.RECOVERY_ACTIVE_TRUNCATED);
            // Extend back to capacity only when there is room: a file that ends at its data end
            // (a crash right after the truncation above, or a segment filled to its last byte)
            // would otherwise get a zero written over the last byte of its last record.
            if (dataEnd < capacity) {
                channel.write(java.nio.ByteBuffer.allocate(1), capacity - 1);
            }
            channel.force();
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        Segment segment = Segment.map(io, file, id, capacity, mask, dataEnd);
        install(segment);
        active = new ActiveSegment(segment, channel, hints, dataEnd);
    }

    /**
     * Where the active segment's scan may stop. After a clean close its hint file records the
     * end of the data, so the scan (which still checks every record) need not walk the zero
     * tail of a large preallocated segment (seconds at 1 GiB). The hint is deleted here, before
     * any new append, so that after a crash it can never describe an end that has moved on;
     * without one the scan covers the whole capacity.
     */
    private long cleanCloseDataEnd(long id, long capacity, RecoveryReport report) throws IOException {
        Path hint = dir.resolve(hintFileName(id));
        long hinted = HintFile.read(io, hint, storeId, id, capacity,
                (type, sequence, expiration, offset, length, names, namesOffset, nsLength, keyLength) -> { },
                problem -> report.warn("active segment's hint ignored: " + problem));
        if (io.deleteIfExists(hint)) {
            io.forceDirectory(dir);
        }
        return hinted >= SEGMENT_HEADER_LENGTH ? hinted : capacity;
    }

    /** How far non-zero bytes reach past the data end (for the torn-tail report only). */
    private long lastNonZeroEnd(Path file, long dataEnd, long capacity) throws IOException {
        long end = dataEnd;
        try (FileHandle channel = io.open(file, false)) {
            java.nio.ByteBuffer chunk = java.nio.ByteBuffer.allocate(64 * 1024);
            long at = dataEnd;
            int zeroChunks = 0;
            while (at < capacity && zeroChunks < 16) {
                chunk.clear();
                int read = channel.read(chunk, at);
                if (read <= 0) {
                    break;
                }
                boolean zero = true;
                for (int i = 0; i < read; i++) {
                    if (chunk.get(i) != 0) {
                        zero = false;
                        end = at + i + 1;
                    }
                }
                zeroChunks = zero ? zeroChunks + 1 : 0;
                at += read;
            }
        }
        return end;
    }

    private ActiveSegment createSegment(long id) throws IOException {
        if (id > Integer.MAX_VALUE) {
            throw new BasaltException("segment id " + id + " exceeds the limit " + Integer.MAX_VALUE);
        }
        Path file = dir.resolve(segmentFileName(id));
        Path temp = DurableFiles.temporaryFor(file);
        io.deleteIfExists(temp);
        try (FileHandle channel = io.createNew(temp)) {
            channel.writeFully(SegmentHeader.encode(storeId, id, newSegmentCapacityBytes), 0);
            // Sparse until written: the map covers the whole capacity, appends fill it in.
            channel.writeFully(java.nio.ByteBuffer.allocate(1), newSegmentCapacityBytes - 1);
            channel.force(true);
        }
        DurableFiles.publish(io, temp, file);
        Segment segment = Segment.map(io, file, id, newSegmentCapacityBytes, Checksums.mask(storeId, id),
                SEGMENT_HEADER_LENGTH);
        install(segment);
        return new ActiveSegment(segment, new InterruptSafeChannel(io, file), new HintFile.Builder(),
                SEGMENT_HEADER_LENGTH);
    }

    private void install(Segment segment) {
        Segment[] table = segmentsById;
        int id = (int) segment.id();
        if (id >= table.length) {
            Segment[] grown = new Segment[Math.max(table.length * 2, id + 1)];
            System.arraycopy(table, 0, grown, 0, table.length);
            table = grown;
        } else {
            table = table.clone();
        }
        table[id] = segment;
        segmentsById = table;
    }

    private void uninstall(Segment segment) {
        Segment[] table = segmentsById.clone();
        table[(int) segment.id()] = null;
        segmentsById = table;
    }

    /** The sealed segments, in id order. Caller holds the append lock. */
    public List<Segment> sealedSegments() {
        List<Segment> sealed = new ArrayList<>();
        long activeId = active.segment.id();
        for (Segment segment : segmentsById) {
            if (segment != null && segment.id() != activeId) {
                sealed.add(segment);
            }
        }
        return sealed;
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
        Segment[] table = segmentsById;
        return id >= 0 && id < table.length ? table[id] : null;
    }

    /**
     * Appends one record and returns its location. The record is readable through the map as
     * soon as this returns, durable only after {@link #force}. Caller holds the append lock.
     */
    public long append(byte type, long sequence, long expirationEpochSeconds, byte[] namespace, byte[] key,
            byte[] metadata, DirectBuffer value, int valueOffset, int valueLength) {
        checkNotFailed();
        int length = recordLength(namespace.length, key == null ? 0 : key.length,
                metadata == null ? 0 : metadata.length, valueLength);
        try {
            if (SEGMENT_HEADER_LENGTH + (long) length > newSegmentCapacityBytes) {
                throw new IllegalArgumentException("record is " + length + " bytes; a segment holds at most "
                        + (newSegmentCapacityBytes - SEGMENT_HEADER_LENGTH));
            }
            if (active.tail + length > active.segment.capacityBytes()) {
                roll();
            }
            ActiveSegment target = active;
            encoder.encode(type, sequence, expirationEpochSeconds, namespace, key, metadata, value, valueOffset,
                    valueLength, target.segment.mask());
            long offset = target.tail;
            try {
                target.channel.write(encoder.view(length), offset);
            } catch (IOException e) {
                target.failedAppendEnd = Math.max(target.failedAppendEnd, offset + length);
                throw e;
            }
            target.tail = offset + length;
            target.hints.add(encoder.encoded(), 0, (int) offset);
            target.segment.publishDataEnd(target.tail);
            return Locations.of(target.segment.id(), offset);
        } catch (IOException e) {
            throw new BasaltException("cannot append to " + active.segment.path() + " at offset " + active.tail
                    + ": " + e, e);
        }
    }

    /** Seals the active segment (forced, hint written) and starts the next one. */
    private void roll() throws IOException {
        ActiveSegment sealed = active;
        ActiveSegment next;
        synchronized (forceLock) {
            eraseFailedAppends(sealed);
            forceOrFail(sealed);
            CrashPoints.hit(CrashPoint.ROLL_SEALED_FORCED);
            sealed.hints.write(io, dir, storeId, sealed.segment.id(), sealed.tail);
            CrashPoints.hit(CrashPoint.ROLL_HINT_WRITTEN);
            next = createSegment(sealed.segment.id() + 1);
            CrashPoints.hit(CrashPoint.ROLL_NEW_SEGMENT_CREATED);
            active = next;
        }
        sealed.channel.close();
        sealedBytes += sealed.tail;
    }

    /** Zeroes the bytes failed appends may have left past the tail (see {@code failedAppendEnd}). */
    private static void eraseFailedAppends(ActiveSegment segment) throws IOException {
        long end = Math.min(segment.failedAppendEnd, segment.segment.capacityBytes());
        java.nio.ByteBuffer zeros = java.nio.ByteBuffer.allocate(64 * 1024);
        for (long at = segment.tail; at < end; at += zeros.capacity()) {
            zeros.clear().limit((int) Math.min(zeros.capacity(), end - at));
            segment.channel.write(zeros, at);
        }
        segment.failedAppendEnd = 0;
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
            segment.channel.force();
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

    /** Bytes of records in all segments (headers and padding included, preallocated space not). */
    public long totalBytes() {
        ActiveSegment current = active;
        return sealedBytes + (current == null ? 0 : current.tail);
    }

    public int segmentCount() {
        int count = 0;
        for (Segment segment : segmentsById) {
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
        if (active != null) {
            try {
                if (fsyncFailure == null) {
                    // A clean close leaves the active segment's hint, so the next open need not
                    // scan its zero tail; the open deletes it before appending anything.
                    eraseFailedAppends(active);
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
        }
        Segment[] table = segmentsById;
        segmentsById = new Segment[0];
        for (Segment segment : table) {
            if (segment != null) {
                segment.release();
            }
        }
    }
}
