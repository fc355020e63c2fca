package dev.basalt.internal.log;

import static dev.basalt.internal.env.Limits.*;
import static dev.basalt.internal.log.LogFormat.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hint files: written when a segment is sealed, trusted on reopen only when every check passes,
 * otherwise ignored with a warning, the segment rescanned and the hint written again.
 */
class HintFileTest {
    private static final long SEGMENT_BYTES = 16 * 1024;

    @TempDir
    Path dir;

    /**
     * A sealed segment's hint is not written by the roll (under the append lock) but by the next
     * {@code writeSealedHints} (the store's background thread), and the active segment gets none.
     */
    @Test
    void hintIsWrittenAfterASegmentIsSealedAndOnlyThen() throws IOException {
        try (LogFixture log = LogFixture.open(dir, SEGMENT_BYTES)) {
            int records = 0;
            while (log.log.segmentCount() < 2) {
                assertThat(log.hintFile(1)).as("no hint for the active segment").doesNotExist();
                log.put("NS", "key-" + records++, "v".repeat(1000));
            }
            int inFirst = records - 1; // the last put rolled to segment 2
            assertThat(log.hintFile(1)).as("left to the background by the roll").doesNotExist();

            assertThat(log.log.writeSealedHints()).isEqualTo(1);
            assertThat(log.hintFile(1)).exists();
            assertThat(log.hintFile(2)).doesNotExist();
            // header, one entry per record (32 bytes + "NS" + "key-N", padded to 8), trailer
            long entries = 0;
            for (int i = 0; i < inFirst; i++) {
                entries += align(HINT_ENTRY_FIXED_LENGTH + 2 + ("key-" + i).length());
            }
            assertThat(Files.size(log.hintFile(1))).isEqualTo(HINT_HEADER_LENGTH + entries + HINT_TRAILER_LENGTH);
        }
    }

    /** Pending hints are bounded: a roll that finds too many writes the oldest itself; the close writes the rest. */
    @Test
    void aRollWritesTheOldestPendingHintWhenTooManyWaitAndTheCloseWritesTheRest() throws IOException {
        try (LogFixture log = LogFixture.open(dir, SEGMENT_BYTES)) {
            int records = 0;
            while (log.log.segmentCount() < SealedHints.MAX_PENDING + 1) {
                log.put("NS", "key-" + records++, "v".repeat(1000));
            }
            assertThat(log.hintFile(1)).as("two pending: still left to the background").doesNotExist();
            while (log.log.segmentCount() < SealedHints.MAX_PENDING + 2) {
                log.put("NS", "key-" + records++, "v".repeat(1000));
            }
            assertThat(log.hintFile(1)).as("a third pending: the roll wrote the oldest").exists();
            assertThat(log.hintFile(2)).doesNotExist();
            assertThat(log.hintFile(3)).doesNotExist();
        }
        assertThat(dir.resolve(hintFileName(2))).as("written by the close").exists();
        assertThat(dir.resolve(hintFileName(3))).exists();
    }

    /** A segment compacted away before its hint was written gets none: no orphan hint file. */
    @Test
    void aSegmentRetiredBeforeItsHintIsWrittenGetsNone() throws IOException {
        try (LogFixture log = LogFixture.open(dir, SEGMENT_BYTES)) {
            int records = 0;
            while (log.log.segmentCount() < 2) {
                log.put("NS", "key-" + records++, "v".repeat(1000));
            }
            log.log.retire(List.of(log.log.segment(1)));
            assertThat(log.log.writeSealedHints()).as("taken off the list").isEqualTo(1);
            assertThat(log.hintFile(1)).doesNotExist();
            assertThat(dir.resolve(segmentFileName(1))).doesNotExist();
        }
    }

    /**
     * A published checkpoint's segments need no hints: those written are deleted, a pending one
     * is not written, the hint of the segment that was active at the capture stays needed, and
     * a segment sealed after the capture still gets its hint.
     */
    @Test
    void aPublishedCheckpointDropsTheHintsOfTheSegmentsItCoversWhole() throws IOException {
        try (LogFixture log = LogFixture.open(dir, SEGMENT_BYTES)) {
            int records = 0;
            while (log.log.segmentCount() < 3) {
                log.put("NS", "key-" + records++, "v".repeat(1000));
            }
            assertThat(log.log.writeSealedHints()).as("hints of segments 1 and 2").isEqualTo(2);
            while (log.log.segmentCount() < 4) {
                log.put("NS", "key-" + records++, "v".repeat(1000));
            }
            // Captured now: segments 1 to 3 sealed, 4 active. Segment 3's hint is still pending.
            CoveredLog covered = log.log.coveredLog(-1);
            assertThat(covered.activeSegmentId()).isEqualTo(4);
            while (log.log.segmentCount() < 5) {
                log.put("NS", "key-" + records++, "v".repeat(1000));
            }

            log.log.checkpointPublished(covered);
            assertThat(log.hintFile(1)).as("written, then deleted by the publish").doesNotExist();
            assertThat(log.hintFile(2)).doesNotExist();
            assertThat(log.log.writeSealedHints()).as("3 and 4 taken off the list").isEqualTo(2);
            assertThat(log.hintFile(3)).as("pending and covered whole: not written").doesNotExist();
            assertThat(log.hintFile(4)).as("active at the capture: its tail is not covered").exists();
        }
    }

    /**
     * An open from a checkpoint is told about how long its tail is before it replays it: the bytes
     * past the covered end at the hints' average record size, each segment measured to its hinted
     * end or, without a hint, to where its zeros start. With records of one size it is off by less
     * than a page's worth per segment, hints or not.
     */
    @Test
    void anOpenFromACheckpointEstimatesItsTailToAFewRecords() throws IOException {
        assertTailEstimated(false);
    }

    /** As {@link #anOpenFromACheckpointEstimatesItsTailToAFewRecords}, after a kill that left no hint. */
    @Test
    void anOpenFromACheckpointEstimatesItsTailWithoutHints() throws IOException {
        assertTailEstimated(true);
    }

    private void assertTailEstimated(boolean withoutHints) throws IOException {
        CoveredLog covered;
        try (LogFixture log = LogFixture.open(dir, SEGMENT_BYTES)) {
            int records = 0;
            while (log.log.segmentCount() < 2) {
                log.put("NS", "key-" + records++, "v".repeat(1000));
            }
            for (int i = 0; i < 5; i++) {
                log.put("NS", "key-" + records++, "v".repeat(1000));
            }
            covered = log.log.coveredLog(-1); // mid segment 2
            while (log.log.segmentCount() < 5) {
                log.put("NS", "key-" + records++, "v".repeat(1000));
            }
            for (int i = 0; i < 3; i++) {
                log.put("NS", "key-" + records++, "v".repeat(1000));
            }
            log.log.writeSealedHints();
        }
        if (withoutHints) {
            for (int id = 1; id <= 5; id++) {
                Files.deleteIfExists(dir.resolve(hintFileName(id))); // the active one's from the close too
            }
        }
        CollectingSink sink = new CollectingSink();
        SegmentLog reopened = SegmentLog.create(dev.basalt.internal.env.FileIo.real(), dir, LogFixture.STORE_ID,
                SEGMENT_BYTES);
        try {
            assertThat(reopened.recover(sink, new RecoveryReport(), covered)).as("the checkpoint is used").isNull();
        } finally {
            reopened.close();
        }
        int delivered = sink.entries.size();
        int recordsPerPage = 4;
        assertThat(delivered).as("the tail: from mid segment 2 to 3 records into segment 5").isGreaterThan(30);
        assertThat(sink.tailAhead).as("off by less than a page's records a segment")
                .isBetween((long) delivered - 4 * recordsPerPage, (long) delivered + 4 * recordsPerPage);
    }

    @Test
    void recoveryFromHintsDeliversExactlyWhatAFullScanDelivers() throws IOException {
        fillThreeSegments();
        List<CollectingSink.Entry> fromHints;
        try (LogFixture log = LogFixture.open(dir, SEGMENT_BYTES)) {
            fromHints = log.recovered.entries;
            assertThat(log.report.warnings()).isEmpty();
        }
        byte[] hint1 = Files.readAllBytes(dir.resolve(hintFileName(1)));
        Files.delete(dir.resolve(hintFileName(1)));
        Files.delete(dir.resolve(hintFileName(2)));

        try (LogFixture log = LogFixture.open(dir, SEGMENT_BYTES)) {
            assertThat(log.recovered.entries).isEqualTo(fromHints);
            assertThat(log.report.warnings()).as("a missing hint is no problem, only start-up time").isEmpty();
        }
        assertThat(Files.readAllBytes(dir.resolve(hintFileName(1)))).as("the hint is written again, identical")
                .isEqualTo(hint1);
        assertThat(dir.resolve(hintFileName(2))).exists();
    }

    @Test
    void hintIsTrustedSoOpeningDoesNotReadValuesOfSealedSegments() throws IOException {
        long victim = fillThreeSegments().get(3).location();
        Path segment = dir.resolve(segmentFileName(1));
        LogFixture probe = LogFixture.open(dir, SEGMENT_BYTES);
        int valueOffset;
        int recordLength;
        try {
            valueOffset = Records.valueOffset(probe.log.segment(1).buffer(), Locations.offset(victim));
            recordLength = Records.length(probe.log.segment(1).buffer(), Locations.offset(victim));
        } finally {
            probe.close();
        }
        FileBytes.flipBit(segment, valueOffset + 10, 4);

        try (LogFixture log = LogFixture.open(dir, SEGMENT_BYTES)) {
            assertThat(log.recovered.entries).as("from the hint: values are not read")
                    .anyMatch(e -> e.location() == victim);
            assertThat(log.report.corruptRecords()).isEmpty();
        }
        Files.delete(dir.resolve(hintFileName(1)));
        try (LogFixture log = LogFixture.open(dir, SEGMENT_BYTES)) {
            assertThat(log.recovered.entries).as("a scan checks the body").noneMatch(e -> e.location() == victim);
            assertThat(log.report.corruptRecords()).containsExactly(new RecoveryReport.Damage(segment,
                    Locations.offset(victim), recordLength, "body checksum mismatch"));
        }
    }

    @Test
    void hintWithOneFlippedBitIsIgnoredWithAWarningAndRewritten() throws IOException {
        List<CollectingSink.Entry> expected = fillThreeSegments();
        Path hint = dir.resolve(hintFileName(1));
        byte[] intact = Files.readAllBytes(hint);
        FileBytes.flipBit(hint, HINT_HEADER_LENGTH + HINT_ENTRY_SEQUENCE_OFFSET, 0); // first entry's sequence

        try (LogFixture log = LogFixture.open(dir, SEGMENT_BYTES)) {
            assertThat(log.recovered.entries).isEqualTo(expected);
            assertThat(log.report.warnings()).singleElement().asString()
                    .startsWith("hint file ignored, segment rescanned")
                    .contains(hint.toString())
                    .contains("crc=");
        }
        assertThat(Files.readAllBytes(hint)).isEqualTo(intact);
        try (LogFixture log = LogFixture.open(dir, SEGMENT_BYTES)) {
            assertThat(log.report.warnings()).as("the rewritten hint is trusted").isEmpty();
            assertThat(log.recovered.entries).isEqualTo(expected);
        }
    }

    @Test
    void hintOfAnotherSegmentIsRejected() throws IOException {
        List<CollectingSink.Entry> expected = fillThreeSegments();
        Files.copy(dir.resolve(hintFileName(1)), dir.resolve(hintFileName(2)),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        try (LogFixture log = LogFixture.open(dir, SEGMENT_BYTES)) {
            assertThat(log.recovered.entries).isEqualTo(expected);
            assertThat(log.report.warnings()).singleElement().asString().contains(hintFileName(2));
        }
    }

    @Test
    void hintOfAnotherStoreIsRejected() {
        fillThreeSegments();
        List<String> problems = new ArrayList<>();

        long dataEnd = HintFile.read(dir.resolve(hintFileName(1)), ~LogFixture.STORE_ID, 1, SEGMENT_BYTES,
                (type, sequence, expiration, offset, length, names, namesOffset, nsLength, keyLength) -> {
                    throw new AssertionError("no entry of a rejected hint is visited");
                }, problems::add);

        assertThat(dataEnd).isEqualTo(-1);
        assertThat(problems).hasSize(1);
    }

    @Test
    void truncatedHintIsRejected() throws IOException {
        List<CollectingSink.Entry> expected = fillThreeSegments();
        Path hint = dir.resolve(hintFileName(1));
        FileBytes.truncate(hint, Files.size(hint) - HINT_TRAILER_LENGTH);

        try (LogFixture log = LogFixture.open(dir, SEGMENT_BYTES)) {
            assertThat(log.recovered.entries).isEqualTo(expected);
            assertThat(log.report.warnings()).singleElement().asString().contains(hint.toString());
        }
    }

    @Test
    void everySingleBitFlipOfAHintFileIsRejected() throws IOException {
        try (LogFixture log = LogFixture.open(dir, SEGMENT_BYTES)) {
            for (int i = 0; log.log.segmentCount() < 2; i++) {
                log.put("NS", "key-" + i, "v".repeat(5000)); // three records fill a segment: a small hint
            }
        }
        Path hint = dir.resolve(hintFileName(1));
        byte[] intact = Files.readAllBytes(hint);
        assertThat(readHint(hint, new ArrayList<>())).isPositive();

        java.util.SortedSet<Integer> acceptedBytes = new java.util.TreeSet<>();
        for (int bit = 0; bit < intact.length * 8; bit++) {
            byte[] flipped = intact.clone();
            flipped[bit / 8] ^= (byte) (1 << bit % 8);
            Files.write(hint, flipped);
            List<String> problems = new ArrayList<>();
            if (readHint(hint, problems) >= 0 || problems.isEmpty()) {
                acceptedBytes.add(bit / 8);
            }
        }

        assertThat(acceptedBytes).as("offsets of bytes (in a %d-byte hint file) where a flipped bit is let through",
                intact.length).isEmpty();
    }

    private long readHint(Path hint, List<String> problems) {
        return HintFile.read(hint, LogFixture.STORE_ID, 1, SEGMENT_BYTES,
                (type, sequence, expiration, offset, length, names, namesOffset, nsLength, keyLength) -> {
                }, problems::add);
    }

    /** Segments 1 and 2 sealed with their hints, 3 active; returns what a reopen recovers. */
    private List<CollectingSink.Entry> fillThreeSegments() {
        try (LogFixture log = LogFixture.open(dir, SEGMENT_BYTES)) {
            log.append(TYPE_NAMESPACE_CREATE, NO_EXPIRATION, "NS", null);
            for (int i = 0; log.log.segmentCount() < 3; i++) {
                log.put("NS", "key-" + i, "value-" + i + "-" + "v".repeat(i % 7 * 300));
                if (i % 5 == 4) {
                    log.append(TYPE_TOMBSTONE, NO_EXPIRATION, "NS", "key-" + (i - 2));
                }
            }
            log.log.force();
        }
        try (LogFixture log = LogFixture.open(dir, SEGMENT_BYTES)) {
            return log.recovered.entries;
        }
    }
}
