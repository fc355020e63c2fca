package dev.basalt.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.Basalt;
import dev.basalt.BasaltOptions;
import dev.basalt.KvNamespace;
import dev.basalt.internal.log.LogFormat;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A clean close leaves the active segment's hint, so the next open scans only up to the data's
 * end instead of the whole preallocated capacity; the open deletes it before anything is
 * appended, so after a crash no stale hint can hide new records.
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
            assertThat(activeHint).as("deleted by the open, before any append").doesNotExist();
            KvNamespace ns = db.namespace("NS");
            assertThat(ns.get("a")).isEqualTo("1");
            ns.put("b", "2");
        }
        try (Basalt db = Basalt.open(dir, options)) {
            assertThat(db.namespace("NS").get("a")).isEqualTo("1");
            assertThat(db.namespace("NS").get("b")).as("written after the hinted end").isEqualTo("2");
        }
    }
}
