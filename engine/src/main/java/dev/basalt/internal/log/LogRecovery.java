package dev.basalt.internal.log;

import static dev.basalt.internal.log.LogFormat.*;

import dev.basalt.internal.env.CrashPoint;
import dev.basalt.internal.env.CrashPoints;
import dev.basalt.internal.env.FileHandle;
import dev.basalt.internal.env.FileIo;
import dev.basalt.internal.env.InterruptSafeChannel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.agrona.DirectBuffer;
import org.agrona.collections.IntArrayList;

/**
 * Opening the log: clears what an interrupted run left (temporary files, a half-finished
 * compaction, hints without a segment), replays every sealed segment from its hint file (or a
 * rescan, rewriting the hint, when the hint does not verify), scans the newest segment, cuts its
 * torn tail and hands it to the log as the active segment. Every intact record goes to the sink;
 * every damaged range to the report. Used once per open, before any reader or writer exists.
 */
final class LogRecovery {
    private static final System.Logger LOG = System.getLogger(LogRecovery.class.getName());

    private final SegmentLog log;
    private final FileIo io;
    private final Path dir;
    private final long storeId;
    private final long newSegmentCapacityBytes;
    private final RecoverySink sink;
    private final RecoveryReport report;

    LogRecovery(SegmentLog log, FileIo io, Path dir, long storeId, long newSegmentCapacityBytes, RecoverySink sink,
            RecoveryReport report) {
        this.log = log;
        this.io = io;
        this.dir = dir;
        this.storeId = storeId;
        this.newSegmentCapacityBytes = newSegmentCapacityBytes;
        this.sink = sink;
        this.report = report;
    }

    void run() throws IOException {
        deleteTemporaryFiles();
        long[] finished = CompactionCommit.finishIfPresent(io, dir, storeId);
        if (finished.length > 0) {
            report.warn("finished an interrupted compaction: deleted " + finished.length + " compacted segments");
        }
        deleteOrphanHints();
        List<Long> ids = segmentIds();
        for (int i = 0; i < ids.size(); i++) {
            if (i < ids.size() - 1) {
                recoverSealed(ids.get(i));
            } else {
                recoverActive(ids.get(i));
            }
        }
    }

    private void deleteTemporaryFiles() throws IOException {
        for (Path temp : io.list(dir, "*" + TEMP_SUFFIX)) {
            io.deleteIfExists(temp);
            report.warn("deleted leftover temporary file " + temp);
        }
    }

    /** A hint whose segment is gone (a compaction deleted the segment first) is garbage. */
    private void deleteOrphanHints() throws IOException {
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
            long id = segmentIdOf(file.getFileName().toString(), SEGMENT_SUFFIX);
            if (id != NOT_A_SEGMENT) {
                ids.add(id);
            }
        }
        ids.sort(null);
        return ids;
    }

    private void recoverSealed(long id) throws IOException {
        Path file = dir.resolve(segmentFileName(id));
        long capacity = io.size(file);
        if (capacity < SEGMENT_HEADER_LENGTH + RECORD_HEADER_LENGTH) {
            report.corrupt(file, 0, capacity, "segment file is " + capacity + " bytes, shorter than a header and one"
                    + " record (" + (SEGMENT_HEADER_LENGTH + RECORD_HEADER_LENGTH) + "); skipped");
            return;
        }
        Segment segment = Segment.map(io, file, id, capacity, Checksums.mask(storeId, id), capacity);
        log.install(segment);
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
            dataEnd = scan(segment, capacity, rebuilt);
            rebuilt.write(io, dir, storeId, id, dataEnd);
            CrashPoints.hit(CrashPoint.RECOVERY_HINT_REWRITTEN);
        }
        log.recovered(segment, dataEnd);
    }

    /**
     * Scans a segment into the sink and {@code hints}; returns where its data ends. The records
     * of a write batch are held back until the batch's last record is seen: a batch cut short
     * (a crash during its append, or damage inside it) is never replayed in part. A batch still
     * open at the end of the scan ends the data before its first record, so the active
     * segment's tail cut removes it.
     */
    private long scan(Segment segment, long limit, HintFile.Builder hints) {
        long id = segment.id();
        IntArrayList held = new IntArrayList();
        int[] nextFollowing = {0};
        long validEnd = SegmentScanner.scan(segment.buffer(), limit, segment.mask(), new SegmentScanner.Listener() {
            @Override
            public void record(DirectBuffer buffer, int offset) {
                short flags = Records.batchFlags(buffer, offset);
                int following = Records.batchFollowing(buffer, offset);
                if ((flags & LogFormat.BATCH_MEMBER) == 0) {
                    dropIncompleteBatch(segment, held, offset);
                    replay(id, buffer, offset, hints);
                    return;
                }
                boolean continues = !held.isEmpty() && following == nextFollowing[0];
                if ((flags & LogFormat.BATCH_FIRST) != 0 || !continues) {
                    dropIncompleteBatch(segment, held, offset);
                }
                if ((flags & LogFormat.BATCH_FIRST) == 0 && held.isEmpty()) {
                    report.corrupt(segment.path(), offset, Records.length(buffer, offset),
                            "write batch record whose earlier records are missing; not replayed");
                    return;
                }
                held.addInt(offset);
                nextFollowing[0] = following - 1;
                if (following == 0) {
                    for (int i = 0; i < held.size(); i++) {
                        replay(id, buffer, held.getInt(i), hints);
                    }
                    held.clear();
                }
            }

            @Override
            public void corrupt(int offset, int length, String reason) {
                report.corrupt(segment.path(), offset, length, reason);
                // Reported, not logged: the store logs each damaged range of the report once at open.
            }
        });
        if (held.isEmpty()) {
            return validEnd;
        }
        int batchStart = held.getInt(0);
        LOG.log(System.Logger.Level.WARNING, "dropped a write batch cut short at the end of {0}: {1} records from"
                + " offset {2}", segment.path(), held.size(), batchStart);
        return batchStart;
    }

    private void dropIncompleteBatch(Segment segment, IntArrayList held, int nextOffset) {
        if (held.isEmpty()) {
            return;
        }
        int start = held.getInt(0);
        report.corrupt(segment.path(), start, nextOffset - start, "write batch of which only " + held.size()
                + " records are intact; none of it is replayed");
        held.clear();
    }

    private void replay(long id, DirectBuffer buffer, int offset, HintFile.Builder hints) {
        CrashPoints.hit(CrashPoint.RECOVERY_SCAN_RECORD);
        hints.add(buffer, offset, offset);
        sink.accept(Locations.of(id, offset), Records.type(buffer, offset), Records.sequence(buffer, offset),
                Records.expirationEpochSeconds(buffer, offset), Records.length(buffer, offset), buffer,
                Records.namespaceOffset(offset), Records.namespaceLength(buffer, offset),
                Records.keyLength(buffer, offset));
    }

    /**
     * Recovers the active segment: scan it, then cut everything after the last intact record
     * and extend the file back to its capacity with zeros, so that nothing torn or stale
     * remains past the end. The scan's mapping is released before the truncation (never
     * truncate a mapped file) and a fresh one made after it.
     */
    private void recoverActive(long id) throws IOException {
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
        log.install(scanMap);
        HintFile.Builder hints = new HintFile.Builder();
        long dataEnd;
        try {
            String headerProblem = SegmentHeader.check(scanMap.buffer(), file, storeId, id);
            if (headerProblem != null) {
                report.corrupt(file, 0, SEGMENT_HEADER_LENGTH, headerProblem);
            }
            dataEnd = scan(scanMap, cleanCloseDataEnd(id, capacity), hints);
        } finally {
            log.uninstall(scanMap);
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
        log.install(segment);
        log.recoveredActive(segment, channel, hints, dataEnd);
    }

    /**
     * Where the active segment's scan may stop. After a clean close its hint file records the
     * end of the data, so the scan (which still checks every record) need not walk the zero
     * tail of a large preallocated segment (seconds at 1 GiB). The hint is deleted here, before
     * any new append, so that after a crash it can never describe an end that has moved on;
     * without one the scan covers the whole capacity.
     */
    private long cleanCloseDataEnd(long id, long capacity) throws IOException {
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
}
