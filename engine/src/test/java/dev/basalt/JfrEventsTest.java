package dev.basalt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.testing.ManualClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #17: the engine's JFR events fire with their figures when enabled, and are not part of
 * a recording with the JDK's default settings.
 */
class JfrEventsTest {
    private static final List<String> EVENTS =
            List.of("dev.basalt.CompactionPass", "dev.basalt.ExpiryBatch", "dev.basalt.Recovery", "dev.basalt.Fsync",
                    "dev.basalt.Checkpoint");

    @TempDir
    Path tmp;

    private final ManualClock clock = new ManualClock();

    private BasaltOptions options() {
        return BasaltOptions.defaults().withClock(clock).withMinExpirationTtl(Duration.ZERO)
                .withSegmentSize(1L << 20).withDurability(Durability.SYNC_EACH_WRITE)
                .withBackgroundCompaction(false);
    }

    /** Writes enough to seal segments, overwrites, expires and purges, compacts, and reopens. */
    private void workload(Path dir) {
        try (Basalt db = Basalt.open(dir, options())) {
            KvNamespace ns = db.namespace("JFR");
            byte[] value = new byte[64 << 10];
            for (int round = 0; round < 2; round++) {
                for (int i = 0; i < 20; i++) {
                    ns.put("k" + i, value); // 20 x 64 KiB, twice: more than two 1 MiB segments
                }
            }
            for (int i = 0; i < 5; i++) {
                ns.put("ttl" + i, "v", PutOptions.expirationTtl(10));
            }
            clock.advanceSeconds(11);
            BasaltInternals.sweepAllDue(db, clock.epochSecond());
            db.compact();
        }
        try (Basalt db = Basalt.open(dir, options())) {
            assertThat(db.namespace("JFR").get("k0", ValueType.BYTES)).hasSize(64 << 10);
        }
    }

    @Test
    void enabledEventsAreRecordedWithTheirFigures() throws Exception {
        Path dir = tmp.resolve("store");
        Path file = tmp.resolve("events.jfr");
        try (Recording recording = new Recording()) {
            for (String name : EVENTS) {
                recording.enable(name).withThreshold(Duration.ZERO);
            }
            recording.start();
            workload(dir);
            recording.stop();
            recording.dump(file);
        }
        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        String storeDir = dir.toString();

        List<RecordedEvent> recoveries = named(events, "dev.basalt.Recovery");
        assertThat(recoveries).hasSize(2);
        assertThat(recoveries.get(0).getLong("liveKeys")).isZero();
        assertThat(recoveries.get(0).getString("fullReplayBecause")).as("a new directory has no checkpoint")
                .isNotEmpty();
        RecordedEvent reopen = recoveries.get(1);
        assertThat(reopen.getString("directory")).isEqualTo(storeDir);
        // The 20 keys: the clean close's checkpoint remembers that the 5 expired ones were purged.
        assertThat(reopen.getLong("liveKeys")).isEqualTo(20);
        assertThat(reopen.getInt("segments")).isGreaterThanOrEqualTo(2);
        assertThat(reopen.getInt("corruptRanges")).isZero();
        assertThat(reopen.getString("fullReplayBecause")).as("the clean close's checkpoint was used").isEmpty();
        assertThat(reopen.getLong("recordsReplayed")).as("it covers the whole log").isZero();

        List<RecordedEvent> batches = named(events, "dev.basalt.ExpiryBatch");
        // The 5 expired keys are purged by the sweep before the reopen (count the first session's
        // batches only: a reopen that replays the log would index and purge them again).
        assertThat(batches.stream().filter(e -> e.getEndTime().isBefore(reopen.getStartTime()))
                .mapToLong(e -> e.getLong("keysPurged")).sum()).isEqualTo(5);
        assertThat(batches).allSatisfy(e -> assertThat(e.getInt("entriesHandled")).isPositive());

        List<RecordedEvent> passes = named(events, "dev.basalt.CompactionPass");
        assertThat(passes).hasSize(1);
        RecordedEvent pass = passes.get(0);
        assertThat(pass.getString("directory")).isEqualTo(storeDir);
        assertThat(pass.getInt("segmentsCompacted")).isPositive();
        assertThat(pass.getLong("recordsDropped")).isGreaterThanOrEqualTo(20);
        assertThat(pass.getLong("recordsDroppedUnread")).isBetween(0L, pass.getLong("recordsDropped"));
        assertThat(pass.getLong("bytesReclaimed")).isPositive();

        List<RecordedEvent> allCheckpoints = named(events, "dev.basalt.Checkpoint");
        // The compaction may also start a background checkpoint before the close stops the
        // background thread (a race the workload does not control): count the closes' own.
        String closingThread = Thread.currentThread().getName();
        List<RecordedEvent> checkpoints = allCheckpoints.stream()
                .filter(e -> e.getThread() != null && closingThread.equals(e.getThread().getJavaName())).toList();
        assertThat(checkpoints).as("one per clean close").hasSize(2);
        assertThat(checkpoints.get(0).getString("directory")).isEqualTo(storeDir);
        assertThat(checkpoints.get(0).getLong("liveKeys")).as("the first session's 20 keys").isEqualTo(20);
        assertThat(checkpoints.get(0).getInt("namespaces")).isEqualTo(1);
        assertThat(allCheckpoints).allSatisfy(e -> assertThat(e.getDuration("writersWaited"))
                .as("how long writers were stopped, set on every checkpoint").isPositive());
        assertThat(checkpoints.get(1).getLong("bytes")).as("the last one is the file on disk")
                .isEqualTo(Files.size(dir.resolve("CHECKPOINT")));

        List<RecordedEvent> fsyncs = named(events, "dev.basalt.Fsync");
        assertThat(fsyncs).as("SYNC_EACH_WRITE: one fsync per put at threshold 0").hasSizeGreaterThanOrEqualTo(45);
        assertThat(fsyncs).allSatisfy(e -> assertThat(e.getString("file")).startsWith(storeDir).endsWith(".seg"));
    }

    @Test
    void theEventsAreOffInARecordingWithTheJdkDefaultSettings() throws Exception {
        Path file = tmp.resolve("default.jfr");
        try (Recording recording = new Recording(Configuration.getConfiguration("default"))) {
            recording.start();
            workload(tmp.resolve("store"));
            recording.stop();
            recording.dump(file);
        }
        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        assertThat(events).as("the recording recorded something").isNotEmpty();
        assertThat(events).noneMatch(e -> e.getEventType().getName().startsWith("dev.basalt."));
    }

    private static List<RecordedEvent> named(List<RecordedEvent> events, String name) {
        return events.stream().filter(e -> e.getEventType().getName().equals(name)).collect(Collectors.toList());
    }
}
