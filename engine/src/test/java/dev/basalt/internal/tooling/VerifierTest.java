package dev.basalt.internal.tooling;

import static dev.basalt.internal.env.Limits.NO_EXPIRATION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.Basalt;
import dev.basalt.BasaltException;
import dev.basalt.BasaltOptions;
import dev.basalt.Durability;
import dev.basalt.internal.log.CompactionCommit;
import dev.basalt.internal.log.HintFile;
import dev.basalt.internal.log.LogFormat;
import dev.basalt.internal.log.Records;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VerifierTest {
    private static final int KEYS = 8_000; // about 2.6 MB of records: three 1 MiB segments

    @Test
    void aCleanStoreHasNoDamageAndEveryRecordIsCounted(@TempDir Path tmp) {
        Path dir = tmp.resolve("data");
        TestStores.write(dir, KEYS);

        VerifyReport report = Verifier.verify(dir);

        assertThat(report.damage()).isEmpty();
        assertThat(report.clean()).isTrue();
        assertThat(report.segmentsScanned()).isGreaterThanOrEqualTo(3);
        assertThat(report.hintFilesChecked()).as("a clean close leaves the active segment's hint; its checkpoint"
                + " covers the others, whose hints its publish deleted").isEqualTo(1);
        assertThat(report.records().puts()).isEqualTo(KEYS);
        assertThat(report.records().tombstones()).isEqualTo(1);
        assertThat(report.records().namespaceCreates()).isEqualTo(1);
        assertThat(report.storeIdSource()).isEqualTo("STORE");
        assertThat(report.warnings()).isEmpty();
        assertThat(report.checkpoint()).startsWith("agrees with the log: " + (KEYS - 1) + " keys in 1 namespaces");
    }

    @Test
    void aDamagedCheckpointIsReportedAsRejected(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("data");
        TestStores.write(dir, KEYS);
        Path checkpoint = dir.resolve("CHECKPOINT");
        TestStores.flipByte(checkpoint, Files.size(checkpoint) / 2);

        VerifyReport report = Verifier.verify(dir);

        assertThat(report.checkpoint()).isEqualTo("rejected");
        assertThat(report.damage()).singleElement().satisfies(damage -> {
            assertThat(damage.file().getFileName().toString()).isEqualTo("CHECKPOINT");
            assertThat(damage.reason()).contains("checkpoint rejected").contains("fails its checksum");
        });
    }

    /**
     * A value damaged behind the checkpoint's back, the segment's modification time put back so
     * that the next open would load the checkpoint: verify reports the checkpoint's disagreement
     * with the log at the record's segment and offset, beside the damaged record itself.
     */
    @Test
    void aCheckpointThatIndexesADamagedRecordDisagreesWithTheLog(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("data");
        TestStores.write(dir, KEYS);
        String key = "key-100";
        Path segment = TestStores.segmentOf(dir, key, TestStores.value(100));
        long offset = TestStores.recordOffset(segment, "USERS", key, TestStores.value(100));
        java.nio.file.attribute.FileTime modified = Files.getLastModifiedTime(segment);
        TestStores.flipByte(segment, offset + LogFormat.FIXED_HEADER_LENGTH + "USERS".length() + key.length() + 10);
        Files.setLastModifiedTime(segment, modified);

        VerifyReport report = Verifier.verify(dir);

        assertThat(report.checkpoint()).startsWith("1 keys disagree with the log");
        assertThat(report.damage()).anySatisfy(damage -> {
            assertThat(damage.file().getFileName().toString()).isEqualTo("CHECKPOINT");
            assertThat(damage.reason()).contains("body does not verify")
                    .contains(segment.getFileName() + " offset " + offset);
        });
        assertThat(report.damage()).anySatisfy(damage -> assertThat(damage.file()).isEqualTo(segment));
    }

    /**
     * A background checkpoint taken while the writers owed the listing new keys saves them beside
     * it: verify counts a key indexed and owed as agreeing with the log, as an open lists it.
     */
    @Test
    void aCheckpointThatOwesItsListingKeysAgreesWithTheLog(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("data");
        Path crashed = tmp.resolve("crashed");
        AutoCloseable paused = dev.basalt.internal.store.Store.pauseListingCatchUps();
        // PERIODIC: a megabyte of puts forced one at a time can outlast the deadline on a busy disk.
        BasaltOptions options = BasaltOptions.defaults().withDurability(Durability.PERIODIC)
                .withCheckpointInterval(1 << 20);
        try (Basalt db = Basalt.open(dir, options)) {
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
            for (int i = 0; !Files.exists(dir.resolve("CHECKPOINT")) && System.nanoTime() < deadline; i++) {
                db.namespace("USERS").put("key-" + i, TestStores.value(i));
            }
            assertThat(dir.resolve("CHECKPOINT")).as("a background checkpoint").exists();
            dev.basalt.testing.TestFiles.copyAsAKillLeavesIt(dir, crashed);
        } finally {
            paused.close();
        }

        VerifyReport report = Verifier.verify(crashed);

        assertThat(report.checkpoint()).startsWith("agrees with the log");
        assertThat(report.damage()).isEmpty();
    }

    /**
     * A checkpoint whose listing flags a key plain although its record has metadata (what an
     * engine that did not know the flag could have left): the block's checksum made to match, so
     * only the check against the log can tell. Verify names the key's record.
     */
    @Test
    void aCheckpointThatFlagsAKeyWithMetadataPlainDisagreesWithTheLog(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("data");
        try (Basalt db = Basalt.open(dir)) {
            db.namespace("USERS").put("plain-key", "v");
            db.namespace("USERS").put("meta-key", "v", dev.basalt.PutOptions.none().withMetadata(Map.of("a", 1)));
        }
        Path checkpoint = dir.resolve("CHECKPOINT");
        assertThat(Verifier.verify(dir).clean()).as("as written").isTrue();
        setPlainFlag(checkpoint, "meta-key");

        VerifyReport report = Verifier.verify(dir);

        assertThat(report.checkpoint()).startsWith("1 keys disagree with the log");
        assertThat(report.damage()).singleElement().satisfies(damage -> {
            assertThat(damage.file().getFileName().toString()).isEqualTo("CHECKPOINT");
            assertThat(damage.reason()).contains("flags the key plain, but its record has metadata");
        });
    }

    /**
     * Sets the plain bit (16) of the listing node of {@code key} in the checkpoint's listing chunk
     * blocks (kind 10) and writes the block's CRC32C anew. A node is its header, {@code level}
     * next pointers, then the key: the header is found as the one whose key length and level say
     * the key starts right there.
     */
    private static void setPlainFlag(Path checkpoint, String key) throws IOException {
        byte[] file = Files.readAllBytes(checkpoint);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(file).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        byte[] keyBytes = key.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        int at = 0;
        boolean flagged = false;
        while (at + 8 <= file.length) {
            int kind = b.getInt(at);
            int length = b.getInt(at + 4);
            int payload = at + 8;
            if (kind == 10) {
                for (int i = payload; i + keyBytes.length <= payload + length && !flagged; i++) {
                    if (java.util.Arrays.equals(file, i, i + keyBytes.length, keyBytes, 0, keyBytes.length)) {
                        for (int level = 1; level <= 16 && !flagged; level++) {
                            int node = i - 4 - 4 * level;
                            if (node >= payload && (node - payload) % 8 == 0) {
                                int header = b.getInt(node);
                                if ((header & 0x3FF) == keyBytes.length && (header >>> 10 & 0x1F) + 1 == level) {
                                    assertThat(header & 1 << 16).as("the key has metadata: not plain").isZero();
                                    b.putInt(node, header | 1 << 16);
                                    flagged = true;
                                }
                            }
                        }
                    }
                }
                java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
                crc.update(file, at, 8 + length);
                b.putInt(payload + length, (int) crc.getValue());
            }
            at = payload + length + 4;
        }
        assertThat(flagged).as("found the node of " + key).isTrue();
        Files.write(checkpoint, file);
    }

    @Test
    void aCheckpointWhoseSegmentChangedIsNotUsableAndSaysSo(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("data");
        TestStores.write(dir, KEYS);
        Path segment = TestStores.segments(dir).firstEntry().getValue();
        Files.setLastModifiedTime(segment, java.nio.file.attribute.FileTime.fromMillis(0));

        VerifyReport report = Verifier.verify(dir);

        assertThat(report.clean()).isTrue();
        assertThat(report.checkpoint()).startsWith("not usable (" + segment.getFileName() + " changed");
        assertThat(report.warnings()).anySatisfy(w -> assertThat(w).contains("the next open replays the whole log"));
    }

    @Test
    void aFlippedValueByteInASealedSegmentIsReportedAtItsRecordsOffset(@TempDir Path tmp) {
        Path dir = tmp.resolve("data");
        TestStores.write(dir, KEYS);
        String key = "key-100";
        Path segment = TestStores.segmentOf(dir, key, TestStores.value(100));
        long offset = TestStores.recordOffset(segment, "USERS", key, TestStores.value(100));
        TestStores.flipByte(segment, offset + LogFormat.FIXED_HEADER_LENGTH + "USERS".length() + key.length() + 10);
        Map<String, byte[]> before = TestStores.snapshot(dir);

        VerifyReport report = Verifier.verify(dir);

        assertThat(report.clean()).isFalse();
        assertThat(report.damage()).hasSize(1);
        Damage damage = report.damage().get(0);
        assertThat(damage.file().getFileName()).isEqualTo(segment.getFileName());
        assertThat(damage.offset()).isEqualTo(offset);
        assertThat(damage.reason()).isEqualTo("body checksum mismatch");
        assertThat(report.records().puts()).isEqualTo(KEYS - 1);
        assertThat(TestStores.snapshot(dir)).as("verify writes nothing").containsExactlyInAnyOrderEntriesOf(before);
        // The hint of that segment still lists the record: the check says so as well.
        assertThat(report.hintFilesChecked()).isPositive();
    }

    @Test
    void damageInTheActiveSegmentIsFoundBeforeAnIntactRecordAndAtTheTail(@TempDir Path tmp) {
        Path dir = tmp.resolve("data");
        TestStores.write(dir, 10); // ten puts, then the tombstone of key-0 as the last record
        Path active = TestStores.segments(dir).lastEntry().getValue();
        long put = TestStores.recordOffset(active, "USERS", "key-9", TestStores.value(9));
        long tombstone = put + LogFormat.recordLength(5, 5, 0, 300, NO_EXPIRATION, false);
        TestStores.flipByte(active, put + 100);            // a value byte: the body checksum fails
        TestStores.flipByte(active, tombstone + 8);        // the sequence number: the header checksum fails
        TestStores.flipByte(active, put + 100);            // undo the first: only the tail is damaged
        VerifyReport tail = Verifier.verify(dir);

        assertThat(tail.damage()).singleElement().satisfies(d -> {
            assertThat(d.offset()).isEqualTo(tombstone);
            assertThat(d.length()).isEqualTo(LogFormat.recordLength(5, 5, 0, 0, NO_EXPIRATION, false));
            assertThat(d.reason()).startsWith("header checksum mismatch; no intact record follows").contains("torn tail");
        });

        TestStores.flipByte(active, tombstone + 8);        // the tombstone intact again
        TestStores.flipByte(active, put + 100);
        VerifyReport middle = Verifier.verify(dir);

        assertThat(middle.damage()).singleElement().satisfies(d -> {
            assertThat(d.offset()).isEqualTo(put);
            assertThat(d.reason()).isEqualTo("body checksum mismatch");
        });
        assertThat(middle.records().tombstones()).isEqualTo(1);
    }

    @Test
    void aHintFileThatDoesNotVerifyIsDamageAndAMissingOneAWarning(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("data");
        TestStores.writeHinted(dir, KEYS);
        Path firstHint = dir.resolve(LogFormat.hintFileName(1));
        Path secondHint = dir.resolve(LogFormat.hintFileName(2));
        TestStores.flipByte(firstHint, LogFormat.HINT_HEADER_LENGTH + 3);
        Files.delete(secondHint);

        VerifyReport report = Verifier.verify(dir);

        assertThat(report.damage()).singleElement().satisfies(d -> {
            assertThat(d.file()).isEqualTo(firstHint.toRealPath());
            assertThat(d.reason()).startsWith("hint file does not verify (crc=").contains("rescans the segment");
        });
        assertThat(report.warnings()).containsExactly(
                "000000000002.hint is missing; the next open rescans 000000000002.seg and writes it");
    }

    @Test
    void aHintFileThatVerifiesButDisagreesWithItsSegmentIsDamage(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("data");
        TestStores.write(dir, KEYS);
        Path segment = dir.resolve(LogFormat.segmentFileName(1));
        long storeId = StoreIdentity.read(dir).storeId();
        UnsafeBuffer image = new UnsafeBuffer(SegmentFiles.readAll(segment, null));
        HintFile.Builder onlyTheFirstRecord = new HintFile.Builder();
        onlyTheFirstRecord.add(image, LogFormat.SEGMENT_HEADER_LENGTH, LogFormat.SEGMENT_HEADER_LENGTH);
        onlyTheFirstRecord.write(dev.basalt.internal.env.FileIo.real(), dir, storeId, 1, LogFormat.SEGMENT_HEADER_LENGTH
                + Records.length(image, LogFormat.SEGMENT_HEADER_LENGTH));

        VerifyReport report = Verifier.verify(dir);

        assertThat(report.damage()).singleElement().satisfies(d -> {
            assertThat(d.file().getFileName().toString()).isEqualTo("000000000001.hint");
            assertThat(d.offset()).isEqualTo(LogFormat.HINT_ENTRY_COUNT_OFFSET);
            assertThat(d.reason()).matches("hint file lists 1 intact records but the segment holds \\d+");
        });
    }

    @Test
    void anActiveSegmentsHintWithAWrongDataEndIsDamage(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("data");
        TestStores.write(dir, 20); // one segment, the active one; a clean close left its hint
        Path segment = dir.resolve(LogFormat.segmentFileName(1));
        assertThat(dir.resolve(LogFormat.hintFileName(1))).exists();
        long storeId = StoreIdentity.read(dir).storeId();
        UnsafeBuffer image = new UnsafeBuffer(SegmentFiles.readAll(segment, null));
        HintFile.Builder everyRecord = new HintFile.Builder();
        long dataEnd = SegmentCheck.check(segment, image, image.capacity(), storeId, 1, new SegmentCheck.Listener() {
            @Override
            public void record(org.agrona.DirectBuffer buffer, int offset) {
                everyRecord.add(buffer, offset, offset);
            }

            @Override
            public void damage(Damage damage) {
                throw new AssertionError(damage.toString());
            }
        });
        everyRecord.write(dev.basalt.internal.env.FileIo.real(), dir, storeId, 1, dataEnd - 8); // the next open would cut the last record

        VerifyReport report = Verifier.verify(dir);

        assertThat(report.damage()).singleElement().satisfies(d -> assertThat(d.reason()).isEqualTo(
                "hint file says the records end at offset " + (dataEnd - 8) + " but the segment's records end at "
                        + dataEnd));
    }

    @Test
    void aDamagedStoreFileIsDamageAndRecordsAreCheckedWithTheHeadersStoreId(@TempDir Path tmp) {
        Path dir = tmp.resolve("data");
        TestStores.write(dir, 100);
        TestStores.flipByte(dir.resolve("STORE"), 3);

        VerifyReport report = Verifier.verify(dir);

        assertThat(report.damage()).singleElement().satisfies(d -> assertThat(d.reason()).startsWith("STORE is damaged"));
        assertThat(report.records().puts()).isEqualTo(100);
        assertThat(report.storeIdSource()).isEqualTo("000000000001.seg header");
    }

    @Test
    void aDirectoryHeldByAnOpenStoreIsRefusedAndItsLockKept(@TempDir Path tmp) {
        Path dir = tmp.resolve("data");
        try (Basalt db = Basalt.open(dir)) {
            db.namespace("USERS").put("a", "1");

            assertThatThrownBy(() -> Verifier.verify(dir)).isInstanceOf(BasaltException.class)
                    .hasMessageContaining("already open");

            db.namespace("USERS").put("b", "2");
            assertThatThrownBy(() -> Basalt.open(dir)).as("the holder still holds the directory")
                    .isInstanceOf(BasaltException.class);
        }
        assertThat(Verifier.verify(dir).records().puts()).isEqualTo(2);
        try (Basalt reopened = Basalt.open(dir)) {
            assertThat(reopened.namespace("USERS").get("b")).as("verify released its lock").isEqualTo("2");
        }
    }

    @Test
    void aMissingDirectoryOrOneWithoutAStoreIsAnArgumentError(@TempDir Path tmp) throws IOException {
        assertThatThrownBy(() -> Verifier.verify(tmp.resolve("nowhere"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not exist");
        Path empty = Files.createDirectory(tmp.resolve("empty"));
        assertThatThrownBy(() -> Verifier.verify(empty)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a Basalt data directory");
        assertThat(empty).isEmptyDirectory();
    }

    @Test
    void leftoverTemporaryFilesAndAMissingCursorKeyAreWarnings(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("data");
        TestStores.write(dir, 10);
        Files.writeString(dir.resolve("000000000009.hint.tmp"), "half written");
        Files.delete(dir.resolve("CURSOR_KEY"));

        VerifyReport report = Verifier.verify(dir);

        assertThat(report.clean()).isTrue();
        assertThat(report.warnings()).containsExactlyInAnyOrder(
                "000000000009.hint.tmp is a leftover temporary file; the next open deletes it",
                "CURSOR_KEY is missing; the next open creates it (list cursors need it)");
    }

    @Test
    void anUnfinishedCompactionIsAWarningAndItsCommitFileDamagedIsDamage(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("data");
        TestStores.writeHinted(dir, KEYS);
        CompactionCommit.write(dev.basalt.internal.env.FileIo.real(), dir, StoreIdentity.read(dir).storeId(), new long[] {1});
        Files.delete(dir.resolve(LogFormat.segmentFileName(1))); // a crash after deleting the segment, before its hint

        VerifyReport unfinished = Verifier.verify(dir);

        assertThat(unfinished.clean()).isTrue();
        assertThat(unfinished.warnings()).containsExactlyInAnyOrder(
                "000000000001.hint is a hint file without a segment (left by a compaction); the next open deletes it",
                "COMPACTION_COMMIT records a compaction whose compacted segments [1] are not all deleted yet; the"
                        + " next open deletes them");

        TestStores.flipByte(dir.resolve(CompactionCommit.FILE_NAME), 25);
        assertThat(Verifier.verify(dir).damage()).singleElement()
                .satisfies(d -> assertThat(d.reason()).startsWith("COMPACTION_COMMIT is damaged (crc="));
    }

    @Test
    void aDamagedCursorKeyIsDamage(@TempDir Path tmp) {
        Path dir = tmp.resolve("data");
        TestStores.write(dir, 10);
        TestStores.flipByte(dir.resolve("CURSOR_KEY"), 10);

        assertThat(Verifier.verify(dir).damage()).singleElement()
                .satisfies(d -> assertThat(d.reason()).startsWith("CURSOR_KEY is damaged"));
    }
}
