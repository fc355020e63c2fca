package dev.basalt.internal.log;

import static dev.basalt.internal.env.Limits.*;
import static dev.basalt.internal.log.LogFormat.*;
import static dev.basalt.internal.log.SegmentImage.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.BasaltException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/** {@link SegmentLog} on real files: what an append leaves on disk and what a reopen makes of it. */
class SegmentLogRecoveryTest {
    private static final long SMALL_SEGMENT_BYTES = 16 * 1024;
    private static final long ONE_MIB = 1 << 20;
    /** The largest value BasaltOptions allows with 1 MiB segments: the segment less 1712 bytes. */
    private static final int LARGEST_VALUE_FOR_ONE_MIB = (int) ONE_MIB - 1712;

    @TempDir
    Path dir;

    @Test
    void everyRecordTypeRoundTripsThroughAppendAndReopen() {
        LogFixture log = LogFixture.open(dir, SMALL_SEGMENT_BYTES);
        try {
            long create = log.append(TYPE_NAMESPACE_CREATE, NO_EXPIRATION, "NS", null);
            long put = log.put("NS", "k", "{\"m\":1}", utf8("value"));
            long expiring = log.log.append(TYPE_PUT, 3, 1_900_000_000L, utf8("NS"), utf8("e"), null,
                    new UnsafeBuffer(utf8("soon")), 0, 4);
            long tombstone = log.log.append(TYPE_TOMBSTONE, 4, NO_EXPIRATION, utf8("NS"), utf8("k"), null, null, 0, 0);
            long drop = log.log.append(TYPE_NAMESPACE_DROP, 5, NO_EXPIRATION, utf8("NS"), null, null, null, 0, 0);
            log.log.force();

            log = log.reopen();

            assertThat(log.recovered.entries).containsExactly(
                    new CollectingSink.Entry(create, TYPE_NAMESPACE_CREATE, 1, NO_EXPIRATION, 32, "NS", ""),
                    new CollectingSink.Entry(put, TYPE_PUT, 2, NO_EXPIRATION,
                            recordLength(2, 1, 7, 5, NO_EXPIRATION, false), "NS", "k"),
                    new CollectingSink.Entry(expiring, TYPE_PUT, 3, 1_900_000_000L,
                            recordLength(2, 1, 0, 4, 1_900_000_000L, false), "NS", "e"),
                    new CollectingSink.Entry(tombstone, TYPE_TOMBSTONE, 4, NO_EXPIRATION, 32, "NS", "k"),
                    new CollectingSink.Entry(drop, TYPE_NAMESPACE_DROP, 5, NO_EXPIRATION, 32, "NS", ""));
            assertThat(log.valueAt(put)).isEqualTo(utf8("value"));
            assertThat(log.metadataAt(put)).isEqualTo("{\"m\":1}");
            assertThat(log.report.corruptRecords()).isEmpty();
            assertThat(log.report.warnings()).isEmpty();
            assertThat(log.report.tornTailBytes()).isZero();
        } finally {
            log.close();
        }
    }

    @Test
    void firstRecordOfANewLogIsAtTheEndOfTheSegmentHeader() {
        try (LogFixture log = LogFixture.open(dir, SMALL_SEGMENT_BYTES)) {
            long first = log.put("NS", "k", "v");

            assertThat(first).isEqualTo(Locations.of(1, SEGMENT_HEADER_LENGTH));
            assertThat(log.segmentFile(1)).hasSize(SMALL_SEGMENT_BYTES);
        }
    }

    @Test
    void largestKeyMetadataAndValueRoundTripInAOneMebibyteSegment() {
        String namespace = "N".repeat(MAX_NAMESPACE_BYTES);
        String key = "k".repeat(MAX_KEY_BYTES);
        String metadata = "{\"m\":\"" + "x".repeat(MAX_METADATA_BYTES - 8) + "\"}";
        byte[] value = new byte[LARGEST_VALUE_FOR_ONE_MIB];
        new Random(7).nextBytes(value);
        assertThat(utf8(metadata)).hasSize(MAX_METADATA_BYTES);

        LogFixture log = LogFixture.open(dir, ONE_MIB);
        try {
            log.put("NS", "small", "first"); // so that the largest record has to roll to a new segment
            long largest = log.put(namespace, key, metadata, value);
            log.log.force();
            assertThat(Locations.segmentId(largest)).isEqualTo(2);
            assertThat(Locations.offset(largest)).isEqualTo(SEGMENT_HEADER_LENGTH);

            log = log.reopen();

            assertThat(log.recovered.keys()).containsExactly("small", key);
            CollectingSink.Entry entry = log.recovered.entries.get(1);
            assertThat(entry.location()).isEqualTo(largest);
            assertThat(entry.namespace()).isEqualTo(namespace);
            assertThat(entry.recordLength()).isEqualTo(recordLength(64, 512, 1024, value.length, NO_EXPIRATION, false))
                    .isLessThanOrEqualTo((int) ONE_MIB - SEGMENT_HEADER_LENGTH);
            assertThat(log.valueAt(largest)).isEqualTo(value);
            assertThat(log.metadataAt(largest)).isEqualTo(metadata);
            assertThat(log.report.corruptRecords()).isEmpty();

            long next = log.put("NS", "after", "x");
            assertThat(Locations.segmentId(next)).as("the full segment rolls on the next append").isEqualTo(3);
        } finally {
            log.close();
        }
    }

    @Test
    void recordLargerThanASegmentIsRefusedWithoutSealingTheActiveSegment() {
        try (LogFixture log = LogFixture.open(dir, SMALL_SEGMENT_BYTES)) {
            log.put("NS", "k", "v");

            assertThatThrownBy(() -> log.put("NS", "huge", null, new byte[(int) SMALL_SEGMENT_BYTES]))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> log.put("NS", "huge", null, new byte[(int) SMALL_SEGMENT_BYTES]))
                    .isInstanceOf(IllegalArgumentException.class);

            assertThat(log.log.segmentCount()).as("a refused record must not roll the log").isEqualTo(1);
            assertThat(Locations.segmentId(log.put("NS", "k2", "v2"))).isEqualTo(1);
        }
    }

    @Test
    void leftoverTemporaryFilesAreDeletedOnOpen() throws IOException {
        try (LogFixture log = LogFixture.open(dir, SMALL_SEGMENT_BYTES)) {
            log.put("NS", "k", "v");
        }
        Path segmentTemp = Files.write(dir.resolve(segmentFileName(2) + TEMP_SUFFIX), new byte[100]);
        Path hintTemp = Files.write(dir.resolve(hintFileName(1) + TEMP_SUFFIX), new byte[10]);
        Path storeTemp = Files.write(dir.resolve(STORE_FILE + TEMP_SUFFIX), new byte[3]);

        try (LogFixture log = LogFixture.open(dir, SMALL_SEGMENT_BYTES)) {
            assertThat(segmentTemp).doesNotExist();
            assertThat(hintTemp).doesNotExist();
            assertThat(storeTemp).doesNotExist();
            assertThat(log.report.warnings()).hasSize(3).allMatch(w -> w.startsWith("deleted leftover temporary file"));
            assertThat(log.recovered.keys()).containsExactly("k");
            assertThat(log.log.segmentCount()).as("a temporary segment is never taken for a segment").isEqualTo(1);
        }
    }

    @Test
    void tornTailOfTheActiveSegmentIsCutAndZeroedOnOpen() {
        long dataEnd;
        try (LogFixture log = LogFixture.open(dir, SMALL_SEGMENT_BYTES)) {
            log.put("NS", "a", "1");
            log.put("NS", "b", "2");
            log.put("NS", "c", "3");
            dataEnd = log.log.segment(1).dataEnd();
        }
        byte[] garbage = new byte[21];
        Arrays.fill(garbage, (byte) 0x5A); // non-zero to its last byte, so the cut is exactly 21 bytes
        FileBytes.write(dir.resolve(segmentFileName(1)), dataEnd, garbage);

        LogFixture log = LogFixture.open(dir, SMALL_SEGMENT_BYTES);
        try {
            assertThat(log.recovered.keys()).containsExactly("a", "b", "c");
            assertThat(log.report.tornTailBytes()).isEqualTo(21);
            assertThat(log.report.corruptRecords()).isEmpty();
            assertThat(log.log.segment(1).dataEnd()).isEqualTo(dataEnd);
            assertThat(FileBytes.firstNonZeroAtOrAfter(log.segmentFile(1), dataEnd)).as("bytes after dataEnd")
                    .isEqualTo(-1);
            assertThat(log.segmentFile(1)).hasSize(SMALL_SEGMENT_BYTES);

            long d = log.put("NS", "d", "4"); // the store goes on where the valid data ended
            assertThat(d).isEqualTo(Locations.of(1, dataEnd));
            log.log.force();

            log = log.reopen();

            assertThat(log.recovered.keys()).containsExactly("a", "b", "c", "d");
            assertThat(log.report.tornTailBytes()).as("the second open finds nothing to cut").isZero();
        } finally {
            log.close();
        }
    }

    @Test
    void tornRecordAtTheTailIsCutAndReportedOnlyOnce() {
        long dataEnd;
        byte[] lastRecord;
        try (LogFixture log = LogFixture.open(dir, SMALL_SEGMENT_BYTES)) {
            log.put("NS", "a", "1");
            long b = log.put("NS", "b", "x".repeat(100));
            dataEnd = log.log.segment(1).dataEnd();
            lastRecord = FileBytes.read(log.segmentFile(1), Locations.offset(b), (int) (dataEnd - Locations.offset(b)));
        }
        // A third record whose write stopped after its header and half its body.
        byte[] torn = Arrays.copyOf(lastRecord, FIXED_HEADER_LENGTH + 50);
        FileBytes.write(dir.resolve(segmentFileName(1)), dataEnd, torn);

        LogFixture log = LogFixture.open(dir, SMALL_SEGMENT_BYTES);
        try {
            assertThat(log.recovered.keys()).containsExactly("a", "b");
            assertThat(log.report.tornTailBytes()).isEqualTo(torn.length);
            assertThat(FileBytes.firstNonZeroAtOrAfter(log.segmentFile(1), dataEnd)).isEqualTo(-1);

            log = log.reopen();

            assertThat(log.recovered.keys()).containsExactly("a", "b");
            assertThat(log.report.tornTailBytes()).isZero();
            assertThat(log.report.corruptRecords()).isEmpty();
        } finally {
            log.close();
        }
    }

    @Test
    void damagedRecordInTheMiddleOfTheActiveSegmentIsReportedWithItsExactOffset() {
        long b;
        long c;
        try (LogFixture log = LogFixture.open(dir, SMALL_SEGMENT_BYTES)) {
            log.put("NS", "a", "1");
            b = log.put("NS", "b", "22222222");
            c = log.put("NS", "c", "3");
        }
        Path file = dir.resolve(segmentFileName(1));
        FileBytes.flipBit(file, Locations.offset(b) + FIXED_HEADER_LENGTH + 4, 2);

        try (LogFixture log = LogFixture.open(dir, SMALL_SEGMENT_BYTES)) {
            assertThat(log.recovered.keys()).containsExactly("a", "c");
            assertThat(log.report.corruptRecords()).containsExactly(new RecoveryReport.Damage(file,
                    Locations.offset(b), Locations.offset(c) - Locations.offset(b), "body checksum mismatch"));
            assertThat(log.report.tornTailBytes()).isZero();
            assertThat(Locations.offset(log.put("NS", "d", "4"))).as("appends go after c, not over b")
                    .isGreaterThan(Locations.offset(c));
        }
    }

    @Test
    void damagedSegmentHeaderIsReportedAndItsRecordsAreStillRead() throws IOException {
        rollToThreeSegments();
        Path sealed = dir.resolve(segmentFileName(1));
        FileBytes.flipBit(sealed, SEGMENT_CAPACITY_OFFSET + 2, 0);
        List<String> expected;
        try (LogFixture log = LogFixture.open(dir, SMALL_SEGMENT_BYTES)) {
            expected = log.recovered.keys();
            assertThat(log.report.corruptRecords()).singleElement().satisfies(damage -> {
                assertThat(damage.file()).isEqualTo(sealed);
                assertThat(damage.offset()).isZero();
                assertThat(damage.length()).isEqualTo(SEGMENT_HEADER_LENGTH);
                assertThat(damage.reason()).contains("segment header is damaged");
            });
        }
        Files.delete(dir.resolve(hintFileName(1)));
        try (LogFixture log = LogFixture.open(dir, SMALL_SEGMENT_BYTES)) {
            assertThat(log.recovered.keys()).as("a full scan of the damaged-header segment").isEqualTo(expected);
        }
    }

    @Test
    void segmentHeaderOfANewerFormatVersionIsRefusedNamingTheFile() {
        rollToThreeSegments();
        Path file = dir.resolve(segmentFileName(2));
        rewriteHeaderVersion(file, SEGMENT_FORMAT_VERSION + 1);

        assertThatThrownBy(() -> LogFixture.open(dir, SMALL_SEGMENT_BYTES))
                .isInstanceOf(BasaltException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("newer")
                .hasMessageContaining("version=" + (SEGMENT_FORMAT_VERSION + 1));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2})
    void segmentHeaderOfAnOlderFormatVersionIsRefusedNamingTheFile(int version) {
        rollToThreeSegments();
        Path file = dir.resolve(segmentFileName(3));
        rewriteHeaderVersion(file, version);

        assertThatThrownBy(() -> LogFixture.open(dir, SMALL_SEGMENT_BYTES))
                .isInstanceOf(BasaltException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("older")
                .hasMessageContaining("version=" + version);
    }

    @Test
    void segmentOfAnotherStoreIsRefused() {
        rollToThreeSegments();

        assertThatThrownBy(() -> SegmentLog.open(dir, ~LogFixture.STORE_ID, SMALL_SEGMENT_BYTES,
                new CollectingSink(), new RecoveryReport()))
                .isInstanceOf(BasaltException.class)
                .hasMessageContaining(segmentFileName(1))
                .hasMessageContaining("another store");
    }

    @Test
    void activeSegmentCutToNothingOpensEmptyAndTakesNewRecords() {
        rollToThreeSegments();
        Path active = dir.resolve(segmentFileName(3));
        FileBytes.truncate(active, 0);

        LogFixture log = LogFixture.open(dir, SMALL_SEGMENT_BYTES);
        try {
            assertThat(log.recovered.entries).allMatch(e -> e.segmentId() < 3);
            long added = log.put("NS", "new", "v");
            assertThat(added).isEqualTo(Locations.of(3, SEGMENT_HEADER_LENGTH));
            log.log.force();

            log = log.reopen();

            assertThat(log.recovered.keys()).endsWith("new");
            assertThat(active).hasSize(SMALL_SEGMENT_BYTES);
        } finally {
            log.close();
        }
    }

    @Test
    void recordsFromHintFilesAreDeliveredUncheckedAndScannedOnesChecked() throws IOException {
        rollToThreeSegments();
        Files.delete(dir.resolve(hintFileName(2)));
        try (LogFixture log = LogFixture.open(dir, SMALL_SEGMENT_BYTES)) {
            List<CollectingSink.Entry> entries = log.recovered.entries;
            assertThat(entries).extracting(CollectingSink.Entry::segmentId).contains(1, 2, 3);
            for (int i = 0; i < entries.size(); i++) {
                int segment = entries.get(i).segmentId();
                assertThat(log.recovered.checked.get(i))
                        .as("record %d of segment %d (1: from its hint; 2: rescanned, its hint gone; 3: active)", i,
                                segment)
                        .isEqualTo(segment != 1);
            }
        }
    }

    /**
     * An open that rescans a sealed segment writes no hint itself: the rebuilt one waits for the
     * background writer ({@link SegmentLog#writeSealedHints}), and the next open trusts it. When
     * more than {@link SealedHints#MAX_PENDING} wait, the open writes the oldest ones.
     */
    @Test
    void aHintRebuiltByARescanIsWrittenAfterTheOpen() throws IOException {
        try (LogFixture log = LogFixture.open(dir, SMALL_SEGMENT_BYTES)) {
            for (int i = 0; log.log.segmentCount() < 6; i++) {
                log.put("NS", "key-" + i, "value-" + i + "-" + "v".repeat(900));
            }
            log.log.force();
        }
        List<Path> hints = new ArrayList<>();
        for (int id = 1; id <= 5; id++) {
            hints.add(dir.resolve(hintFileName(id)));
        }
        Files.delete(hints.get(1)); // one segment rescanned
        List<String> keys;
        try (LogFixture log = LogFixture.open(dir, SMALL_SEGMENT_BYTES)) {
            keys = log.recovered.keys();
            assertThat(hints.get(1)).as("not written by the open").doesNotExist();
            assertThat(log.log.writeSealedHints()).as("the pending hint, taken by the writer").isEqualTo(1);
            assertThat(hints.get(1)).exists();
        }
        for (Path hint : hints) {
            Files.delete(hint); // five segments rescanned
        }
        try (LogFixture log = LogFixture.open(dir, SMALL_SEGMENT_BYTES)) {
            assertThat(log.recovered.keys()).isEqualTo(keys);
            assertThat(hints.stream().filter(Files::exists).count()).as("the oldest, written by the open")
                    .isEqualTo(5 - SealedHints.MAX_PENDING);
            assertThat(hints.get(4)).as("the newest, pending").doesNotExist();
            log.log.writeSealedHints();
            assertThat(hints).allMatch(Files::exists);
        }
        try (LogFixture log = LogFixture.open(dir, SMALL_SEGMENT_BYTES)) {
            assertThat(log.report.warnings()).as("every hint written after the rescans is trusted").isEmpty();
            assertThat(log.recovered.keys()).isEqualTo(keys);
            for (int i = 0; i < log.recovered.entries.size(); i++) {
                assertThat(log.recovered.checked.get(i)).as("entry %d, from a hint unless in the active segment", i)
                        .isEqualTo(log.recovered.entries.get(i).segmentId() == 6);
            }
        }
    }

    @Test
    void everyRecordIsAnnouncedToTheSinkInRunsBeforeItIsAccepted() throws IOException {
        try (LogFixture log = LogFixture.open(dir, SMALL_SEGMENT_BYTES)) {
            for (int i = 0; log.log.segmentCount() < 4; i++) {
                log.put("NS", "key-" + i, "v" + i);
            }
            log.log.force();
        }
        Files.delete(dir.resolve(hintFileName(2))); // segment 1 from its hint, 2 rescanned, 3 and 4 scanned
        try (LogFixture log = LogFixture.open(dir, SMALL_SEGMENT_BYTES)) {
            CollectingSink sink = log.recovered;
            assertThat(sink.entries).extracting(CollectingSink.Entry::segmentId).contains(1, 2, 3, 4);
            assertThat(sink.lookAheadBreaches).isEmpty();
            assertThat(sink.acceptedAsAnnounced).isEqualTo(sink.entries.size());
            assertThat(sink.announced).isEmpty();
            assertThat(sink.largestRun).isEqualTo(32);
        }
    }

    /** Fills segments 1 and 2 (sealed, with hints) and starts segment 3; returns the keys in order. */
    private List<String> rollToThreeSegments() {
        try (LogFixture log = LogFixture.open(dir, SMALL_SEGMENT_BYTES)) {
            for (int i = 0; log.log.segmentCount() < 3; i++) {
                log.put("NS", "key-" + i, "value-" + i + "-" + "v".repeat(900));
            }
            log.log.force();
        }
        try (LogFixture log = LogFixture.open(dir, SMALL_SEGMENT_BYTES)) {
            return log.recovered.keys();
        }
    }

    /** Writes another version into a segment header and a CRC that matches it: a valid header of that version. */
    static void rewriteHeaderVersion(Path segmentFile, int version) {
        ByteBuffer header = ByteBuffer.allocateDirect(SEGMENT_HEADER_LENGTH)
                .put(FileBytes.read(segmentFile, 0, SEGMENT_HEADER_LENGTH)).flip();
        UnsafeBuffer b = new UnsafeBuffer(header);
        b.putInt(SEGMENT_VERSION_OFFSET, version, BYTE_ORDER);
        b.putInt(SEGMENT_CRC_OFFSET, Checksums.crc32c(b, 0, SEGMENT_CRC_OFFSET), BYTE_ORDER);
        byte[] bytes = new byte[SEGMENT_HEADER_LENGTH];
        b.getBytes(0, bytes);
        FileBytes.write(segmentFile, 0, bytes);
    }
}
