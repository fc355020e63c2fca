package dev.basalt.internal.log;

import static dev.basalt.internal.log.SegmentImage.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.internal.env.FileIo;
import dev.basalt.internal.env.Limits;
import dev.basalt.testing.TestFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.stream.Stream;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The next segment's file made ahead of its roll ({@link SegmentFileAhead}): the roll publishes
 * that very file, a file the log passed by is deleted, and neither a close nor a crash leaves one
 * that an open would read.
 */
class SegmentFileAheadTest {
    private static final long STORE_ID = SegmentImage.STORE_ID;
    private static final int SEGMENT_BYTES = 8 << 20;
    private Path dir;

    @BeforeEach
    void createDirectory() throws IOException {
        dir = Files.createTempDirectory("basalt-segment-ahead");
    }

    @AfterEach
    void deleteDirectory() {
        TestFiles.deleteRecursively(dir);
    }

    @Test
    void theRollPublishesTheFileMadeAheadItself() throws IOException {
        SegmentLog log = SegmentLog.create(FileIo.real(), dir, STORE_ID, SEGMENT_BYTES, true);
        try {
            log.recover(new CollectingSink(), new RecoveryReport());
            int i = fillToTheLastQuarter(log);
            log.prepareAhead();
            Path made = dir.resolve("000000000002.seg.ahead.tmp");
            assertThat(made).exists();
            assertThat(Files.size(made)).as("extended to the capacity").isEqualTo(SEGMENT_BYTES);
            Object madeFile = fileKey(made);
            assertThat(log.ahead().nextSegment().wanted(2)).as("made: the writer asks no more").isFalse();
            while (Locations.segmentId(append(log, ++i)) == 1) {
                // fill segment 1
            }
            assertThat(made).as("renamed by the roll").doesNotExist();
            assertThat(fileKey(dir.resolve("000000000002.seg"))).as("the same file").isEqualTo(madeFile);
            assertThat(log.ahead().nextSegment().wanted(3)).as("the next one is wanted").isTrue();
        } finally {
            log.close();
        }
        CollectingSink sink = new CollectingSink();
        RecoveryReport report = reopen(sink);
        assertThat(report.corruptRecords()).isEmpty();
        assertThat(sink.entries.get(sink.entries.size() - 1).key()).as("the record in segment 2 is read")
                .isEqualTo("key-" + sink.entries.size());
    }

    @Test
    void aFileTheLogPassedByIsDeletedByTheNextMakeAndOnlyTheWantedOneIsTaken() {
        SegmentFileAhead ahead = new SegmentFileAhead(FileIo.real(), dir, STORE_ID, SEGMENT_BYTES);
        assertThat(ahead.wanted(2)).isTrue();
        ahead.make(2);
        assertThat(ahead.wanted(2)).isFalse();
        assertThat(temporaryFiles()).containsExactly("000000000002.seg.ahead.tmp");

        ahead.make(3); // a roll to 2 made its own file meanwhile
        assertThat(temporaryFiles()).containsExactly("000000000003.seg.ahead.tmp");
        assertThat(ahead.take(2)).as("not the one made").isNull();
        assertThat(ahead.take(3)).isEqualTo(dir.resolve("000000000003.seg.ahead.tmp"));
        assertThat(ahead.take(3)).as("taken once").isNull();

        ahead.make(3);
        assertThat(ahead.take(3)).as("tried once for an id, not again").isNull();
    }

    @Test
    void nothingIsMadeBeforeTheAppendsReachTheSegmentsLastQuarter() throws IOException {
        SegmentLog log = SegmentLog.create(FileIo.real(), dir, STORE_ID, SEGMENT_BYTES, true);
        try {
            log.recover(new CollectingSink(), new RecoveryReport());
            java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
            int i = 1;
            append(log, i);
            log.prepareAhead(); // the chunk and the backing: nothing else is wanted now
            log.ahead().onPrepareWanted(asked::incrementAndGet);
            while ((long) (i + 1) * 4100 < SEGMENT_BYTES / 2) {
                append(log, ++i);
            }
            log.prepareAhead();
            assertThat(temporaryFiles()).as("a store that never fills a segment has no file beside its log").isEmpty();
            int before = asked.get();
            fillToTheLastQuarter(log, i);
            assertThat(asked.get()).as("the writer asks once it reaches the last quarter").isGreaterThan(before);
            log.prepareAhead();
            assertThat(temporaryFiles()).containsExactly("000000000002.seg.ahead.tmp");
        } finally {
            log.close();
        }
    }

    @Test
    void theCloseDeletesAFileMadeAndNotTaken() throws IOException {
        SegmentLog log = SegmentLog.create(FileIo.real(), dir, STORE_ID, SEGMENT_BYTES, true);
        log.recover(new CollectingSink(), new RecoveryReport());
        fillToTheLastQuarter(log);
        log.prepareAhead();
        assertThat(temporaryFiles()).containsExactly("000000000002.seg.ahead.tmp");

        log.close();

        assertThat(temporaryFiles()).isEmpty();
    }

    @Test
    void anOpenDeletesAFileMadeAheadThatACrashLeftAndReadsNothingFromIt() throws IOException {
        SegmentLog log = SegmentLog.create(FileIo.real(), dir, STORE_ID, SEGMENT_BYTES, true);
        log.recover(new CollectingSink(), new RecoveryReport());
        append(log, 1);
        append(log, 2);
        log.close();
        // What a kill after SEGMENT_MADE_AHEAD leaves beside the log.
        ActiveSegment.makeFile(FileIo.real(), dir.resolve("000000000002.seg.ahead.tmp"), STORE_ID, 2, SEGMENT_BYTES);

        CollectingSink sink = new CollectingSink();
        RecoveryReport report = reopen(sink);

        assertThat(temporaryFiles()).isEmpty();
        assertThat(report.corruptRecords()).isEmpty();
        assertThat(sink.entries).extracting(CollectingSink.Entry::key).containsExactly("key-1", "key-2");
        assertThat(dir.resolve("000000000002.seg")).doesNotExist();
    }

    /** Appends records until the segment's last quarter is reached; returns the last record's number. */
    private static int fillToTheLastQuarter(SegmentLog log) {
        return fillToTheLastQuarter(log, 0);
    }

    private static int fillToTheLastQuarter(SegmentLog log, int after) {
        int i = after;
        long end;
        do {
            long location = append(log, ++i);
            end = Locations.offset(location) + 4100L;
        } while (end < SEGMENT_BYTES - SEGMENT_BYTES / 4);
        return i;
    }

    private RecoveryReport reopen(CollectingSink sink) {
        RecoveryReport report = new RecoveryReport();
        SegmentLog reopened = SegmentLog.create(FileIo.real(), dir, STORE_ID, SEGMENT_BYTES, true);
        reopened.recover(sink, report);
        reopened.close();
        return report;
    }

    private List<String> temporaryFiles() {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".tmp")).sorted().toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Object fileKey(Path file) throws IOException {
        return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
    }

    private static long append(SegmentLog log, int i) {
        byte[] value = new byte[4000];
        return log.append(LogFormat.TYPE_PUT, i, Limits.NO_EXPIRATION, utf8("ns"), utf8("key-" + i), null,
                new UnsafeBuffer(value), 0, value.length);
    }
}
