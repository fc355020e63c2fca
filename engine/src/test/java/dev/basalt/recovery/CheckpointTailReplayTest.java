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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;
import net.jqwik.api.ForAll;
import net.jqwik.api.Example;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

/**
 * An open after a crash loads the checkpoint of the last clean close and replays only the log
 * after it: puts, overwrites, deletes, expirations and namespaces created and dropped since then
 * all come back exactly, as a model of the writes says, and the live figures equal those of a
 * full replay. The crash is a copy of the directory taken while the store is open (everything
 * written reached the page cache, which the copy reads; nothing of the close is there).
 */
class CheckpointTailReplayTest {
    private static final long NOW = 1_900_000_000L;
    private static final List<String> NAMESPACES = List.of("alpha", "beta", "gamma");

    private static BasaltOptions options() {
        return StoreFixture.periodicStoppedAt(NOW);
    }

    @Property(tries = 12)
    void anOpenAfterACrashReplaysOnlyTheTailAndMatchesTheModel(@ForAll @LongRange(min = 1) long seed)
            throws IOException {
        Path root = Files.createTempDirectory("basalt-tail");
        try {
            Random random = new Random(seed);
            Path dir = root.resolve("data");
            Map<String, Map<String, String>> model = new TreeMap<>();
            try (Basalt db = Basalt.open(dir, options())) {
                writeSome(db, model, random, 2000);
            }
            Path crashed = root.resolve("crashed");
            long totalRecords;
            BasaltStats stats;
            try (Basalt db = Basalt.open(dir, options())) {
                assertThat(BasaltInternals.store(db).replayedBecause()).as("the clean close's checkpoint").isNull();
                writeSome(db, model, random, 1 + random.nextInt(1500));
                if (random.nextBoolean()) {
                    String dropped = NAMESPACES.get(random.nextInt(NAMESPACES.size()));
                    db.dropNamespace(dropped);
                    model.remove(dropped);
                    if (random.nextBoolean()) {
                        writeSome(db, model, random, 200);
                    }
                }
                copy(dir, crashed);
                stats = db.stats();
            }
            try (Basalt db = Basalt.open(crashed, options())) {
                assertThat(BasaltInternals.store(db).replayedBecause()).as("checkpoint plus tail").isNull();
                assertHolds(db, model);
                assertThat(db.stats().liveKeys()).isEqualTo(stats.liveKeys());
                assertThat(db.stats().liveBytes()).as("live figures reconciled").isEqualTo(stats.liveBytes());
                long tail = BasaltInternals.store(db).recordsReplayed();
                assertThat(tail).as("only the tail was replayed").isPositive();
                totalRecords = tail;
            }
            Files.delete(crashed.resolve("CHECKPOINT"));
            try (Basalt db = Basalt.open(crashed, options())) {
                assertThat(BasaltInternals.store(db).replayedBecause()).isEqualTo("no checkpoint");
                assertThat(BasaltInternals.store(db).recordsReplayed()).as("a full replay reads more")
                        .isGreaterThan(totalRecords);
                assertHolds(db, model);
                assertThat(db.stats().liveBytes()).as("the same figures as a full replay").isEqualTo(stats.liveBytes());
            }
        } finally {
            StoreFixture.deleteRecursively(root);
        }
    }

    /**
     * Background checkpoints (every 256 KiB of log here) keep the replay after a crash short
     * while two writers put and delete in GROUP_COMMIT mode (the checkpoints are written from
     * copies while the writers change the originals): every acknowledged write is there, no
     * deleted key is back, and the open replays far fewer records than were written.
     */
    @Example
    void backgroundCheckpointsKeepTheTailShortWhileWritersRun() throws Exception {
        Path root = Files.createTempDirectory("basalt-tail");
        try {
            Path dir = root.resolve("data");
            BasaltOptions options = options().withDurability(Durability.GROUP_COMMIT).withCheckpointInterval(256 << 10);
            Map<String, String> acknowledged = new java.util.concurrent.ConcurrentHashMap<>();
            int perWriter = 3000;
            try (Basalt db = Basalt.open(dir, options)) {
                KvNamespace ns = db.namespace("alpha");
                List<Thread> writers = new java.util.ArrayList<>();
                for (int t = 0; t < 2; t++) {
                    int writer = t;
                    writers.add(new Thread(() -> {
                        Random random = new Random(writer);
                        for (int i = 0; i < perWriter; i++) {
                            String key = "w" + writer + "/" + random.nextInt(500);
                            if (i % 7 == 6) {
                                ns.delete(key); // the checkpoints' copies see removed nodes too
                                acknowledged.remove(key);
                                continue;
                            }
                            String value = i + "x".repeat(200);
                            ns.put(key, value);
                            acknowledged.put(key, value);
                        }
                    }));
                }
                writers.forEach(Thread::start);
                for (Thread writer : writers) {
                    writer.join();
                }
                copyOnceCheckpointed(dir, root.resolve("crashed"));
            }
            try (Basalt db = Basalt.open(root.resolve("crashed"), options)) {
                assertOpenedFromACheckpoint(db, perWriter);
                KvNamespace ns = db.namespace("alpha");
                for (int t = 0; t < 2; t++) {
                    for (int k = 0; k < 500; k++) {
                        String key = "w" + t + "/" + k;
                        assertThat(ns.get(key)).as(key).isEqualTo(acknowledged.get(key));
                    }
                }
                assertThat(ns.listAll(ListOptions.all()).count()).isEqualTo(acknowledged.size());
            }
        } finally {
            StoreFixture.deleteRecursively(root);
        }
    }

    /**
     * Background checkpoints taken during a load of new keys, where the index grows and the
     * listing gains chunks while each checkpoint copies them (its copies caught up without the
     * lock, a grown index's copy started again on the new table): an open from a copy of the
     * directory taken after the load finds every key, in the index and in the listing.
     */
    @Example
    void checkpointsTakenDuringALoadOfNewKeysHoldEveryKey() throws Exception {
        Path root = Files.createTempDirectory("basalt-load-checkpoints");
        try {
            Path dir = root.resolve("data");
            BasaltOptions options = options().withCheckpointInterval(1 << 20);
            int keys = 120_000;
            try (Basalt db = Basalt.open(dir, options)) {
                KvNamespace ns = db.namespace("load");
                Random random = new Random(11);
                for (int i = 0; i < keys; i++) {
                    ns.put(String.format("k%09d", random.nextInt(1_000_000_000)) + "-" + i, "v" + i);
                }
                copyOnceCheckpointed(dir, root.resolve("crashed"));
            }
            try (Basalt db = Basalt.open(root.resolve("crashed"), options)) {
                assertOpenedFromACheckpoint(db, keys);
                KvNamespace ns = db.namespace("load");
                Random random = new Random(11);
                for (int i = 0; i < keys; i++) {
                    String key = String.format("k%09d", random.nextInt(1_000_000_000)) + "-" + i;
                    assertThat(ns.get(key)).as(key).isEqualTo("v" + i);
                }
                assertThat(ns.listAll(ListOptions.all()).count()).isEqualTo(keys);
            }
        } finally {
            StoreFixture.deleteRecursively(root);
        }
    }

    /**
     * Copies {@code dir}, as a kill would leave it, once a background checkpoint is in it: the
     * agent writes one within its next ticks once the log has grown by the interval, and on a
     * loaded machine the writers can finish first.
     */
    private static void copyOnceCheckpointed(Path dir, Path to) throws Exception {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        while (!Files.exists(dir.resolve("CHECKPOINT")) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        copy(dir, to);
    }

    private static void assertOpenedFromACheckpoint(Basalt db, int recordsWritten) {
        assertThat(BasaltInternals.store(db).replayedBecause()).as("a background checkpoint").isNull();
        assertThat(BasaltInternals.store(db).recordsReplayed()).as("the tail after the last checkpoint")
                .isLessThan(recordsWritten);
    }

    private static void writeSome(Basalt db, Map<String, Map<String, String>> model, Random random, int operations) {
        for (int i = 0; i < operations; i++) {
            String name = NAMESPACES.get(random.nextInt(NAMESPACES.size()));
            KvNamespace ns = db.namespace(name);
            Map<String, String> keys = model.computeIfAbsent(name, n -> new TreeMap<>());
            String key = "k/" + random.nextInt(400);
            int roll = random.nextInt(10);
            if (roll < 2) {
                ns.delete(key);
                keys.remove(key);
            } else {
                String value = "v" + random.nextInt(1_000_000) + "x".repeat(random.nextInt(600));
                if (roll == 2) {
                    ns.put(key, value, PutOptions.expiration(NOW + 10 + random.nextInt(1000)));
                } else if (roll == 3) {
                    ns.put(key, value, PutOptions.none().withMetadata(Map.of("n", i)));
                } else {
                    ns.put(key, value);
                }
                keys.put(key, value);
            }
        }
    }

    private static void assertHolds(Basalt db, Map<String, Map<String, String>> model) {
        List<String> expectedNamespaces = model.keySet().stream().collect(Collectors.toList());
        assertThat(db.namespaces()).containsAll(expectedNamespaces);
        for (Map.Entry<String, Map<String, String>> ns : model.entrySet()) {
            KvNamespace namespace = db.namespace(ns.getKey());
            List<String> listed = namespace.listAll(ListOptions.all()).map(KeyInfo::name).collect(Collectors.toList());
            assertThat(listed).as("listing of " + ns.getKey()).containsExactlyElementsOf(ns.getValue().keySet());
            for (Map.Entry<String, String> e : ns.getValue().entrySet()) {
                assertThat(namespace.get(e.getKey())).as(ns.getKey() + " " + e.getKey()).isEqualTo(e.getValue());
            }
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        TestFiles.copyAsAKillLeavesIt(from, to);
    }
}
