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

/**
 * Opening the log: clears what an interrupted run left (temporary files, a half-finished
 * compaction, hints without a segment), replays every sealed segment from its hint file (or a
 * rescan, rebuilding the hint, when the hint does not verify), scans the newest segment, cuts its
 * torn tail and hands it to the log as the active segment. Every intact record goes to the sink;
 * every damaged range to the report. Used once per open, before any reader or writer exists, on
 * the thread of a {@link ReplayHandoff}, which is its sink.
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

    /**
     * Opens the log. With {@code covered} (a checkpoint's view of the log), replays nothing when
     * the directory matches it exactly; otherwise replays everything.
     *
     * @return null when the checkpoint covered the log and nothing was replayed; else why not
     *     ("no checkpoint" when {@code covered} is null)
     */
    String run(CoveredLog covered) throws IOException {
        deleteTemporaryFiles();
        long[] finished = CompactionCommit.finishIfPresent(io, dir, storeId);
        if (finished.length > 0) {
            report.warn("finished an interrupted compaction: deleted " + finished.length + " compacted segments");
        }
        deleteOrphanHints();
        for (Path retired : io.list(dir, "*" + RETIRED_HINT_SUFFIX)) {
            log.sealedHints().retired(retired); // a crash came before the background thread deleted it
        }
        List<Long> ids = segmentIds();
        String uncovered = covered == null ? "no checkpoint" : new CoveredOpen(covered).tryOpen(ids);
        if (uncovered == null) {
            return null;
        }
        for (int i = 0; i < ids.size(); i++) {
            if (i < ids.size() - 1) {
                recoverSealed(ids.get(i), sink, CheckedHintEntries.NONE);
            } else {
                recoverActive(ids.get(i));
            }
        }
        return uncovered;
    }

    /**
     * The open that trusts a checkpoint for the part of the log it covers: maps the covered
     * segments without reading them and replays only what follows the covered end (the rest of
     * the segment that was active then, and every newer segment).
     */
    private final class CoveredOpen {
        private final CoveredLog covered;

        CoveredOpen(CoveredLog covered) {
            this.covered = covered;
        }

        /** Null when the log was opened from the checkpoint's view; else why it cannot be (nothing done). */
        String tryOpen(List<Long> ids) throws IOException {
            long[] coveredIds = covered.segmentIds();
            long activeId = covered.activeSegmentId();
            java.util.Set<Long> present = new java.util.HashSet<>(ids);
            for (int i = 0; i < coveredIds.length; i++) {
                Path file = dir.resolve(segmentFileName(coveredIds[i]));
                if (!present.contains(coveredIds[i])) {
                    return "segment " + file + ", which the checkpoint covers, is gone (compacted away)";
                }
                if (io.size(file) < covered.dataEnds()[i]) {
                    return file + " is " + io.size(file) + " bytes, shorter than the checkpoint's data end "
                            + covered.dataEnds()[i];
                }
            }
            List<Long> newer = new ArrayList<>();
            for (long id : ids) {
                if (id > activeId) {
                    newer.add(id);
                } else if (java.util.Arrays.binarySearch(coveredIds, id) < 0) {
                    return "segment " + segmentFileName(id) + " is older than the checkpoint but not covered by it";
                }
            }
            Path activeFile = dir.resolve(segmentFileName(activeId));
            long capacity = Math.max(io.size(activeFile), newSegmentCapacityBytes);
            Path activeHint = dir.resolve(hintFileName(activeId));
            long hintedEnd = -1;
            if (newer.isEmpty()) {
                hintedEnd = HintFile.readDataEnd(io, activeHint, storeId, activeId, capacity,
                        problem -> report.warn("active segment's hint ignored: " + problem));
                if (hintedEnd >= 0 && hintedEnd < covered.activeDataEnd()) {
                    return "the active segment's clean-close hint ends its data at " + hintedEnd
                            + ", before the checkpoint's end " + covered.activeDataEnd();
                }
            }
            // Sealed segments never change; the active one may have grown since. A modification
            // time that differs means the file changed behind the store's back: replay it all.
            int unchangedUpTo = hintedEnd == covered.activeDataEnd() ? coveredIds.length : coveredIds.length - 1;
            for (int i = 0; i < unchangedUpTo; i++) {
                Path file = dir.resolve(segmentFileName(coveredIds[i]));
                if (!covered.unchangedSince(i, io.lastModifiedNanos(file))) {
                    return file + " changed after the checkpoint was written (modified at "
                            + java.time.Instant.ofEpochSecond(0, io.lastModifiedNanos(file)) + ")";
                }
            }
            HintFile.Builder activeHints;
            try {
                activeHints = covered.activeHints().builder();
            } catch (IllegalArgumentException e) {
                return "the checkpoint's active hint entries: " + e.getMessage();
            }
            // A clean close forced the active segment and left a hint that ends its data where
            // the checkpoint ends, and the loop above found the file unmodified since: it is
            // trusted as a sealed segment is, by identity, size and time. Otherwise (a crash) its
            // covered part is checked record by record.
            boolean cleanlyClosed = newer.isEmpty() && hintedEnd == covered.activeDataEnd();
            String notHeld = checkActiveSegment(activeId, activeFile, capacity, cleanlyClosed);
            if (notHeld != null) {
                return notHeld;
            }
            sink.checkpointTrusted();
            for (int i = 0; i < coveredIds.length - 1; i++) {
                mapSealed(coveredIds[i], covered.dataEnds()[i]);
            }
            int from = (int) covered.activeDataEnd();
            if (!cleanlyClosed) {
                sink.tailAhead(tailEstimate(activeId, from, newer));
            }
            if (newer.isEmpty()) {
                setAsideAtFirstAppend(activeId);
                recoverActiveFrom(activeId, activeFile, capacity, from, hintedEnd >= 0 ? hintedEnd : capacity,
                        activeHints, cleanlyClosed);
                return null;
            }
            // Sealed since the checkpoint: its hint (or a rescan) gives every record; only those
            // at or after the covered end are new.
            recoverSealed(activeId, (location, type, sequence, expiration, length, names, nsOffset, nsLength,
                    keyLength, checked) -> {
                if (Locations.offset(location) >= from) {
                    sink.accept(location, type, sequence, expiration, length, names, nsOffset, nsLength, keyLength,
                            checked);
                }
            }, from);
            for (int i = 0; i < newer.size(); i++) {
                if (i < newer.size() - 1) {
                    recoverSealed(newer.get(i), sink, 0);
                } else {
                    recoverActive(newer.get(i));
                }
            }
            return null;
        }

        /**
         * {@link RecoverySink#tailAhead}'s estimate of the records after the checkpoint: the bytes
         * each segment holds past the covered end, to the end its hint states or, without one,
         * to where its zeros begin ({@link TailBytes#approximateDataEnd}), at the average record
         * size of the hints read, else of the checkpoint's part of its active segment; -1 without
         * either. Measured, not guessed: a kill leaves the last segment anywhere between empty and
         * full, and the hint of one sealed just before it may not be written yet, and an index
         * sized short for the keys the tail adds grows during the replay (twice at 1 M keys).
         */
        private long tailEstimate(long checkpointActiveId, int from, List<Long> newer) throws IOException {
            long tailBytes = 0;
            long hintedBytes = 0;
            long hintedRecords = 0;
            for (int i = -1; i < newer.size(); i++) {
                long id = i < 0 ? checkpointActiveId : newer.get(i);
                long start = i < 0 ? from : SEGMENT_HEADER_LENGTH;
                long[] stated = HintFile.statedCounts(io, dir.resolve(hintFileName(id)));
                long dataEnd;
                if (stated != null && stated[0] > SEGMENT_HEADER_LENGTH) {
                    dataEnd = stated[0];
                    hintedBytes += dataEnd - SEGMENT_HEADER_LENGTH;
                    hintedRecords += stated[1];
                } else {
                    dataEnd = TailBytes.approximateDataEnd(io, dir.resolve(segmentFileName(id)), start);
                }
                tailBytes += Math.max(0, dataEnd - start);
            }
            if (hintedRecords == 0 && covered.activeHints().count() > 0) {
                hintedBytes = covered.activeDataEnd() - SEGMENT_HEADER_LENGTH;
                hintedRecords = covered.activeHints().count();
            }
            return hintedRecords == 0 || hintedBytes <= 0 ? -1 : tailBytes * hintedRecords / hintedBytes;
        }

        /**
         * Refuses a wrong version or identity loudly, as the scan of a replay would, and reports a
         * damaged header. Returns why the segment does not hold, intact, what the checkpoint
         * covers (damage, or an end that came short, as when the file lost its tail), or null.
         * After a clean close only the header is checked.
         */
        private String checkActiveSegment(long id, Path file, long capacity, boolean cleanlyClosed)
                throws IOException {
            Segment view = Segment.map(io, file, id, capacity, Checksums.mask(storeId, id), 0);
            try {
                String headerProblem = SegmentHeader.check(view.buffer(), file, storeId, id);
                if (headerProblem != null) {
                    report.corrupt(file, 0, SEGMENT_HEADER_LENGTH, headerProblem);
                }
                if (cleanlyClosed) {
                    return null;
                }
                String problem = CoveredPartCheck.problem(view.buffer(), view.mask(), covered.activeDataEnd(),
                        Runtime.getRuntime().availableProcessors() >= 2);
                if (problem != null) {
                    return file + " does not hold intact what the checkpoint covers (" + problem + ")";
                }
                return null;
            } finally {
                view.release();
            }
        }

        private void mapSealed(long id, long dataEnd) throws IOException {
            Path file = dir.resolve(segmentFileName(id));
            long capacity = io.size(file);
            Segment segment = Segment.map(io, file, id, capacity, Checksums.mask(storeId, id), capacity);
            log.install(segment);
            String headerProblem = SegmentHeader.check(segment.buffer(), file, storeId, id);
            if (headerProblem != null) {
                report.corrupt(file, 0, SEGMENT_HEADER_LENGTH, headerProblem);
            }
            // Its hint may be gone: a published checkpoint deletes the hints of the segments it
            // covers ({@link SegmentLog#checkpointPublished}). An open that cannot use the
            // checkpoint rescans it.
            log.recovered(segment, dataEnd);
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

    /**
     * Replays sealed segment {@code id} into {@code into} from its hint file, the records at or
     * after {@code checkFrom} checked against their entries ({@link CheckedHintEntries}), or
     * by a scan without a usable hint.
     */
    private void recoverSealed(long id, RecoverySink into, int checkFrom) throws IOException {
        Path file = dir.resolve(segmentFileName(id));
        long capacity = io.size(file);
        if (capacity < SEGMENT_HEADER_LENGTH + FIXED_HEADER_LENGTH) {
            report.corrupt(file, 0, capacity, "segment file is " + capacity + " bytes, shorter than a header and one"
                    + " record (" + (SEGMENT_HEADER_LENGTH + FIXED_HEADER_LENGTH) + "); skipped");
            return;
        }
        Segment segment = Segment.map(io, file, id, capacity, Checksums.mask(storeId, id), capacity);
        log.install(segment);
        String headerProblem = SegmentHeader.check(segment.buffer(), file, storeId, id);
        if (headerProblem != null) {
            report.corrupt(file, 0, SEGMENT_HEADER_LENGTH, headerProblem);
        }
        Path hint = dir.resolve(hintFileName(id));
        long dataEnd = HintFile.read(io, hint, storeId, id, capacity, new CheckedHintEntries(segment, into, checkFrom),
                problem -> report.warn("hint file ignored, segment rescanned: " + problem));
        if (dataEnd >= 0) {
            log.recovered(segment, dataEnd);
            return;
        }
        // Without a usable hint the segment is scanned, and the hint the scan rebuilt is written
        // later, as a roll's is: writing it here cost a 1 M-key open after a kill 60 ms of 500.
        HintFile.Builder rebuilt = new HintFile.Builder();
        dataEnd = SegmentReplay.scan(segment, SEGMENT_HEADER_LENGTH, capacity, rebuilt, into, report);
        log.recovered(segment, dataEnd);
        log.sealedHints().addRebuilt(id, dataEnd, rebuilt, segmentId -> log.segment((int) segmentId) != null);
        CrashPoints.hit(CrashPoint.RECOVERY_HINT_REBUILT);
    }

    /**
     * Recovers the active segment: scan it, then cut everything after the last intact record
     * and extend the file back to its capacity with zeros, so that nothing torn or stale
     * remains past the end. The scan's mapping is released before the truncation (never
     * truncate a mapped file) and a fresh one made after it.
     */
    private void recoverActive(long id) throws IOException {
        Path file = dir.resolve(segmentFileName(id));
        long capacity = Math.max(io.size(file), newSegmentCapacityBytes);
        long hintedEnd = cleanCloseDataEnd(id, capacity);
        recoverActiveFrom(id, file, capacity, SEGMENT_HEADER_LENGTH, hintedEnd, new HintFile.Builder(),
                hintedEnd < capacity);
    }

    /**
     * {@link #recoverActive} from offset {@code from} on, with {@code hints} already holding the
     * entries of the records before it (a checkpoint's), scanning no further than {@code limit},
     * which is where a clean close ended the data when {@code cleanlyClosed}.
     */
    private void recoverActiveFrom(long id, Path file, long capacity, int from, long limit, HintFile.Builder hints,
            boolean cleanlyClosed) throws IOException {
        if (io.size(file) < capacity) {
            try (FileHandle extend = io.open(file, true)) {
                extend.writeFully(java.nio.ByteBuffer.allocate(1), capacity - 1);
            }
        }
        int mask = Checksums.mask(storeId, id);
        Segment scanMap = Segment.map(io, file, id, capacity, mask, 0);
        scanMap.publishDataEnd(capacity);
        log.install(scanMap);
        long dataEnd;
        try {
            String headerProblem = SegmentHeader.check(scanMap.buffer(), file, storeId, id);
            if (headerProblem != null && from == SEGMENT_HEADER_LENGTH) { // else checked already
                report.corrupt(file, 0, SEGMENT_HEADER_LENGTH, headerProblem);
            }
            dataEnd = SegmentReplay.scan(scanMap, from, limit, hints, sink, report);
        } finally {
            sink.settle(); // the sink may still be reading the records this mapping holds
            log.uninstall(scanMap);
            scanMap.release();
        }
        boolean intact = cleanlyClosed && dataEnd == limit && io.size(file) == capacity;
        readyActive(id, file, capacity, mask, dataEnd, hints, intact);
    }

    /**
     * Cuts the active segment at {@code dataEnd}, extends it back to its capacity with zeros and
     * hands it to the log for appends. A segment a clean close left {@code intact} (every record
     * up to its hinted end verified, the file at its capacity) is handed over as it is, unless
     * the bytes just past its end are not zeros: nothing past the end of a clean close's data was
     * ever written (an open cut and zeroed what a crash left, and appends since stopped at that
     * end), so there is nothing to cut, and an open after a clean close writes and forces nothing
     * (milliseconds of a 1 M-key open). Bytes there all the same (damage from outside) are cut
     * and reported as after a crash.
     */
    private void readyActive(long id, Path file, long capacity, int mask, long dataEnd, HintFile.Builder hints,
            boolean intact) throws IOException {
        if (io.size(file) < capacity) {
            try (FileHandle extend = io.open(file, true)) {
                extend.writeFully(java.nio.ByteBuffer.allocate(1), capacity - 1);
            }
        }
        long cut = TailBytes.nonZeroEnd(io, file, dataEnd, capacity);
        InterruptSafeChannel channel = new InterruptSafeChannel(io, file);
        if (intact && cut == dataEnd) {
            handOver(id, file, capacity, mask, dataEnd, hints, channel);
            return;
        }
        try {
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
        handOver(id, file, capacity, mask, dataEnd, hints, channel);
    }

    private void handOver(long id, Path file, long capacity, int mask, long dataEnd, HintFile.Builder hints,
            InterruptSafeChannel channel) throws IOException {
        Segment segment = Segment.map(io, file, id, capacity, mask, dataEnd);
        log.install(segment);
        log.recoveredActive(segment, channel, hints, dataEnd);
    }

    /**
     * Where the active segment's scan may stop. After a clean close its hint file records the
     * end of the data, so the scan (which still checks every record) need not walk the zero
     * tail of a large preallocated segment (seconds at 1 GiB). The hint is set aside before the
     * first append ({@link #setAsideAtFirstAppend}); without one the scan covers the whole capacity.
     */
    private long cleanCloseDataEnd(long id, long capacity) throws IOException {
        Path hint = dir.resolve(hintFileName(id));
        long hinted = HintFile.read(io, hint, storeId, id, capacity,
                (type, sequence, expiration, offset, length, names, namesOffset, nsLength, keyLength) -> { },
                problem -> report.warn("active segment's hint ignored: " + problem));
        setAsideAtFirstAppend(id);
        return hinted >= SEGMENT_HEADER_LENGTH ? hinted : capacity;
    }

    /**
     * Leaves the active segment's hint to be set aside before the first append
     * ({@link SealedHints#setAsideBeforeFirstAppend}), not here: an open writes nothing.
     */
    private void setAsideAtFirstAppend(long id) {
        if (io.exists(dir.resolve(hintFileName(id)))) {
            log.sealedHints().setAsideBeforeFirstAppend(id);
        }
    }
}
