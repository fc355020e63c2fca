package dev.basalt.internal.tooling;

import dev.basalt.internal.checkpoint.CheckpointContent;
import dev.basalt.internal.checkpoint.CheckpointFile;
import dev.basalt.internal.checkpoint.CheckpointRejected;
import dev.basalt.internal.env.FileIo;
import dev.basalt.internal.env.Limits;
import dev.basalt.internal.index.KeyHash;
import dev.basalt.internal.log.Checksums;
import dev.basalt.internal.log.CoveredLog;
import dev.basalt.internal.log.LogFormat;
import dev.basalt.internal.log.Locations;
import dev.basalt.internal.log.Records;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * {@code basalt verify}'s check of the checkpoint against the log: the file must read back whole
 * (every block's checksum, the counts, the order of the listed keys), and every key it indexes
 * must point at an intact put of that namespace in a segment it covers, whose key hashes to the
 * slot it sits in and is in the namespace's listing, flagged plain there only if the record has
 * no expiration and no metadata. Each disagreement is reported with the
 * checkpoint and the segment file and offset: the next open would serve what the checkpoint says,
 * which is why a disagreement is damage. A checkpoint that cannot be read back is damage too (the
 * open ignores it, so no data is at risk, but the file is wrong); one that the open would not use
 * (a segment it covers is gone or was changed) is a warning, and its keys are not checked.
 *
 * <p>Thread: single-threaded, read-only.
 */
final class CheckpointCheck {
    /** Stop listing disagreements after this many; the count says how many more. */
    private static final int MAX_REPORTED = 20;

    private final Path dir;
    private final Path file;
    private final List<Damage> damage;
    private long storeId;
    private long disagreements;

    private CheckpointCheck(Path dir, List<Damage> damage) {
        this.dir = dir;
        this.file = CheckpointFile.path(dir);
        this.damage = damage;
    }

    /**
     * Checks the directory's checkpoint, adding what disagrees to {@code damage}, and tells
     * {@code coveredWhole} the id of every segment a checkpoint the next open would use covers
     * whole (all it names but the last): their hint files are deleted when it is published, and
     * the open does not need them.
     *
     * @return a one-line summary for the report
     */
    static String check(Path dir, StoreIdentity identity, List<Damage> damage, Consumer<String> warnings,
            LongConsumer coveredWhole) throws IOException {
        if (!Files.exists(CheckpointFile.path(dir))) {
            return "none (the next open replays the log)";
        }
        if (!identity.known()) {
            return "not checked: the store id is unknown";
        }
        return new CheckpointCheck(dir, damage).run(identity.storeId(), warnings, coveredWhole);
    }

    private String run(long storeId, Consumer<String> warnings, LongConsumer coveredWhole)
            throws IOException {
        this.storeId = storeId;
        CheckpointContent checkpoint;
        try {
            checkpoint = CheckpointFile.read(FileIo.real(), dir, storeId);
        } catch (CheckpointRejected e) {
            damage.add(new Damage(file, 0, Math.max(1, Files.size(file)), "checkpoint rejected, the next open"
                    + " replays the log instead: " + e.getMessage()));
            return "rejected";
        }
        try {
            long keys = 0;
            for (CheckpointContent.Namespace ns : checkpoint.namespaces()) {
                keys += ns.index().size();
            }
            String unusable = unusableBecause(checkpoint.log());
            if (unusable != null) {
                warnings.accept("the checkpoint is not usable, the next open replays the whole log: " + unusable);
                return "not usable (" + unusable + "); " + keys + " keys in " + checkpoint.namespaces().size()
                        + " namespaces";
            }
            long[] covered = checkpoint.log().segmentIds();
            for (int i = 0; i < covered.length - 1; i++) {
                coveredWhole.accept(covered[i]);
            }
            String coverage = "covering the log up to " + LogFormat.segmentFileName(checkpoint.log().activeSegmentId())
                    + " offset " + checkpoint.log().activeDataEnd();
            checkEntries(checkpoint, storeId);
            if (disagreements > MAX_REPORTED) {
                damage.add(new Damage(file, 0, 1, (disagreements - MAX_REPORTED) + " more keys disagree with the log"));
            }
            return (disagreements == 0 ? "agrees with the log: " : disagreements + " keys disagree with the log; ")
                    + keys + " keys in " + checkpoint.namespaces().size() + " namespaces, " + coverage;
        } finally {
            checkpoint.free();
        }
    }

    /**
     * Why the next open would not load the checkpoint (as {@code LogRecovery} decides it), or
     * null: only a checkpoint the open would trust is checked key by key.
     */
    private String unusableBecause(CoveredLog log) throws IOException {
        long[] ids = log.segmentIds();
        for (int i = 0; i < ids.length; i++) {
            Path segment = dir.resolve(LogFormat.segmentFileName(ids[i]));
            if (!Files.exists(segment)) {
                return segment.getFileName() + ", which it covers, is gone";
            }
            if (Files.size(segment) < log.dataEnds()[i]) {
                return segment.getFileName() + " is shorter than the data end it covers";
            }
            // The segment that was active may have grown since; it must be unchanged only when
            // its clean-close hint says nothing was appended after the checkpoint.
            boolean unchangedSince = i < ids.length - 1 || cleanCloseEnd(ids[i]) == log.dataEnds()[i];
            if (unchangedSince && !log.unchangedSince(i, FileIo.real().lastModifiedNanos(segment))) {
                return segment.getFileName() + " changed after the checkpoint was written";
            }
        }
        return null;
    }

    /** The data end the segment's hint gives, or -1 without a hint that verifies. */
    private long cleanCloseEnd(long segmentId) throws IOException {
        Path segment = dir.resolve(LogFormat.segmentFileName(segmentId));
        return dev.basalt.internal.log.HintFile.read(dir.resolve(LogFormat.hintFileName(segmentId)), storeId,
                segmentId, Files.size(segment), (type, sequence, expiration, offset, length, names, nsOffset,
                        nsLength, keyLength) -> { }, problem -> { });
    }

    /** Every indexed key, segment by segment (each segment read once). */
    private void checkEntries(CheckpointContent checkpoint, long storeId) throws IOException {
        List<long[]> entries = new ArrayList<>(); // {location, namespace position, keyHash}
        List<CheckpointContent.Namespace> namespaces = checkpoint.namespaces();
        List<Set<String>> unlisted = new ArrayList<>();
        for (int i = 0; i < namespaces.size(); i++) {
            Set<String> keys = new HashSet<>();
            namespaces.get(i).unlisted().forEach((key, offset, length, location, plain) ->
                    keys.add(key.getStringWithoutLengthUtf8(offset, length)));
            unlisted.add(keys);
            int position = i;
            namespaces.get(i).index().forEach((keyHash, location) -> entries.add(new long[] {location, position,
                    keyHash}));
        }
        entries.sort((a, b) -> Long.compare(a[0], b[0]));
        ByteBuffer segmentBytes = null;
        int loadedSegment = -1;
        UnsafeBuffer segment = new UnsafeBuffer(0, 0);
        for (long[] entry : entries) {
            int segmentId = Locations.segmentId(entry[0]);
            Path segmentFile = dir.resolve(LogFormat.segmentFileName(segmentId));
            if (segmentId != loadedSegment) {
                if (!Files.exists(segmentFile)) {
                    disagree(segmentFile, Locations.offset(entry[0]), "the checkpoint indexes a key here, but the"
                            + " segment is gone");
                    continue;
                }
                segmentBytes = SegmentFiles.readAll(segmentFile, segmentBytes);
                segment.wrap(segmentBytes, 0, segmentBytes.limit());
                loadedSegment = segmentId;
            }
            CheckpointContent.Namespace ns = namespaces.get((int) entry[1]);
            String problem = problemAt(segment, Locations.offset(entry[0]), Checksums.mask(storeId, segmentId),
                    ns, unlisted.get((int) entry[1]), checkpoint.hashSeed(), entry[2]);
            if (problem != null) {
                disagree(segmentFile, Locations.offset(entry[0]), "namespace " + ns.name() + ": " + problem);
            }
        }
    }

    /** Null when the record at {@code offset} is the key the checkpoint says; else what is wrong. */
    private static String problemAt(UnsafeBuffer segment, int offset, int mask, CheckpointContent.Namespace ns,
            Set<String> unlisted, long hashSeed, long keyHash) {
        if (Records.checkHeader(segment, offset, segment.capacity(), mask) != Records.VALID) {
            return "the checkpoint indexes a record whose header does not verify";
        }
        if (!Records.bodyIsIntact(segment, offset, mask)) {
            return "the checkpoint indexes a record whose body does not verify";
        }
        if (Records.type(segment, offset) != LogFormat.TYPE_PUT) {
            return "the checkpoint indexes a record of type " + Records.type(segment, offset) + ", not a put";
        }
        byte[] name = ns.name().getBytes(StandardCharsets.UTF_8);
        int nsOffset = Records.namespaceOffset(segment, offset);
        if (Records.namespaceLength(segment, offset) != name.length
                || !segment.getStringWithoutLengthUtf8(nsOffset, name.length).equals(ns.name())) {
            return "the record belongs to another namespace";
        }
        int keyOffset = Records.keyOffset(segment, offset);
        int keyLength = Records.keyLength(segment, offset);
        if (KeyHash.hash(hashSeed, segment, keyOffset, keyLength) != keyHash) {
            return "the record's key does not hash to the slot the checkpoint holds it in";
        }
        if (!ns.listing().contains(segment, keyOffset, keyLength)
                && !unlisted.contains(segment.getStringWithoutLengthUtf8(keyOffset, keyLength))) {
            return "the key is indexed but neither in the checkpoint's listing nor among the keys it owes it";
        }
        if (ns.listing().isPlain(segment, keyOffset, keyLength)
                && (Records.expirationEpochSeconds(segment, offset) != Limits.NO_EXPIRATION
                        || Records.metadataLength(segment, offset) != 0)) {
            return "the checkpoint's listing flags the key plain, but its record has "
                    + (Records.metadataLength(segment, offset) != 0 ? "metadata" : "an expiration")
                    + " (a list page would leave it out)";
        }
        return null;
    }

    private void disagree(Path segmentFile, long offset, String reason) {
        disagreements++;
        if (disagreements <= MAX_REPORTED) {
            damage.add(new Damage(file, 0, 1, reason + " (" + segmentFile.getFileName() + " offset " + offset + ")"));
        }
    }
}
