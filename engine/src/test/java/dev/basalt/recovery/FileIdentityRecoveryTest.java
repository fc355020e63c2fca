package dev.basalt.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.Basalt;
import dev.basalt.BasaltException;
import dev.basalt.internal.log.FileBytes;
import dev.basalt.internal.log.LogFormat;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damage to a file's identity is not skipped like a record: the open fails loudly, naming the
 * file, and says whether it is damage or a format version this Basalt cannot read.
 */
class FileIdentityRecoveryTest {
    @TempDir
    Path dir;

    @Test
    void damagedStoreFileFailsTheOpenNamingTheFile() {
        StoreFixture.session(dir, db -> db.namespace("NS").put("k", "v"));
        Path store = dir.resolve(LogFormat.STORE_FILE);
        FileBytes.flipBit(store, LogFormat.STORE_ID_OFFSET + 3, 1);

        assertThatThrownBy(() -> StoreFixture.open(dir))
                .isInstanceOf(BasaltException.class)
                .hasMessageContaining(store.toString())
                .hasMessageContaining("damaged");
    }

    @Test
    void failedOpenReleasesTheDirectorySoAFixedStoreOpens() {
        StoreFixture.session(dir, db -> db.namespace("NS").put("k", "v"));
        Path store = dir.resolve(LogFormat.STORE_FILE);
        FileBytes.flipBit(store, 0, 0);
        assertThatThrownBy(() -> StoreFixture.open(dir)).isInstanceOf(BasaltException.class);
        FileBytes.flipBit(store, 0, 0);

        StoreFixture.session(dir, db -> assertThat(db.namespace("NS").get("k")).isEqualTo("v"));
    }

    @Test
    void segmentHeaderOfANewerVersionFailsTheOpen() {
        StoreFixture.session(dir, db -> db.namespace("NS").put("k", "v"));
        Path segment = DataDirectory.activeSegment(dir);
        rewriteSegmentVersion(segment, LogFormat.SEGMENT_FORMAT_VERSION + 1);

        assertThatThrownBy(() -> StoreFixture.open(dir))
                .isInstanceOf(BasaltException.class)
                .hasMessageContaining(segment.toString())
                .hasMessageContaining("newer")
                .hasMessageContaining("version=" + (LogFormat.SEGMENT_FORMAT_VERSION + 1));
    }

    @Test
    void segmentHeaderOfAnOlderVersionFailsTheOpenSayingHowToMoveTheData() {
        StoreFixture.session(dir, db -> db.namespace("NS").put("k", "v"));
        Path segment = DataDirectory.activeSegment(dir);
        rewriteSegmentVersion(segment, 2); // the 40-byte record header of versions 1 and 2

        assertThatThrownBy(() -> StoreFixture.open(dir))
                .isInstanceOf(BasaltException.class)
                .hasMessageContaining(segment.toString())
                .hasMessageContaining("written by an older Basalt: format version=2, this Basalt reads version 3")
                .hasMessageContaining("basalt export");
    }

    @Test
    void segmentsOfAnotherStoreFailTheOpen() {
        Path other = dir.resolve("other");
        Path mine = dir.resolve("mine");
        StoreFixture.session(other, db -> db.namespace("NS").put("k", "theirs"));
        StoreFixture.session(mine, db -> db.namespace("NS").put("k", "mine"));
        FileBytes.write(mine.resolve(LogFormat.STORE_FILE), 0,
                FileBytes.read(other.resolve(LogFormat.STORE_FILE), 0, LogFormat.STORE_FILE_LENGTH));

        assertThatThrownBy(() -> StoreFixture.open(mine))
                .isInstanceOf(BasaltException.class)
                .hasMessageContaining("another store");
    }

    @Test
    void missingStoreFileWithSegmentsPresentFailsTheOpenNamingItAndWritesNoNewIdentity() {
        StoreFixture.session(dir, db -> db.namespace("NS").put("k", "v"));
        Path store = dir.resolve(LogFormat.STORE_FILE);
        deleteFile(store);

        assertThatThrownBy(() -> StoreFixture.open(dir))
                .isInstanceOf(BasaltException.class)
                .hasMessageContaining(store.toString());
        assertThat(store).as("a fresh random id would make the segments unreadable for good").doesNotExist();
    }

    @Test
    void sealedSegmentCutShorterThanItsHeaderFailsCleanlyOrCostsOnlyItsRecords() {
        StoreFixture.session(dir, db -> {
            for (int i = 0; i < 30; i++) {
                db.namespace("NS").put("k" + i, StoreFixture.valueOf("k" + i, 100 * 1024));
            }
        });
        Path first = DataDirectory.segments(dir).get(0);
        FileBytes.truncate(first, 30);

        try (Basalt db = StoreFixture.open(dir)) {
            assertThat(StoreFixture.valueOf("k29", 100 * 1024).equals(db.namespace("NS").get("k29")))
                    .as("k29, in a later segment, reads as written").isTrue();
        } catch (BasaltException e) {
            assertThat(e).hasMessageContaining(first.toString());
        }
    }

    private static void deleteFile(Path file) {
        try {
            java.nio.file.Files.delete(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void largestRecordTheOptionsAllowSurvivesAReopen() {
        String key = "k".repeat(512);
        String metadataText = "x".repeat(1024 - "{\"m\":\"\"}".length());
        byte[] value = new byte[(int) StoreFixture.options(dev.basalt.Durability.SYNC_EACH_WRITE).maxValueSizeBytes()];
        new java.util.Random(3).nextBytes(value);
        StoreFixture.session(dir, db -> db.namespace("N".repeat(64)).put(key, value,
                dev.basalt.PutOptions.none().withMetadata(java.util.Map.of("m", metadataText))));

        try (Basalt db = StoreFixture.open(dir)) {
            var found = db.namespace("N".repeat(64)).getWithMetadata(key, dev.basalt.ValueType.BYTES);
            assertThat(found.value()).isEqualTo(value);
            assertThat(found.metadata().get("m").asString()).isEqualTo(metadataText);
        }
    }

    /** A valid segment header of another format version: the version changed and the CRC made to match. */
    private static void rewriteSegmentVersion(Path segment, int version) {
        ByteBuffer header = ByteBuffer.wrap(FileBytes.read(segment, 0, LogFormat.SEGMENT_HEADER_LENGTH))
                .order(ByteOrder.LITTLE_ENDIAN);
        header.putInt(LogFormat.SEGMENT_VERSION_OFFSET, version);
        CRC32C crc = new CRC32C();
        crc.update(header.array(), 0, LogFormat.SEGMENT_CRC_OFFSET);
        header.putInt(LogFormat.SEGMENT_CRC_OFFSET, (int) crc.getValue());
        FileBytes.write(segment, 0, header.array());
    }
}
