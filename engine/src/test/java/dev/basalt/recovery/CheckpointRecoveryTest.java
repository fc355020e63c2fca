package dev.basalt.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.Basalt;
import dev.basalt.BasaltInternals;
import dev.basalt.BasaltOptions;
import dev.basalt.BasaltStats;
import dev.basalt.Durability;
import dev.basalt.KeyInfo;
import dev.basalt.KvNamespace;
import dev.basalt.ListOptions;
import dev.basalt.PutOptions;
import dev.basalt.testing.TestFiles;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checkpoint a clean close writes: the next open loads it instead of replaying the log and
 * sees exactly the state the close left (values, listings, metadata, expirations, live figures);
 * an older one is loaded and the log after it replayed; one that is damaged, truncated, from
 * another store or whose segments compaction removed is not used, and the open replays the whole
 * log to the same contents.
 */
class CheckpointRecoveryTest {
    private static final long NOW = 1_900_000_000L;

    @TempDir
    Path dir;
    @TempDir
    Path elsewhere;

    private static BasaltOptions options(long nowEpochSeconds) {
        return BasaltOptions.defaults().withSegmentSize(1L << 20).withBackgroundCompaction(false)
                .withDurability(Durability.PERIODIC)
                .withClock(Clock.fixed(Instant.ofEpochSecond(nowEpochSeconds), ZoneOffset.UTC))
                .withMinExpirationTtl(Duration.ZERO);
    }

    /** Fills two namespaces across several segments; returns the expected contents per namespace. */
    private static Map<String, Map<String, String>> fill(Basalt db) {
        Map<String, Map<String, String>> model = new TreeMap<>();
        for (String name : List.of("alpha", "beta")) {
            KvNamespace ns = db.namespace(name);
            Map<String, String> keys = new TreeMap<>();
            for (int i = 0; i < 3000; i++) {
                String key = "key/" + (i * 7919 % 3000);
                String value = name + "-" + i + "-" + "x".repeat(i % 300);
                if (i % 5 == 0) {
                    ns.put(key, value, PutOptions.none().withMetadata(Map.of("i", i)));
                } else if (i % 5 == 1) {
                    ns.put(key, value, PutOptions.expiration(NOW + 1000 + i));
                } else {
                    ns.put(key, value);
                }
                keys.put(key, value);
            }
            for (int i = 0; i < 3000; i += 11) {
                ns.delete("key/" + i);
                keys.remove("key/" + i);
            }
            for (int i = 0; i < 3000; i += 13) { // overwrites, after the deletes
                ns.put("key/" + i, "again-" + i);
                keys.put("key/" + i, "again-" + i);
            }
            model.put(name, keys);
        }
        return model;
    }

    private static void assertHolds(Basalt db, Map<String, Map<String, String>> model) {
        assertThat(db.namespaces()).containsExactlyElementsOf(model.keySet());
        for (Map.Entry<String, Map<String, String>> ns : model.entrySet()) {
            KvNamespace namespace = db.namespace(ns.getKey());
            List<String> listed = namespace.listAll(ListOptions.all()).map(KeyInfo::name).collect(Collectors.toList());
            assertThat(listed).as("listing of " + ns.getKey()).containsExactlyElementsOf(ns.getValue().keySet());
            for (Map.Entry<String, String> e : ns.getValue().entrySet()) {
                assertThat(namespace.get(e.getKey())).as(ns.getKey() + " " + e.getKey()).isEqualTo(e.getValue());
            }
            assertThat(namespace.get("key/0")).as("deleted, then put again").isEqualTo("again-0");
            assertThat(namespace.get("key/11")).as("deleted").isNull();
        }
    }

    @Test
    void aCleanCloseWritesACheckpointAndTheNextOpenLoadsItInsteadOfReplaying() {
        Map<String, Map<String, String>> model;
        BasaltStats before;
        try (Basalt db = Basalt.open(dir, options(NOW))) {
            assertThat(BasaltInternals.store(db).replayedBecause()).isEqualTo("no checkpoint");
            model = fill(db);
            before = db.stats();
        }
        assertThat(dir.resolve("CHECKPOINT")).exists();
        try (Basalt db = Basalt.open(dir, options(NOW))) {
            assertThat(BasaltInternals.store(db).replayedBecause()).as("loaded, nothing replayed").isNull();
            assertHolds(db, model);
            BasaltStats after = db.stats();
            assertThat(after.liveKeys()).isEqualTo(before.liveKeys());
            assertThat(after.liveBytes()).isEqualTo(before.liveBytes());
            assertThat(after.segmentCount()).isGreaterThanOrEqualTo(2).isEqualTo(before.segmentCount());
            KeyInfo withMetadata = db.namespace("alpha").list(ListOptions.prefix("key/0")).keys().get(0);
            assertThat(withMetadata.metadata()).as("metadata of key/0 (overwritten without)").isNull();
            KvNamespace alpha = db.namespace("alpha");
            alpha.put("after", "the checkpoint");
            model.get("alpha").put("after", "the checkpoint");
        }
        try (Basalt db = Basalt.open(dir, options(NOW))) {
            assertThat(BasaltInternals.store(db).replayedBecause()).as("the second close wrote a new one").isNull();
            assertHolds(db, model);
        }
    }

    /**
     * A published checkpoint deletes the hint files of the segments it covers whole: an open that
     * uses it reads none of them and does not write them again; one that cannot use it rescans
     * those segments, writes their hints, and the next published checkpoint deletes them again.
     * The segment that was active at the close keeps its clean-close hint.
     */
    @Test
    void aPublishedCheckpointDeletesTheHintsOfTheSegmentsItCoversWhole() throws IOException {
        Map<String, Map<String, String>> model;
        long segments;
        try (Basalt db = Basalt.open(dir, options(NOW))) {
            model = fill(db);
            segments = db.stats().segmentCount();
        }
        assertThat(segments).as("a sealed segment and the active one at least").isGreaterThanOrEqualTo(2);
        Path lastHint = dir.resolve(String.format("%012d.hint", segments));
        assertThat(sealedHints(segments)).as("hints of the segments the close's checkpoint covers whole").isEmpty();
        assertThat(lastHint).as("the active segment's clean-close hint").exists();
        try (Basalt db = Basalt.open(dir, options(NOW))) {
            assertThat(BasaltInternals.store(db).replayedBecause()).as("loaded, nothing replayed").isNull();
            assertThat(sealedHints(segments)).as("not written again by an open that uses the checkpoint").isEmpty();
            assertHolds(db, model);
        }
        Files.delete(dir.resolve("CHECKPOINT"));
        try (Basalt db = Basalt.open(dir, options(NOW))) {
            assertThat(BasaltInternals.store(db).replayedBecause()).isEqualTo("no checkpoint");
            assertThat(TestFiles.awaitExisting(sealedHintPaths(segments), segments - 1))
                    .as("rescanned without the checkpoint, and written again by the background thread")
                    .isEqualTo(segments - 1);
            assertHolds(db, model);
        }
        assertThat(sealedHints(segments)).as("deleted again when the close published its checkpoint").isEmpty();
    }

    /** The hint files of segments 1 to {@code segments - 1} that exist. */
    private List<Path> sealedHints(long segments) {
        return sealedHintPaths(segments).stream().filter(Files::exists).collect(Collectors.toList());
    }

    /** The paths of the hint files of segments 1 to {@code segments - 1}, whether they exist or not. */
    private List<Path> sealedHintPaths(long segments) {
        List<Path> paths = new java.util.ArrayList<>();
        for (long id = 1; id < segments; id++) {
            paths.add(dir.resolve(String.format("%012d.hint", id)));
        }
        return paths;
    }

    @Test
    void expirationsComeBackWithTheCheckpointAndRunOutOnTime() {
        Map<String, Map<String, String>> model;
        try (Basalt db = Basalt.open(dir, options(NOW))) {
            model = fill(db);
        }
        long later = NOW + 1000 + 3000; // past every expiration fill() set
        try (Basalt db = Basalt.open(dir, options(later))) {
            assertThat(BasaltInternals.store(db).replayedBecause()).isNull();
            // The background sweep may purge some first; either way every expired key goes.
            BasaltInternals.sweepAllDue(db, later);
            List<String> expiring = model.get("alpha").entrySet().stream()
                    .filter(e -> !e.getValue().startsWith("again-") && Integer.parseInt(e.getValue().split("-")[1]) % 5 == 1)
                    .map(Map.Entry::getKey).collect(Collectors.toList());
            long expiringInBoth = expiring.size() + model.get("beta").values().stream()
                    .filter(v -> !v.startsWith("again-") && Integer.parseInt(v.split("-")[1]) % 5 == 1).count();
            long total = model.values().stream().mapToLong(Map::size).sum();
            assertThat(db.stats().liveKeys()).as("purged through the restored expiry entries")
                    .isEqualTo(total - expiringInBoth);
            assertThat(db.stats().expiredAndPurged()).isEqualTo(expiringInBoth);
            assertThat(expiring).isNotEmpty();
            for (String key : expiring) {
                assertThat(db.namespace("alpha").get(key)).as(key).isNull();
            }
        }
    }

    @Test
    void anOlderCheckpointIsLoadedAndOnlyTheLogAfterItReplayed() throws IOException {
        Map<String, Map<String, String>> model;
        try (Basalt db = Basalt.open(dir, options(NOW))) {
            model = fill(db);
        }
        Path old = elsewhere.resolve("old-checkpoint");
        Files.copy(dir.resolve("CHECKPOINT"), old);
        try (Basalt db = Basalt.open(dir, options(NOW))) {
            db.namespace("beta").put("newer", "than the old checkpoint");
            model.get("beta").put("newer", "than the old checkpoint");
        }
        Files.copy(old, dir.resolve("CHECKPOINT"), StandardCopyOption.REPLACE_EXISTING);
        try (Basalt db = Basalt.open(dir, options(NOW))) {
            // The log moved on after the old checkpoint: it is loaded and the records after it replayed.
            assertThat(BasaltInternals.store(db).replayedBecause()).isNull();
            assertThat(BasaltInternals.store(db).recordsReplayed()).isEqualTo(1);
            assertHolds(db, model);
        }
    }

    @Test
    void aCheckpointIsNotUsedAfterCompactionChangedTheSegments() throws IOException {
        Map<String, Map<String, String>> model;
        try (Basalt db = Basalt.open(dir, options(NOW))) {
            model = fill(db);
        }
        Path old = elsewhere.resolve("old-checkpoint");
        Files.copy(dir.resolve("CHECKPOINT"), old);
        try (Basalt db = Basalt.open(dir, options(NOW))) {
            assertThat(db.compact().segmentsCompacted()).isPositive();
        }
        Files.copy(old, dir.resolve("CHECKPOINT"), StandardCopyOption.REPLACE_EXISTING);
        try (Basalt db = Basalt.open(dir, options(NOW))) {
            assertThat(BasaltInternals.store(db).replayedBecause()).contains("is gone (compacted away)");
            assertHolds(db, model);
        }
    }

    @Test
    void aDamagedOrTruncatedCheckpointIsRejectedAndTheLogIsReplayed() throws IOException {
        Map<String, Map<String, String>> model;
        try (Basalt db = Basalt.open(dir, options(NOW))) {
            model = fill(db);
        }
        Path checkpoint = dir.resolve("CHECKPOINT");
        long size = Files.size(checkpoint);
        for (long at : new long[] {3, 40, size / 3, size / 2, size - 20, size - 2}) {
            try (RandomAccessFile file = new RandomAccessFile(checkpoint.toFile(), "rw")) {
                file.seek(at);
                int b = file.read();
                file.seek(at);
                file.write(b ^ 0x10);
            }
            try (Basalt db = Basalt.open(dir, options(NOW))) {
                assertThat(BasaltInternals.store(db).replayedBecause()).as("flip at " + at).isEqualTo("no checkpoint");
                assertThat(checkpoint).as("the rejected checkpoint is deleted").doesNotExist();
                assertHolds(db, model);
            }
            assertThat(checkpoint).as("the close wrote it again").exists();
            size = Files.size(checkpoint);
        }
        try (RandomAccessFile file = new RandomAccessFile(checkpoint.toFile(), "rw")) {
            file.setLength(size - 100);
        }
        try (Basalt db = Basalt.open(dir, options(NOW))) {
            assertThat(BasaltInternals.store(db).replayedBecause()).as("truncated").isEqualTo("no checkpoint");
            assertHolds(db, model);
        }
    }

    @Test
    void aCheckpointFromAnotherStoreIsRejected() throws IOException {
        try (Basalt db = Basalt.open(elsewhere, options(NOW))) {
            db.namespace("alpha").put("other", "store");
        }
        Map<String, Map<String, String>> model;
        try (Basalt db = Basalt.open(dir, options(NOW))) {
            model = fill(db);
        }
        Files.copy(elsewhere.resolve("CHECKPOINT"), dir.resolve("CHECKPOINT"), StandardCopyOption.REPLACE_EXISTING);
        try (Basalt db = Basalt.open(dir, options(NOW))) {
            assertThat(BasaltInternals.store(db).replayedBecause()).isEqualTo("no checkpoint");
            assertHolds(db, model);
            assertThat(db.namespace("alpha").get("other")).isNull();
        }
    }

    @Test
    void aDroppedNamespaceStaysDroppedThroughTheCheckpoint() {
        try (Basalt db = Basalt.open(dir, options(NOW))) {
            fill(db);
            assertThat(db.dropNamespace("beta")).isTrue();
        }
        try (Basalt db = Basalt.open(dir, options(NOW))) {
            assertThat(BasaltInternals.store(db).replayedBecause()).isNull();
            assertThat(db.namespaces()).containsExactly("alpha");
        }
    }
}
