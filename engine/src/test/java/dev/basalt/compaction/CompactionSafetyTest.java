package dev.basalt.compaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.Basalt;
import dev.basalt.BasaltInternals;
import dev.basalt.BasaltOptions;
import dev.basalt.CompactionResult;
import dev.basalt.KvNamespace;
import dev.basalt.PutOptions;
import dev.basalt.internal.tooling.OfflineCompaction;
import dev.basalt.internal.log.CompactionCommit;
import dev.basalt.internal.env.CrashPoints;
import dev.basalt.testing.ManualClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Compaction never loses and never resurrects: the architecture's example, its delete twin, a
 * fault at every step of the protocol, and the offline engine.
 */
class CompactionSafetyTest {
    /** A value of 900 bytes: about 1,100 records fill a 1 MiB segment. */
    static final String FILLER = "x".repeat(900);
    private static final long START = 1_700_000_000L;

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock(java.time.Instant.ofEpochSecond(START));

    private BasaltOptions options() {
        return BasaltOptions.defaults().withClock(clock).withMinExpirationTtl(Duration.ZERO)
                .withSegmentSize(1 << 20).withBackgroundCompaction(false).withDurability(dev.basalt.Durability.PERIODIC);
    }

    /** Fills the rest of the active segment with keys of {@code prefix}, so the next write rolls. */
    private static void fillSegment(KvNamespace ns, String prefix) {
        for (int i = 0; i < 1100; i++) {
            ns.put(prefix + i, FILLER);
        }
    }

    /** Puts keys of {@code prefix} (cycling over {@code distinct} of them) until the log rolls. */
    static void putUntilRoll(Basalt db, KvNamespace ns, String prefix, int distinct) {
        int segments = db.stats().segmentCount();
        for (int i = 0; db.stats().segmentCount() == segments; i++) {
            ns.put(prefix + (i % distinct), FILLER);
        }
    }

    @Test
    void anExpiredNewestPutIsNeverDroppedWhileAnOlderVersionRemains() {
        try (Basalt db = Basalt.open(dir, options())) {
            KvNamespace ns = db.namespace("NS");
            ns.put("k", "v1");
            putUntilRoll(db, ns, "keep-a:", Integer.MAX_VALUE); // v1's segment stays almost all live
            ns.put("k", "v2", PutOptions.expirationTtl(10));
            putUntilRoll(db, ns, "churn:", 20); // v2's segment is almost all dead
            clock.advanceSeconds(11);
            BasaltInternals.sweepAllDue(db, clock.epochSecond());
            CompactionResult result = BasaltInternals.store(db).compact(0.5, (done, total) -> { });
            assertThat(result.segmentsCompacted()).isEqualTo(1);
            assertThat(result.tombstonesKept()).as("v2 becomes a tombstone: v1 is still on disk").isEqualTo(1);
            assertThat(ns.get("k")).isNull();
        }
        try (Basalt db = Basalt.open(dir, options())) {
            assertThat(db.namespace("NS").get("k")).isNull();
            assertThat(db.namespace("NS").get("keep-a:7")).isEqualTo(FILLER);
        }
    }

    @Test
    void aDeleteIsNeverDroppedWhileAnOlderVersionRemains() {
        try (Basalt db = Basalt.open(dir, options())) {
            KvNamespace ns = db.namespace("NS");
            ns.put("k", "v1");
            putUntilRoll(db, ns, "keep-a:", Integer.MAX_VALUE);
            ns.delete("k");
            putUntilRoll(db, ns, "churn:", 20);
            CompactionResult result = BasaltInternals.store(db).compact(0.5, (done, total) -> { });
            assertThat(result.segmentsCompacted()).isEqualTo(1);
            assertThat(result.tombstonesKept()).as("the delete is kept: v1 is still on disk").isEqualTo(1);
            assertThat(ns.get("k")).isNull();
        }
        try (Basalt db = Basalt.open(dir, options())) {
            assertThat(db.namespace("NS").get("k")).isNull();
        }
    }

    @Test
    void aTombstoneIsDroppedOnceNoOlderVersionCanRemain() {
        try (Basalt db = Basalt.open(dir, options())) {
            KvNamespace ns = db.namespace("NS");
            ns.put("k", "v1");
            ns.delete("k");
            putUntilRoll(db, ns, "churn:", 20);
            putUntilRoll(db, ns, "keep:", Integer.MAX_VALUE);
            CompactionResult result = BasaltInternals.store(db).compact(0.5, (done, total) -> { });
            assertThat(result.segmentsCompacted()).isEqualTo(1);
            assertThat(result.tombstonesKept()).as("v1 went in the same pass").isZero();
        }
        try (Basalt db = Basalt.open(dir, options())) {
            assertThat(db.namespace("NS").get("k")).isNull();
            assertThat(db.namespace("NS").get("keep:3")).isEqualTo(FILLER);
        }
    }

    @Test
    void compactEverythingThenRestartKeepsExactlyTheLiveData() {
        try (Basalt db = Basalt.open(dir, options())) {
            KvNamespace ns = db.namespace("NS");
            for (int round = 0; round < 4; round++) {
                for (int i = 0; i < 1000; i++) {
                    ns.put("key:" + i, FILLER + round);
                }
            }
            for (int i = 0; i < 1000; i += 3) {
                ns.delete("key:" + i);
            }
            ns.put("ttl", "soon", PutOptions.expirationTtl(5));
            db.namespace("DROPPED").put("gone", "x");
            db.dropNamespace("DROPPED");
            fillSegment(ns, "tail:");
            long before = db.stats().totalLogBytes();
            clock.advanceSeconds(6);
            CompactionResult result = db.compact();
            assertThat(result.segmentsCompacted()).isPositive();
            assertThat(result.bytesReclaimed()).isPositive();
            assertThat(db.stats().totalLogBytes()).isLessThan(before);
            assertThat(db.stats().compactionsRun()).isEqualTo(1);
            assertLiveData(ns);
        }
        try (Basalt db = Basalt.open(dir, options())) {
            assertLiveData(db.namespace("NS"));
            assertThat(db.namespaces()).containsExactly("NS");
            assertThat(db.stats().corruptRecordsSkipped()).isZero();
        }
    }

    private static void assertLiveData(KvNamespace ns) {
        for (int i = 0; i < 1000; i++) {
            assertThat(ns.get("key:" + i)).as("key:" + i).isEqualTo(i % 3 == 0 ? null : FILLER + 3);
        }
        assertThat(ns.get("ttl")).isNull();
        assertThat(ns.get("tail:5")).isEqualTo(FILLER);
    }

    @Test
    void anOverwriteHeavyRunEndsUnderOnePointFiveSpaceAmplification() {
        try (Basalt db = Basalt.open(dir, options())) {
            KvNamespace ns = db.namespace("NS");
            for (int round = 0; round < 10; round++) {
                for (int i = 0; i < 500; i++) {
                    ns.put("key:" + i, FILLER + round);
                }
            }
            fillSegment(ns, "seal:");
            db.compact();
            double amplification = (double) db.stats().totalLogBytes() / db.stats().liveBytes();
            assertThat(amplification).as("log bytes / live bytes after compaction").isLessThan(1.5);
        }
    }

    @ParameterizedTest
    @EnumSource(CompactionStep.class)
    @SuppressWarnings("try") // the watcher works by being installed, not by being referenced
    void aFaultAtAnyStepLosesNothingAndLeavesNoGarbage(CompactionStep phase) throws Exception {
        try (Basalt db = Basalt.open(dir, options())) {
            KvNamespace ns = db.namespace("NS");
            for (int round = 0; round < 3; round++) {
                for (int i = 0; i < 800; i++) {
                    ns.put("key:" + i, FILLER + round);
                }
            }
            ns.delete("key:1");
            fillSegment(ns, "seal:");
            try (AutoCloseable watching = CrashPoints.observe(point -> {
                if (CompactionStep.after(point) == phase) {
                    throw new IllegalStateException("injected fault at " + phase);
                }
            })) {
                assertThatThrownBy(db::compact).hasMessageContaining("injected fault at " + phase);
            }
            assertCompactedData(ns);
        }
        for (int reopen = 0; reopen < 2; reopen++) {
            try (Basalt db = Basalt.open(dir, options())) {
                assertCompactedData(db.namespace("NS"));
                assertThat(db.stats().corruptRecordsSkipped()).isZero();
            }
            assertThat(dir.resolve(CompactionCommit.FILE_NAME)).doesNotExist();
            try (Stream<Path> files = Files.list(dir)) {
                List<String> names = files.map(p -> p.getFileName().toString()).toList();
                assertThat(names).noneMatch(n -> n.endsWith(".tmp"));
                String active = names.stream().filter(n -> n.endsWith(".seg")).max(String::compareTo).orElseThrow();
                List<String> hints = names.stream().filter(n -> n.endsWith(".hint")).toList();
                assertThat(hints).as("after a clean close only the active segment's hint: the close's checkpoint"
                        + " covers the others whole, and its publish deleted their hints")
                        .containsExactly(active.replace(".seg", ".hint"));
            }
        }
        try (Basalt db = Basalt.open(dir, options())) {
            db.compact();
            assertCompactedData(db.namespace("NS"));
        }
    }

    private static void assertCompactedData(KvNamespace ns) {
        for (int i = 0; i < 800; i++) {
            assertThat(ns.get("key:" + i)).as("key:" + i).isEqualTo(i == 1 ? null : FILLER + 2);
        }
    }

    @Test
    void aValueStreamOpenedBeforeCompactionStaysReadable() throws IOException {
        try (Basalt db = Basalt.open(dir, options())) {
            KvNamespace ns = db.namespace("NS");
            ns.put("streamed", FILLER);
            for (int i = 0; i < 1100; i++) {
                ns.put("churn:" + (i % 50), FILLER);
            }
            fillSegment(ns, "seal:");
            try (var stream = ns.get("streamed", dev.basalt.ValueType.STREAM)) {
                db.compact();
                assertThat(new String(stream.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(FILLER);
            }
            assertThat(ns.get("streamed")).isEqualTo(FILLER);
        }
    }

    @Test
    void theOfflineEngineRefusesAHeldDirectoryAndCompactsAClosedOne() {
        try (Basalt db = Basalt.open(dir, options())) {
            KvNamespace ns = db.namespace("NS");
            for (int round = 0; round < 3; round++) {
                for (int i = 0; i < 800; i++) {
                    ns.put("key:" + i, FILLER + round);
                }
            }
            fillSegment(ns, "seal:");
            assertThatThrownBy(() -> OfflineCompaction.run(dir, (done, total) -> { }))
                    .isInstanceOf(dev.basalt.BasaltException.class).hasMessageContaining("already open");
        }
        long[] lastProgress = new long[2];
        CompactionResult result = OfflineCompaction.run(dir, (done, total) -> {
            lastProgress[0] = done;
            lastProgress[1] = total;
        });
        assertThat(result.segmentsCompacted()).isPositive();
        assertThat(lastProgress[0]).isEqualTo(lastProgress[1]).isPositive();
        try (Basalt db = Basalt.open(dir, options())) {
            for (int i = 0; i < 800; i++) {
                assertThat(db.namespace("NS").get("key:" + i)).isEqualTo(FILLER + 2);
            }
        }
        assertThatThrownBy(() -> OfflineCompaction.run(dir.resolve("missing"), (done, total) -> { }))
                .hasMessageContaining("no data directory");
    }
}
