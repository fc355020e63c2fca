package dev.basalt.internal.tooling;

import static dev.basalt.internal.log.LogFormat.*;

import dev.basalt.BasaltException;
import dev.basalt.internal.env.DirectoryLock;
import dev.basalt.internal.log.LogFormat;
import dev.basalt.internal.log.Records;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.agrona.DirectBuffer;
import org.agrona.collections.IntArrayList;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The read-only check behind {@code basalt verify}: STORE, every segment (header, every
 * record's two checksums, zeros after the last record), every hint file against its segment
 * (the sealed segments' and the one a clean close leaves for the active segment),
 * CURSOR_KEY, the COMPACTION_COMMIT of an unfinished compaction, and the CHECKPOINT against the
 * log ({@link CheckpointCheck}). It never writes, truncates or repairs.
 *
 * <p>Locking: a directory that an open {@code Basalt} holds is refused, never read behind its
 * back and never unlocked. When the directory has a {@code LOCK} file the check takes the lock
 * exactly as the engine does ({@link DirectoryLock}, so an engine that starts meanwhile fails
 * fast instead of recovering under the check) and releases it at the end. Taking it is the
 * only safe test: within one JVM, opening and closing a second channel on a locked file would
 * silently drop the holder's POSIX lock. A directory without {@code LOCK} has never been
 * opened by an engine and is read without one (taking it would mean creating the file).
 *
 * <p>Thread: each call is independent and single-threaded.
 */
public final class Verifier {
    private final Path dir;
    private final List<Damage> damage = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private final long[] recordsByType = new long[TYPE_NAMESPACE_DROP + 1];
    /** The current segment's intact records and damage, for its hint file's check. */
    private final IntArrayList recordOffsets = new IntArrayList();
    private final List<Damage> segmentDamage = new ArrayList<>();
    private ByteBuffer segmentBuffer;
    private int segmentsScanned;
    private long bytesScanned;
    private int hintFilesChecked;
    /** Sealed segments without a hint file; a warning unless the checkpoint covers them whole. */
    private final List<Long> sealedWithoutHint = new ArrayList<>();

    private Verifier(Path dir) {
        this.dir = dir;
    }

    /**
     * Checks the data directory {@code dir}.
     *
     * @throws IllegalArgumentException when {@code dir} is not a directory, or holds neither a
     *     STORE file nor segments (it is not a data directory)
     * @throws BasaltException when an open store holds the directory, or it cannot be read
     */
    public static VerifyReport verify(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("no data directory at " + dir.toAbsolutePath()
                    + (Files.exists(dir) ? " (it is not a directory)" : " (it does not exist)"));
        }
        if (!Files.exists(dir.resolve(LOCK_FILE))) {
            try {
                return new Verifier(dir.toRealPath()).run();
            } catch (IOException e) {
                throw new BasaltException("cannot resolve data directory " + dir + ": " + e, e);
            }
        }
        try (DirectoryLock lock = DirectoryLock.acquire(dev.basalt.internal.env.FileIo.real(), dir, LOCK_FILE)) {
            return new Verifier(lock.directory()).run();
        }
    }

    private VerifyReport run() {
        try {
            List<Long> ids = SegmentFiles.segmentIds(dir);
            StoreIdentity identity = StoreIdentity.read(dir);
            if (ids.isEmpty() && !identity.known() && !Files.exists(dir.resolve(STORE_FILE))) {
                throw new IllegalArgumentException(dir.toAbsolutePath() + " is not a Basalt data directory: it holds"
                        + " no STORE file and no segment files");
            }
            if (identity.problem() != null) {
                damage.add(identity.problem());
            }
            if (!identity.known()) {
                identity = identityFromSegments(ids, identity);
            }
            for (int i = 0; i < ids.size(); i++) {
                if (identity.known()) {
                    checkSegment(ids.get(i), i < ids.size() - 1, identity);
                } else {
                    Path file = dir.resolve(segmentFileName(ids.get(i)));
                    damage.add(new Damage(file, 0, Math.max(1, Files.size(file)), "records cannot be checked: the"
                            + " store id is unknown (STORE and every segment header are damaged)"));
                }
            }
            checkStrayFiles(ids);
            Damage commit = CompactionCommitCheck.check(dir, identity, warnings::add);
            if (commit != null) {
                damage.add(commit);
            }
            Damage cursorKey = CursorKeyCheck.check(dir, warnings::add);
            if (cursorKey != null) {
                damage.add(cursorKey);
            }
            Set<Long> coveredWhole = new HashSet<>();
            String checkpoint = CheckpointCheck.check(dir, identity, damage, warnings::add, coveredWhole::add);
            for (long id : sealedWithoutHint) {
                // A published checkpoint deletes the hints of the segments it covers whole.
                if (!coveredWhole.contains(id)) {
                    warnings.add(hintFileName(id) + " is missing; the next open rescans " + segmentFileName(id)
                            + " and writes it");
                }
            }
            return new VerifyReport(dir.toRealPath(), identity.source(), segmentsScanned, bytesScanned,
                    new VerifyReport.RecordCounts(recordsByType[TYPE_PUT], recordsByType[TYPE_TOMBSTONE],
                            recordsByType[TYPE_NAMESPACE_CREATE], recordsByType[TYPE_NAMESPACE_DROP]),
                    hintFilesChecked, checkpoint, damage, warnings);
        } catch (IOException e) {
            throw new BasaltException("cannot read data directory " + dir + ": " + e, e);
        }
    }

    /** Without STORE, the first segment header that checks names the store. */
    private StoreIdentity identityFromSegments(List<Long> ids, StoreIdentity missing) throws IOException {
        for (long id : ids) {
            Path file = dir.resolve(segmentFileName(id));
            segmentBuffer = SegmentFiles.readAll(file, segmentBuffer);
            UnsafeBuffer b = new UnsafeBuffer(segmentBuffer, 0, segmentBuffer.limit());
            if (StoreIdentity.headerIsIntact(b, segmentBuffer.limit())) {
                warnings.add("records were checked against the store id in the header of " + file.getFileName()
                        + " because STORE could not be read");
                return missing.withIdFrom(file.getFileName() + " header", StoreIdentity.storeIdInHeader(b));
            }
        }
        return missing;
    }

    private void checkSegment(long id, boolean sealed, StoreIdentity identity) throws IOException {
        Path file = dir.resolve(segmentFileName(id));
        segmentBuffer = SegmentFiles.readAll(file, segmentBuffer);
        int size = segmentBuffer.limit();
        UnsafeBuffer segment = new UnsafeBuffer(segmentBuffer, 0, Math.max(size, 0));
        segmentsScanned++;
        bytesScanned += size;
        recordOffsets.clear();
        segmentDamage.clear();
        long dataEnd = SegmentCheck.check(file, segment, size, identity.storeId(), id, new SegmentCheck.Listener() {
            @Override
            public void record(DirectBuffer buffer, int offset) {
                recordsByType[Records.type(buffer, offset)]++;
                recordOffsets.addInt(offset);
            }

            @Override
            public void damage(Damage found) {
                damage.add(found);
                segmentDamage.add(found);
            }
        });
        Path hint = dir.resolve(hintFileName(id));
        if (!Files.exists(hint)) {
            // The active segment has a hint only after a clean close; without one it is scanned whole.
            if (sealed) {
                sealedWithoutHint.add(id);
            }
            return;
        }
        // The active segment's hint (left by a clean close) matters as much: the next open scans
        // only up to its data end and cuts the segment there.
        hintFilesChecked++;
        HintCheck.check(hint, identity.storeId(), id, size, segment, recordOffsets, segmentDamage, dataEnd, damage);
    }

    private void checkStrayFiles(List<Long> ids) throws IOException {
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path file : stream) {
                String name = file.getFileName().toString();
                if (name.endsWith(TEMP_SUFFIX)) {
                    warnings.add(name + " is a leftover temporary file; the next open deletes it");
                } else if (name.endsWith(LogFormat.RETIRED_HINT_SUFFIX)) {
                    warnings.add(name + " is a hint an open set aside; the store deletes it in the background");
                } else if (name.endsWith(HINT_SUFFIX) && !hasSegment(name, ids)) {
                    warnings.add(name + " is a hint file without a segment (left by a compaction); the next open"
                            + " deletes it");
                }
            }
        }
    }

    private static boolean hasSegment(String hintName, List<Long> ids) {
        long id = LogFormat.segmentIdOf(hintName, HINT_SUFFIX);
        return id != LogFormat.NOT_A_SEGMENT && ids.contains(id);
    }
}
