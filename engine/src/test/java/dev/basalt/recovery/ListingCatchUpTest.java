package dev.basalt.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.Basalt;
import dev.basalt.BasaltInternals;
import dev.basalt.BasaltOptions;
import dev.basalt.KeyInfo;
import dev.basalt.KvNamespace;
import dev.basalt.ListOptions;
import dev.basalt.PutOptions;
import dev.basalt.internal.store.Store;
import dev.basalt.testing.TestFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

/**
 * An open from a checkpoint leaves the listing's share of the replayed tail to a catch-up after
 * the open; an open that replays the whole log (here: the checkpoint deleted) leaves it the
 * whole listing of a large namespace (here: of every namespace, in batches of 97 keys). No
 * writes (the catch-up then trusts what the replay read), or writes to the very keys it owes
 * made while it is held back, a namespace dropped meanwhile, and each way it can finish
 * (a list on the caller's thread, which merges an open's backlog into its pages instead, the
 * background thread, the close) leave every listing exactly
 * as a model of the writes says: the keys, and for each its expiration and metadata (a key
 * wrongly flagged plain would list without them). The close's checkpoint then holds whole
 * listings.
 */
class ListingCatchUpTest {
    private static final long NOW = 1_900_000_000L;
    private static final List<String> NAMESPACES = List.of("alpha", "beta");
    /** Keys new since the checkpoint in the second property: about ten holds of the catch-up. */
    private static final int FRESH_KEYS = 5000;

    /** What a list shows of one key: its expiration and metadata, or "plain". */
    private record Listed(String value, String shown) {
    }

    private static BasaltOptions options() {
        return StoreFixture.periodicStoppedAt(NOW);
    }

    @Property(tries = 15)
    void writesWhileTheListingCatchesUpLeaveItAsTheModelSays(@ForAll @LongRange(min = 1) long seed,
            @ForAll boolean wholeLog) throws Exception {
        Path root = Files.createTempDirectory("basalt-catch-up");
        try {
            Random random = new Random(seed);
            Map<String, Map<String, Listed>> model = new TreeMap<>();
            Path crashed = crashedAfterATail(root, model, random, db -> {
                writeSome(db, model, random, 200 + random.nextInt(1000));
                put(db, model, "alpha", "fresh/" + seed, "new since the checkpoint", PutOptions.none(), "plain");
            });
            int finish = random.nextInt(3);
            AutoCloseable paused = Store.pauseListingCatchUps();
            try {
                try (Basalt db = open(crashed, wholeLog)) {
                    Store store = BasaltInternals.store(db);
                    assertThat(store.listingsBehind()).as("the tail's new key is owed to the listing").isTrue();
                    if (random.nextInt(3) > 0) { // else the catch-up takes the replay's word for every key
                        writeSome(db, model, random, 1 + random.nextInt(400));
                    }
                    if (random.nextInt(4) == 0) {
                        db.dropNamespace("beta");
                        model.remove("beta");
                    }
                    if (finish == 0) {
                        // A list pays a whole-log listing first; an open's backlog it merges in, unpaid.
                        assertListed(db, model);
                        assertThat(store.listingsBehind()).isEqualTo(!wholeLog);
                    } else if (finish == 1) {
                        paused.close(); // the background thread's turn
                        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                        while (store.listingsBehind() && System.nanoTime() < deadline) {
                            Thread.sleep(5);
                        }
                        assertThat(store.listingsBehind()).as("caught up in the background").isFalse();
                        assertListed(db, model);
                    }
                    // finish == 2: the close catches up before its checkpoint
                }
            } finally {
                paused.close();
            }
            try (Basalt db = Basalt.open(crashed, options())) {
                Store store = BasaltInternals.store(db);
                assertThat(store.replayedBecause()).as("the close's checkpoint").isNull();
                assertThat(store.recordsReplayed()).as("nothing after it").isZero();
                assertThat(store.listingsBehind()).isFalse();
                assertListed(db, model);
            }
        } finally {
            StoreFixture.deleteRecursively(root);
        }
    }

    /**
     * The catch-up running beside two writers and a lister: the writers start while it is held
     * back, then it is let go, so its holds of the lock interleave with their puts and deletes
     * of the very keys it owes (each writer owns every other key, so the end state is known),
     * while a third thread lists (and so may finish the catch-up itself). Once all stop, every
     * listing equals the model.
     */
    @Property(tries = 10)
    void theCatchUpInterleavesWithWritersAndListers(@ForAll @LongRange(min = 1) long seed, @ForAll boolean wholeLog)
            throws Exception {
        Path root = Files.createTempDirectory("basalt-catch-up");
        try {
            Random random = new Random(seed);
            Map<String, Map<String, Listed>> model = new TreeMap<>();
            Path crashed = crashedAfterATail(root, model, random, db -> {
                writeSome(db, model, random, 3000);
                for (int i = 0; i < FRESH_KEYS; i++) { // a backlog of many holds
                    put(db, model, "alpha", "fresh/" + i, "f" + i, PutOptions.none(), "plain");
                }
            });
            AutoCloseable paused = Store.pauseListingCatchUps();
            try (Basalt db = open(crashed, wholeLog)) {
                assertThat(BasaltInternals.store(db).listingsBehind()).isTrue();
                List<Map<String, Map<String, Listed>>> models = List.of(new TreeMap<>(), new TreeMap<>());
                java.util.concurrent.atomic.AtomicBoolean writing = new java.util.concurrent.atomic.AtomicBoolean(true);
                List<Thread> threads = new ArrayList<>();
                for (int w = 0; w < 2; w++) {
                    int writer = w;
                    long writerSeed = random.nextLong();
                    threads.add(new Thread(() -> writeOwnKeys(db, models.get(writer), new Random(writerSeed), writer)));
                }
                Throwable[] listerFailed = new Throwable[1];
                threads.add(new Thread(() -> {
                    try {
                        while (writing.get()) {
                            db.namespace(NAMESPACES.get(0)).list(ListOptions.prefix("k/").withLimit(50));
                        }
                    } catch (Throwable t) {
                        listerFailed[0] = t;
                    }
                }));
                threads.forEach(Thread::start);
                Thread.sleep(random.nextInt(20));
                paused.close();
                threads.get(0).join();
                threads.get(1).join();
                writing.set(false);
                threads.get(2).join();
                assertThat(listerFailed[0]).isNull();
                for (Map<String, Map<String, Listed>> written : models) {
                    written.forEach((name, keys) -> model.computeIfAbsent(name, n -> new TreeMap<>()).putAll(keys));
                }
                model.values().forEach(keys -> keys.values().removeIf(entry -> entry == null));
                assertListed(db, model);
            }
        } finally {
            StoreFixture.deleteRecursively(root);
        }
    }

    /**
     * A tail that owes the listing more than an eighth of its keys is paid by a merge into a
     * fresh listing when nothing changes the namespace meanwhile, whichever way the catch-up
     * finishes; a write between the merge's walk and its end discards the copy, and the keys are
     * inserted one by one. Either way every listing ends as the model says.
     */
    @Property(tries = 12)
    void aLargeBacklogIsMergedUnlessAWriteComesBetween(@ForAll @LongRange(min = 1) long seed,
            @ForAll boolean writeDuringTheMerge) throws Exception {
        Path root = Files.createTempDirectory("basalt-catch-up");
        try {
            Random random = new Random(seed);
            Map<String, Map<String, Listed>> model = new TreeMap<>();
            Path crashed = crashedAfterATail(root, model, random, db -> {
                writeSome(db, model, random, 600);
                for (int i = 0; i < 2000; i++) { // owed: far more than an eighth of the listed keys
                    String shown = random.nextInt(5) == 0 ? "{\"m\":" + i + "}" : "plain";
                    PutOptions options = shown.equals("plain") ? PutOptions.none()
                            : PutOptions.none().withMetadata(Map.of("m", i));
                    put(db, model, "alpha", "fresh/" + random.nextInt(100_000), "f" + i, options, shown);
                }
            });
            int finish = random.nextInt(3);
            AutoCloseable paused = Store.pauseListingCatchUps();
            try {
                try (Basalt db = open(crashed, false)) {
                    Store store = BasaltInternals.store(db);
                    assertThat(store.catchUpListingsOneStep()).as("the merge's walk").isPositive();
                    assertThat(store.listingsBehind()).isTrue();
                    if (writeDuringTheMerge) {
                        String key = "fresh/" + random.nextInt(100_000);
                        put(db, model, "alpha", key, "between", PutOptions.none(), "plain");
                    }
                    if (finish == 0) {
                        assertListed(db, model);
                    } else if (finish == 1) {
                        while (store.listingsBehind()) {
                            store.catchUpListingsOneStep();
                        }
                        assertListed(db, model);
                    }
                    if (finish == 0) {
                        assertThat(store.listingsBehind()).as("the list merged the backlog in, unpaid").isTrue();
                        assertThat(store.listingsMerged()).isZero();
                    } else if (finish == 1) {
                        assertThat(store.listingsMerged()).as("merged, unless a write came between")
                                .isEqualTo(writeDuringTheMerge ? 0 : 1);
                    }
                }
            } finally {
                paused.close();
            }
            try (Basalt db = Basalt.open(crashed, options())) {
                assertThat(BasaltInternals.store(db).replayedBecause()).as("the close's checkpoint").isNull();
                assertListed(db, model);
            }
        } finally {
            StoreFixture.deleteRecursively(root);
        }
    }

    /**
     * The merge over a listing that takes its walk more than one step (16,384 keys a step, each
     * resuming after the last key copied): 24,000 keys listed at the checkpoint, 4,000 owed by the
     * tail, a fifth of them with metadata. Every listing ends as the model says.
     */
    @Property(tries = 2)
    void aListingWalkedInSeveralStepsIsMergedWhole(@ForAll @LongRange(min = 1) long seed) throws Exception {
        Path root = Files.createTempDirectory("basalt-catch-up");
        try {
            Random random = new Random(seed);
            Map<String, Map<String, Listed>> model = new TreeMap<>();
            Path crashed = crashedAfterATail(root, db -> {
                for (int i = 0; i < 24_000; i++) {
                    put(db, model, "alpha", String.format("bulk/%07d", random.nextInt(10_000_000)), "b",
                            PutOptions.none(), "plain");
                }
            }, db -> {
                for (int i = 0; i < 4_000; i++) {
                    boolean plain = random.nextInt(5) != 0;
                    put(db, model, "alpha", "bulk/" + random.nextInt(10_000_000), "f" + i,
                            plain ? PutOptions.none() : PutOptions.none().withMetadata(Map.of("m", i)),
                            plain ? "plain" : "{\"m\":" + i + "}");
                }
            });
            AutoCloseable paused = Store.pauseListingCatchUps();
            try (Basalt db = open(crashed, false)) {
                Store store = BasaltInternals.store(db);
                while (store.listingsBehind()) {
                    store.catchUpListingsOneStep();
                }
                assertThat(store.listingsMerged()).isEqualTo(1);
                assertListed(db, model);
            } finally {
                paused.close();
            }
        } finally {
            StoreFixture.deleteRecursively(root);
        }
    }

    /**
     * Opens the killed copy: from its checkpoint and the tail after it, or ({@code wholeLog}) with
     * the checkpoint deleted, so that every record is replayed and every listing left behind whole.
     */
    private static Basalt open(Path crashed, boolean wholeLog) throws Exception {
        if (!wholeLog) {
            Basalt db = Basalt.open(crashed, options());
            assertThat(BasaltInternals.store(db).replayedBecause()).as("checkpoint plus tail").isNull();
            return db;
        }
        Files.delete(crashed.resolve("CHECKPOINT"));
        AutoCloseable deferred = Store.deferAllListingsAtOpen();
        Basalt db;
        try {
            db = Basalt.open(crashed, options());
        } finally {
            deferred.close();
        }
        assertThat(BasaltInternals.store(db).replayedBecause()).as("the whole log").isNotNull();
        return db;
    }

    /**
     * A store closed cleanly after 1,500 writes (its checkpoint), opened again for {@code tail},
     * and copied as a kill then leaves it; returns the copy.
     */
    private static Path crashedAfterATail(Path root, Map<String, Map<String, Listed>> model, Random random,
            java.util.function.Consumer<Basalt> tail) throws IOException {
        return crashedAfterATail(root, db -> writeSome(db, model, random, 1500), tail);
    }

    /**
     * A store where {@code checkpointed} wrote before a clean close and {@code tail} after it,
     * copied as a kill leaves it.
     */
    private static Path crashedAfterATail(Path root, java.util.function.Consumer<Basalt> checkpointed,
            java.util.function.Consumer<Basalt> tail) throws IOException {
        Path dir = root.resolve("data");
        try (Basalt db = Basalt.open(dir, options())) {
            checkpointed.accept(db);
        }
        Path crashed = root.resolve("crashed");
        try (Basalt db = Basalt.open(dir, options())) {
            tail.accept(db);
            TestFiles.copyAsAKillLeavesIt(dir, crashed);
        }
        return crashed;
    }

    /**
     * Puts and deletes of the keys {@code k/i} and {@code fresh/i} with {@code i % 2 == writer}; a
     * delete leaves null in the model.
     */
    private static void writeOwnKeys(Basalt db, Map<String, Map<String, Listed>> model, Random random, int writer) {
        for (int i = 0; i < 3000; i++) {
            boolean fresh = random.nextBoolean();
            String name = fresh ? "alpha" : NAMESPACES.get(random.nextInt(NAMESPACES.size()));
            String key = fresh ? "fresh/" + (2 * random.nextInt(FRESH_KEYS / 2) + writer)
                    : "k/" + (2 * random.nextInt(150) + writer);
            Map<String, Listed> keys = model.computeIfAbsent(name, n -> new TreeMap<>());
            int roll = random.nextInt(10);
            if (roll < 3) {
                db.namespace(name).delete(key);
                keys.put(key, null);
            } else if (roll == 3) {
                String value = "w" + writer + "-" + i;
                db.namespace(name).put(key, value, PutOptions.none().withMetadata(Map.of("n", i)));
                keys.put(key, new Listed(value, "{\"n\":" + i + "}"));
            } else {
                String value = "w" + writer + "-" + i;
                db.namespace(name).put(key, value);
                keys.put(key, new Listed(value, "plain"));
            }
        }
    }

    private static void writeSome(Basalt db, Map<String, Map<String, Listed>> model, Random random, int operations) {
        for (int i = 0; i < operations; i++) {
            String name = NAMESPACES.get(random.nextInt(NAMESPACES.size()));
            String key = "k/" + random.nextInt(300);
            int roll = random.nextInt(10);
            if (roll < 2) {
                db.namespace(name).delete(key);
                model.computeIfAbsent(name, n -> new TreeMap<>()).remove(key);
                continue;
            }
            String value = "v" + random.nextInt(1_000_000) + "x".repeat(random.nextInt(300));
            if (roll == 2) {
                long expiration = NOW + 10 + random.nextInt(1000);
                put(db, model, name, key, value, PutOptions.expiration(expiration), "expires " + expiration);
            } else if (roll == 3) {
                put(db, model, name, key, value, PutOptions.none().withMetadata(Map.of("n", i)), "{\"n\":" + i + "}");
            } else {
                put(db, model, name, key, value, PutOptions.none(), "plain");
            }
        }
    }

    private static void put(Basalt db, Map<String, Map<String, Listed>> model, String name, String key, String value,
            PutOptions options, String shown) {
        db.namespace(name).put(key, value, options);
        model.computeIfAbsent(name, n -> new TreeMap<>()).put(key, new Listed(value, shown));
    }

    private static void assertListed(Basalt db, Map<String, Map<String, Listed>> model) {
        for (Map.Entry<String, Map<String, Listed>> ns : model.entrySet()) {
            KvNamespace namespace = db.namespace(ns.getKey());
            List<String> listed = namespace.listAll(ListOptions.all()).map(ListingCatchUpTest::shown)
                    .collect(Collectors.toList());
            List<String> expected = new ArrayList<>();
            ns.getValue().forEach((key, entry) -> expected.add(key + " " + entry.shown()));
            assertThat(listed).as("listing of " + ns.getKey()).containsExactlyElementsOf(expected);
            for (Map.Entry<String, Listed> e : ns.getValue().entrySet()) {
                assertThat(namespace.get(e.getKey())).as(ns.getKey() + " " + e.getKey())
                        .isEqualTo(e.getValue().value());
            }
        }
    }

    private static String shown(KeyInfo info) {
        if (info.expiration() != null) {
            return info.name() + " expires " + info.expiration();
        }
        return info.name() + " " + (info.metadata() == null ? "plain" : info.metadata().toString());
    }
}
