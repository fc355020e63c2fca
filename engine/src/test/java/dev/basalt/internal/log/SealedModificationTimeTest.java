package dev.basalt.internal.log;

import static dev.basalt.internal.log.LogFormat.segmentFileName;
import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.internal.env.FileIo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint notes each sealed segment's modification time once, when it first covers the
 * segment, instead of asking the file system under the writers' lock every time. Noting it once
 * must not hide a change behind the store's back: a later checkpoint still carries the time the
 * segment had when it was sealed, so the open that reads it finds the file changed.
 */
class SealedModificationTimeTest {
    private static final long SEGMENT_BYTES = 16 * 1024;

    @TempDir
    Path dir;

    @Test
    void aSealedSegmentChangedAfterItsTimeWasNotedIsStillFoundChanged() throws Exception {
        try (LogFixture log = LogFixture.open(dir, SEGMENT_BYTES)) {
            for (int i = 0; log.log.segmentCount() < 2; i++) {
                log.put("NS", "key-" + i, "v".repeat(1000));
            }
            CoveredLog first = log.log.coveredLog(-1);
            Path sealed = dir.resolve(segmentFileName(first.segmentIds()[0]));
            long noted = first.modifiedNanos()[0];
            assertThat(noted).as("the file's own time").isEqualTo(FileIo.real().lastModifiedNanos(sealed));

            FileTime anHourLater = FileTime.from(noted + TimeUnit.HOURS.toNanos(1), TimeUnit.NANOSECONDS);
            Files.setLastModifiedTime(sealed, anHourLater);
            CoveredLog second = log.log.coveredLog(-1);

            assertThat(second.segmentIds()[0]).isEqualTo(first.segmentIds()[0]);
            assertThat(second.modifiedNanos()[0]).as("the time noted when the segment was first covered")
                    .isEqualTo(noted);
            assertThat(second.unchangedSince(0, FileIo.real().lastModifiedNanos(sealed)))
                    .as("an open checks the file against the noted time and replays it").isFalse();
        }
    }
}
