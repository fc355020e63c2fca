package dev.basalt.internal.log;

import static dev.basalt.internal.log.LogFormat.hintFileName;
import static dev.basalt.internal.log.LogFormat.segmentFileName;
import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.internal.env.FileIo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tail after a trusted checkpoint: its hinted records are read and checked against their
 * entries on the log's side of the replay, and reach the sink as checked when they agree; a
 * record that does not agree reaches it unchecked, for the sink's sweep to report. A full
 * replay checks none (its sweep checks every slot).
 */
class CheckedHintEntriesTest {
    private static final long SEGMENT_BYTES = 16 * 1024;

    @TempDir
    Path dir;

    private CoveredLog covered;
    /** Locations of every record put, in order. */
    private final List<Long> locations = new ArrayList<>();

    @BeforeEach
    void logWithACheckpointMidSegmentTwoAndHintedSegmentsAfterIt() throws IOException {
        try (LogFixture log = LogFixture.open(dir, SEGMENT_BYTES)) {
            while (log.log.segmentCount() < 2) {
                locations.add(log.put("NS", "key-" + locations.size(), "v".repeat(1000)));
            }
            for (int i = 0; i < 5; i++) {
                locations.add(log.put("NS", "key-" + locations.size(), "v".repeat(1000)));
            }
            covered = log.log.coveredLog(-1);
            while (log.log.segmentCount() < 5) {
                locations.add(log.put("NS", "key-" + locations.size(), "v".repeat(1000)));
            }
            for (int i = 0; i < 3; i++) {
                locations.add(log.put("NS", "key-" + locations.size(), "v".repeat(1000)));
            }
            log.log.writeSealedHints();
        }
    }

    @Test
    void everyIntactRecordOfTheTailReachesTheSinkChecked() throws IOException {
        CollectingSink sink = openFromTheCheckpoint(new RecoveryReport());

        assertThat(sink.entries).extracting(CollectingSink.Entry::segmentId).contains(2, 3, 4, 5);
        assertThat(sink.entries).extracting(CollectingSink.Entry::location)
                .as("the tail only").allMatch(location -> location >= locationOf(covered.activeDataEnd()));
        assertThat(sink.checked).as("hinted (segments 2 to 4) and scanned (5) alike").containsOnly(true);
    }

    @Test
    void aRecordWhoseKeyDisagreesWithItsHintEntryReachesTheSinkUnchecked() throws IOException {
        long victim = firstLocationIn(3);
        flipInRecord(victim, true);
        RecoveryReport report = new RecoveryReport();

        CollectingSink sink = openFromTheCheckpoint(report);

        for (int i = 0; i < sink.entries.size(); i++) {
            assertThat(sink.checked.get(i)).as("record at %x", sink.entries.get(i).location())
                    .isEqualTo(sink.entries.get(i).location() != victim);
        }
        assertThat(sink.entries).extracting(CollectingSink.Entry::location).as("still delivered, from its hint")
                .contains(victim);
        assertThat(report.corruptRecords()).as("reporting is the sweep's, which knows whether it still matters")
                .isEmpty();
    }

    @Test
    void aRecordWithADamagedValueStillReachesTheSinkCheckedAsItsHeaderAndKeyHold() throws IOException {
        long victim = firstLocationIn(4);
        flipInRecord(victim, false);

        CollectingSink sink = openFromTheCheckpoint(new RecoveryReport());

        assertThat(sink.entries).extracting(CollectingSink.Entry::location).contains(victim);
        assertThat(sink.checked).as("the body is for reads to verify, as before").containsOnly(true);
    }

    @Test
    void aFullReplayChecksNoHintedRecord() {
        try (LogFixture log = LogFixture.open(dir, SEGMENT_BYTES)) {
            for (int i = 0; i < log.recovered.entries.size(); i++) {
                assertThat(log.recovered.checked.get(i)).as("record %d", i)
                        .isEqualTo(log.recovered.entries.get(i).segmentId() == 5);
            }
        }
    }

    private CollectingSink openFromTheCheckpoint(RecoveryReport report) throws IOException {
        CollectingSink sink = new CollectingSink();
        SegmentLog reopened = SegmentLog.create(FileIo.real(), dir, LogFixture.STORE_ID, SEGMENT_BYTES);
        try {
            assertThat(reopened.recover(sink, report, covered)).as("the checkpoint is used").isNull();
            assertThat(dir.resolve(hintFileName(3))).as("segments after the checkpoint are hinted").exists();
        } finally {
            reopened.close();
        }
        return sink;
    }

    private long locationOf(long activeDataEnd) {
        return Locations.of(covered.activeSegmentId(), (int) activeDataEnd);
    }

    private long firstLocationIn(int segmentId) {
        return locations.stream().filter(l -> Locations.segmentId(l) == segmentId).findFirst().orElseThrow();
    }

    /** Flips a bit of the record's key (its last byte) or of its value (its tenth byte). */
    private void flipInRecord(long location, boolean inKey) {
        Path file = dir.resolve(segmentFileName(Locations.segmentId(location)));
        int offset = Locations.offset(location);
        UnsafeBuffer b = new UnsafeBuffer(FileBytes.read(file, offset, 4096));
        int at = inKey ? Records.keyOffset(b, 0) + Records.keyLength(b, 0) - 1 : Records.valueOffset(b, 0) + 10;
        FileBytes.flipBit(file, offset + at, 2);
    }
}
