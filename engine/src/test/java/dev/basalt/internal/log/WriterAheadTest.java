package dev.basalt.internal.log;

import static dev.basalt.internal.log.SegmentImage.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.internal.env.FileIo;
import dev.basalt.internal.env.Limits;
import dev.basalt.testing.TestFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * What a writer leaves to another thread ({@link WriterAhead}): the next hint chunk allocated,
 * and the mapped segment's pages backed by zeros ahead of it. The zeros are written beside the
 * writer's copies into the same file, so the test that matters is the race: a thread preparing
 * ahead without pause while a writer appends across several segments, and every record intact.
 */
class WriterAheadTest {
    private static final long STORE_ID = SegmentImage.STORE_ID;
    private static final int SEGMENT_BYTES = 8 << 20;

    @Test
    void theWriterTakesThePreparedChunkAndAllocatesWhenNoneIs() {
        SpareChunk spare = new SpareChunk();
        assertThat(spare.ready()).isFalse();
        spare.prepare();
        assertThat(spare.ready()).isTrue();
        UnsafeBuffer prepared = spare.take();
        assertThat(spare.ready()).as("taken").isFalse();
        assertThat(prepared.capacity()).isEqualTo(EntryChunks.DEFAULT_CHUNK_BYTES);
        UnsafeBuffer own = spare.take();
        assertThat(own).as("allocated by the taker when none was ready").isNotSameAs(prepared);
        assertThat(own.capacity()).isEqualTo(EntryChunks.DEFAULT_CHUNK_BYTES);
    }

    @Test
    void theWriterAsksForWorkWhenItsChunkIsTakenOrItsBackedPagesRunLow() throws IOException {
        Path dir = Files.createTempDirectory("basalt-writer-ahead");
        SegmentLog log = SegmentLog.create(FileIo.real(), dir, STORE_ID, SEGMENT_BYTES, true);
        try {
            log.recover(new CollectingSink(), new RecoveryReport());
            AtomicInteger asked = new AtomicInteger();
            log.ahead().onPrepareWanted(asked::incrementAndGet);
            append(log, 1, 100);
            assertThat(asked.get()).as("no chunk was ready: asked at every append").isEqualTo(1);
            log.prepareAhead();
            int before = asked.get();
            append(log, 2, 100);
            assertThat(asked.get()).as("a chunk ready and the pages backed: not asked").isEqualTo(before);
        } finally {
            log.close();
            TestFiles.deleteRecursively(dir);
        }
    }

    @Test
    void backingAheadBesideTheWriterNeverOverwritesARecord() throws Exception {
        Path dir = Files.createTempDirectory("basalt-writer-ahead");
        int records = 150_000;
        SegmentLog log = SegmentLog.create(FileIo.real(), dir, STORE_ID, SEGMENT_BYTES, true);
        List<Long> locations = new ArrayList<>();
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger prepared = new AtomicInteger();
        try {
            log.recover(new CollectingSink(), new RecoveryReport());
            Thread ahead = new Thread(() -> {
                while (!done.get()) {
                    log.prepareAhead();
                    prepared.incrementAndGet();
                }
            }, "test-prepare-ahead");
            ahead.start();
            for (int i = 1; i <= records; i++) {
                locations.add(append(log, i, 120));
            }
            done.set(true);
            ahead.join();
            assertThat(log.segmentCount()).as("the writes rolled several times").isGreaterThanOrEqualTo(3);
            assertThat(prepared.get()).as("prepared beside the writer").isGreaterThan(100);
            for (int i = 1; i <= records; i++) {
                assertRecord(log, locations.get(i - 1), i);
            }
        } finally {
            done.set(true);
            log.close();
        }
        try {
            CollectingSink sink = new CollectingSink();
            RecoveryReport report = new RecoveryReport();
            SegmentLog reopened = SegmentLog.create(FileIo.real(), dir, STORE_ID, SEGMENT_BYTES, true);
            reopened.recover(sink, report);
            reopened.close();
            assertThat(report.corruptRecords()).as("no damage after a close and an open").isEmpty();
            assertThat(sink.entries).hasSize(records);
            for (int i = 0; i < records; i++) {
                assertThat(sink.entries.get(i).sequence()).isEqualTo(i + 1);
                assertThat(sink.entries.get(i).key()).isEqualTo("key-" + (i + 1));
            }
        } finally {
            TestFiles.deleteRecursively(dir);
        }
    }

    /**
     * The work-ahead thread is asked to force behind the writer at every eighth of a segment, and
     * at every quarter of that within the last eighth, so that the roll finds little unforced.
     */
    @Test
    void forceStepsAreFinerWithinTheLastEighthOfASegment() throws IOException {
        Path dir = Files.createTempDirectory("basalt-writer-ahead");
        long segmentBytes = 64L << 20;
        SegmentLog log = SegmentLog.create(FileIo.real(), dir, STORE_ID, segmentBytes, true);
        try {
            log.recover(new CollectingSink(), new RecoveryReport());
            AtomicInteger appending = new AtomicInteger();
            List<Integer> reportedDuring = new ArrayList<>();
            log.ahead().onForceStepAppended(() -> reportedDuring.add(appending.get()));
            List<Long> ends = new ArrayList<>();
            for (int i = 1; ; i++) {
                appending.set(i);
                long location = append(log, i, 1000);
                if (Locations.segmentId(location) != 1) {
                    break;
                }
                UnsafeBuffer segment = log.segment(1).buffer();
                ends.add(Locations.offset(location) + (long) Records.length(segment, Locations.offset(location)));
            }
            List<Long> crossed = new ArrayList<>();
            for (int i : reportedDuring) {
                if (i <= ends.size()) {
                    crossed.add(ends.get(i - 1) >> 20); // the MiB boundary the record's end passed
                }
            }
            assertThat(crossed).as("MiB boundaries reported in the first segment")
                    .containsExactly(8L, 16L, 24L, 32L, 40L, 48L, 56L, 58L, 60L, 62L);
        } finally {
            log.close();
            TestFiles.deleteRecursively(dir);
        }
    }

    private static long append(SegmentLog log, int i, int valueBytes) {
        byte[] value = value(i, valueBytes);
        return log.append(LogFormat.TYPE_PUT, i, Limits.NO_EXPIRATION, utf8("ns"), utf8("key-" + i), null,
                new UnsafeBuffer(value), 0, value.length);
    }

    private static byte[] value(int i, int valueBytes) {
        byte[] value = new byte[valueBytes];
        Arrays.fill(value, (byte) (1 + i % 251));
        return value;
    }

    private static void assertRecord(SegmentLog log, long location, int i) {
        UnsafeBuffer b = log.segment(Locations.segmentId(location)).buffer();
        int offset = Locations.offset(location);
        assertThat(Records.sequence(b, offset)).isEqualTo(i);
        byte[] value = new byte[Records.valueLength(b, offset)];
        b.getBytes(Records.valueOffset(b, offset), value);
        assertThat(value).as("record " + i).isEqualTo(value(i, value.length));
    }
}
