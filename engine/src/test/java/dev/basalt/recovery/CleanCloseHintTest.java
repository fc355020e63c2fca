package dev.basalt.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.Basalt;
import dev.basalt.BasaltOptions;
import dev.basalt.KvNamespace;
import dev.basalt.internal.log.LogFormat;
import dev.basalt.testing.TestFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * A clean close leaves the active segment's hint, so the next open scans only up to the data's
 * end instead of the whole preallocated capacity; the first append after that open sets it aside
 * (renamed, deleted in the background), so after a crash no stale hint can hide new records. And
 * the open takes the segment as the close left it, writing nothing.
 */
class CleanCloseHintTest {
    @TempDir
    Path dir;

    @Test
    void theActiveSegmentsHintLivesFromACleanCloseToTheNextOpen() {
        BasaltOptions options = BasaltOptions.defaults().withSegmentSize(64L << 20);
        Path activeHint = dir.resolve(LogFormat.hintFileName(1));
        try (Basalt db = Basalt.open(dir, options)) {
            db.namespace("NS").put("a", "1");
            assertThat(activeHint).doesNotExist();
        }
        assertThat(activeHint).as("written at a clean close").exists();
        try (Basalt db = Basalt.open(dir, options)) {
            KvNamespace ns = db.namespace("NS");
            assertThat(ns.get("a")).isEqualTo("1");
            assertThat(activeHint).as("an open and a read write nothing").exists();
            ns.put("b", "2");
            assertThat(activeHint).as("set aside before the first append").doesNotExist();
        }
        try (Basalt db = Basalt.open(dir, options)) {
            assertThat(db.namespace("NS").get("a")).isEqualTo("1");
            assertThat(db.namespace("NS").get("b")).as("written after the hinted end").isEqualTo("2");
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void anOpenAfterACleanCloseWritesNothingAndACrashAfterItsAppendsLosesNothing(boolean fromCheckpoint)
            throws Exception {
        BasaltOptions options = BasaltOptions.defaults().withSegmentSize(1L << 20);
        Path store = dir.resolve("store");
        Path segment = store.resolve(LogFormat.segmentFileName(1));
        Path retired = store.resolve(LogFormat.retiredHintFileName(1));
        try (Basalt db = Basalt.open(store, options)) {
            db.namespace("NS").put("a", "1");
        }
        Path staleHint = dir.resolve("stale.hint");
        Files.copy(store.resolve(LogFormat.hintFileName(1)), staleHint);
        if (!fromCheckpoint) {
            Files.delete(store.resolve("CHECKPOINT")); // the open replays the whole log
        }
        FileTime closedAt = Files.getLastModifiedTime(segment);
        long closedSize = Files.size(segment);
        Path crashed = dir.resolve("crashed");
        try (Basalt db = Basalt.open(store, options)) {
            assertThat(Files.getLastModifiedTime(segment)).as("not cut, extended or written by the open")
                    .isEqualTo(closedAt);
            assertThat(Files.size(segment)).isEqualTo(closedSize);
            db.namespace("NS").put("b", "2");
            TestFiles.copyAsAKillLeavesIt(store, crashed);
        }
        assertThat(retired).as("deleted by the time the close is done").doesNotExist();
        // Whether or not the background thread deleted it before the copy, a kill can leave it.
        Files.copy(staleHint, crashed.resolve(LogFormat.retiredHintFileName(1)),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        try (Basalt db = Basalt.open(crashed, options)) {
            assertThat(db.namespace("NS").get("a")).isEqualTo("1");
            assertThat(db.namespace("NS").get("b")).as("appended after the open, before the kill").isEqualTo("2");
        }
        assertThat(crashed.resolve(LogFormat.retiredHintFileName(1)))
                .as("a set-aside hint a kill left: never read, deleted").doesNotExist();
    }
}
