package dev.basalt.internal.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.Basalt;
import dev.basalt.BasaltInternals;
import dev.basalt.BasaltOptions;
import dev.basalt.Durability;
import dev.basalt.KeyInfo;
import dev.basalt.KvNamespace;
import dev.basalt.ListOptions;
import dev.basalt.PutOptions;
import dev.basalt.internal.checkpoint.CheckpointContent;
import dev.basalt.internal.checkpoint.CheckpointFile;
import dev.basalt.internal.env.FileIo;
import dev.basalt.internal.log.LogFormat;
import dev.basalt.testing.ManualClock;
import dev.basalt.testing.TestFiles;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

/**
 * New keys' listing inserts left for later ({@link OwedNewKeys}): whatever the writers do to an
 * owed key before its turn (delete it, give it metadata or an expiration, delete and put it
 * again, let it expire), and whoever lists it (a list on the caller's thread, the background
 * step a hold at a time between writes, a checkpoint's capture, the close), every list shows
 * exactly what a model of the writes says, expirations and metadata included: a key listed
 * plain that is not would show neither.
 */
class OwedNewKeysTest {
    private static final long NOW = 1_900_000_000L;
    /** Keys the property draws from: past {@link OwedNewKeys#MIN_DUE}, so the background step takes batches. */
    private static final int KEY_SPACE = 6000;

    static BasaltOptions options(Clock clock) {
        return BasaltOptions.defaults().withSegmentSize(1 << 20).withDurability(Durability.PERIODIC)
                .withBackgroundCompaction(false).withMinExpirationTtl(Duration.ZERO).withClock(clock)
                .withCheckpointInterval(0);
    }

    static Clock stoppedClock() {
        return Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC);
    }

    /** The draws of a CI run that left no key owed before the last list. */
    @Example
    void theLastListHasOwedKeysEvenWhenTheDrawsLeftNone() throws Exception {
        whatIsDoneToOwedKeysBeforeTheyAreListedShowsInEveryList(1246);
    }

    @Property(tries = 12)
    void whatIsDoneToOwedKeysBeforeTheyAreListedShowsInEveryList(@ForAll @LongRange(min = 1) long seed)
            throws Exception {
        Path dir = Files.createTempDirectory("basalt-owed");
        Random random = new Random(seed);
        Map<String, String> model = new TreeMap<>();
        AutoCloseable paused = Store.pauseListingCatchUps();
        try (Basalt db = Basalt.open(dir, options(stoppedClock()))) {
            KvNamespace ns = db.namespace("alpha");
            Store store = BasaltInternals.store(db);
            NamespaceState state = store.namespace("alpha");
            int lists = 0;
            for (int op = 0; op < 12_000; op++) {
                int roll = random.nextInt(1000);
                String key = "k/" + random.nextInt(KEY_SPACE);
                if (roll >= 230 && roll < 240) {
                    store.catchUpListingsOneStep(); // a hold of the background's batch, between writes
                } else if (roll == 240) {
                    assertThat(listed(ns)).as("list %d at op %d", ++lists, op).isEqualTo(expected(model));
                } else {
                    write(ns, random, roll, key, op, 0, model);
                }
            }
            // A key no op drew, so that the last list has owed keys to list whatever the draws did
            // (a catch-up step after the last new key left none: seed 1246).
            ns.put("k/last", "last");
            model.put("k/last", "plain");
            assertThat(state.owedNewKeys().none()).as("keys still owed before the last list").isFalse();
            assertThat(listed(ns)).isEqualTo(expected(model));
            assertThat(state.owedNewKeys().none()).isTrue();
            assertThat(state.relaid().current().size()).as("listed keys").isEqualTo(model.size());
        } finally {
            paused.close();
            TestFiles.deleteRecursively(dir);
        }
    }

    @Example
    void aKeyOwedAndThenExpiredIsNotListed() throws Exception {
        Path dir = Files.createTempDirectory("basalt-owed");
        ManualClock clock = new ManualClock(Instant.ofEpochSecond(NOW));
        AutoCloseable paused = Store.pauseListingCatchUps();
        try (Basalt db = Basalt.open(dir, options(clock))) {
            KvNamespace ns = db.namespace("alpha");
            ns.put("soon", "v", PutOptions.expiration(NOW + 10));
            ns.put("later", "v", PutOptions.expiration(NOW + 1000));
            ns.put("plain", "v");
            clock.setEpochSecond(NOW + 20);
            BasaltInternals.sweepAllDue(db, NOW + 20); // or the background sweep did, once the clock moved
            NamespaceState state = BasaltInternals.store(db).namespace("alpha");
            assertThat(state.size()).as("indexed keys after the purge").isEqualTo(2);
            assertThat(state.owedNewKeys().none()).as("the three keys still owed").isFalse();
            assertThat(state.relaid().current().size()).isZero();
            assertThat(listed(ns)).containsExactly("later expires " + (NOW + 1000), "plain plain");
        } finally {
            paused.close();
            TestFiles.deleteRecursively(dir);
        }
    }

    /**
     * A background checkpoint saves the owed keys beside its listing: a store killed after it
     * opens from it with every key listed, though nothing else listed them.
     */
    @Example
    void aCheckpointTakenWhileKeysAreOwedListsThem() throws Exception {
        Path root = Files.createTempDirectory("basalt-owed");
        Path dir = root.resolve("data");
        Path crashed = root.resolve("crashed");
        BasaltOptions options = options(stoppedClock()).withCheckpointInterval(1 << 20);
        Map<String, String> model = new TreeMap<>();
        AutoCloseable paused = Store.pauseListingCatchUps();
        try (Basalt db = Basalt.open(dir, options)) {
            KvNamespace ns = db.namespace("alpha");
            for (int i = 0; i < 20_000; i++) {
                String key = String.format("k/%05d", (i * 7919) % 20_000);
                if (i % 5 == 0) {
                    ns.put(key, "v" + i, PutOptions.none().withMetadata(Map.of("n", i)));
                    model.put(key, "{\"n\":" + i + "}");
                } else {
                    ns.put(key, "v" + i + "x".repeat(100));
                    model.put(key, "plain");
                }
            }
            Path checkpoint = dir.resolve("CHECKPOINT");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!Files.exists(checkpoint) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(checkpoint).as("a background checkpoint").exists();
            TestFiles.copyAsAKillLeavesIt(dir, crashed);
            assertThat(unlistedKeysSaved(crashed)).as("keys the checkpoint owes its listing").isPositive();
        } finally {
            paused.close();
        }
        try (Basalt db = Basalt.open(crashed, options)) {
            Store store = BasaltInternals.store(db);
            assertThat(store.replayedBecause()).as("opened from the checkpoint").isNull();
            assertThat(store.recordsReplayed()).as("the tail after it").isLessThan(model.size());
            assertThat(listed(db.namespace("alpha"))).isEqualTo(expected(model));
        } finally {
            TestFiles.deleteRecursively(root);
        }
    }

    /**
     * Whatever the writers did to owed keys before a background checkpoint saved them (deleted
     * them, gave them metadata or an expiration, deleted and put them again) and after it (the
     * tail a kill leaves), a store opened from it lists what a model of the writes says: with
     * few keys owed they are inserted one by one, with many the listing is merged again.
     */
    @Property(tries = 6)
    void keysACheckpointSavedAsOwedAreListedAfterAKill(@ForAll @LongRange(min = 1) long seed,
            @ForAll boolean manyKeys) throws Exception {
        Path root = Files.createTempDirectory("basalt-owed");
        Map<String, String> model = new TreeMap<>();
        KilledTail killed = KilledTail.make(root, new Random(seed), manyKeys, model, true);
        Path crashed = killed.crashed();
        BasaltOptions options = killed.options();
        try {
            int saved = unlistedKeysSaved(crashed);
            assertThat(saved).as("keys the checkpoint owes its listing").isPositive();
            assertThat(saved < 1024).as("few enough to be inserted one by one").isEqualTo(!manyKeys);
            try (Basalt db = Basalt.open(crashed, options)) {
                assertThat(BasaltInternals.store(db).replayedBecause()).as("opened from the checkpoint").isNull();
                assertThat(listed(db.namespace("alpha"))).isEqualTo(expected(model));
            }
        } finally {
            TestFiles.deleteRecursively(root);
        }
    }

    /**
     * A store killed after a tail of writes past its first background checkpoint: {@code crashed}
     * is the copy, opened with {@code options}; {@code writes} were made to namespace alpha, keys
     * drawn from {@code keySpace} with values of {@code valueBytes} more bytes.
     */
    record KilledTail(Path crashed, BasaltOptions options, int keySpace, int valueBytes, int writes) {
        /**
         * Writes to a store in {@code root/data} until its first background checkpoint, then a tail
         * of {@link #tailWrites} more, and copies the directory to {@code root/crashed} as a kill
         * leaves it; the listing catch-up paused meanwhile if {@code pausedLoad} (the checkpoint
         * then saves the new keys as unlisted). Few keys: a hundred with large values, so that the
         * log passes the interval before the deletes and puts again have owed a thousand.
         */
        static KilledTail make(Path root, Random random, boolean manyKeys, Map<String, String> model,
                boolean pausedLoad) throws Exception {
            Path dir = root.resolve("data");
            BasaltOptions options = OwedNewKeysTest.options(stoppedClock()).withCheckpointInterval(1 << 20);
            int keySpace = manyKeys ? 6000 : 100;
            int valueBytes = manyKeys ? 200 : 2000;
            AutoCloseable paused = pausedLoad ? Store.pauseListingCatchUps() : () -> { };
            int op = 0;
            try (Basalt db = Basalt.open(dir, options)) {
                KvNamespace ns = db.namespace("alpha");
                Path checkpoint = dir.resolve("CHECKPOINT");
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (!Files.exists(checkpoint) && System.nanoTime() < deadline) {
                    randomWrite(ns, random, keySpace, valueBytes, op++, model);
                }
                assertThat(checkpoint).as("a background checkpoint").exists();
                Path crashed = root.resolve("crashed");
                for (int attempt = 1; ; attempt++) {
                    byte[] covering = Files.readAllBytes(checkpoint);
                    for (int tail = 0; tail < tailWrites(manyKeys); tail++) {
                        randomWrite(ns, random, keySpace, valueBytes, op++, model);
                    }
                    TestFiles.copyAsAKillLeavesIt(dir, crashed);
                    if (Arrays.equals(Files.readAllBytes(crashed.resolve("CHECKPOINT")), covering)) {
                        break;
                    }
                    // A later checkpoint came during the tail and may cover nearly all of it.
                    assertThat(attempt).as("tails that a later checkpoint covered").isLessThan(5);
                    TestFiles.deleteRecursively(crashed);
                }
            } finally {
                paused.close();
            }
            return new KilledTail(root.resolve("crashed"), options, keySpace, valueBytes, op);
        }
    }

    /**
     * The tail's writes after a checkpoint. A later checkpoint can cover nearly all of them, and
     * the open then owes its listing nothing (a CI run drew that with 2,000 writes of 2 KB values,
     * about 3 MiB of log): the tail stays under the interval (300 such writes take about 0.5 MiB;
     * 2,000 of 200 bytes about the same), and {@link KilledTail#make} writes a fresh tail when
     * the writes made while the first checkpoint was forced pushed the next one in anyway.
     */
    static int tailWrites(boolean manyKeys) {
        return manyKeys ? 2000 : 300;
    }

    /** One write of a key drawn from {@code keySpace}, recorded in {@code model}. */
    static void randomWrite(KvNamespace ns, Random random, int keySpace, int valueBytes, int op,
            Map<String, String> model) {
        int roll = random.nextInt(1000);
        write(ns, random, roll, "k/" + random.nextInt(keySpace), op, valueBytes, model);
    }

    /**
     * The write a {@code roll} of 0-999 draws for {@code key}, recorded in {@code model}: a delete
     * below 150, a put with metadata below 200, with an expiration below 230, else a plain put
     * of {@code valueBytes} more bytes.
     */
    private static void write(KvNamespace ns, Random random, int roll, String key, int op, int valueBytes,
            Map<String, String> model) {
        if (roll < 150) {
            ns.delete(key);
            model.remove(key);
        } else if (roll < 200) {
            ns.put(key, "m" + op, PutOptions.none().withMetadata(Map.of("n", op)));
            model.put(key, "{\"n\":" + op + "}");
        } else if (roll < 230) {
            long expiration = NOW + 100 + random.nextInt(1000);
            ns.put(key, "e" + op, PutOptions.expiration(expiration));
            model.put(key, "expires " + expiration);
        } else {
            ns.put(key, "p" + op + "x".repeat(valueBytes));
            model.put(key, "plain");
        }
    }

    /** How many keys the directory's checkpoint owes its listings. */
    static int unlistedKeysSaved(Path dir) throws Exception {
        ByteBuffer store = ByteBuffer.wrap(Files.readAllBytes(dir.resolve(LogFormat.STORE_FILE)))
                .order(LogFormat.BYTE_ORDER);
        CheckpointContent checkpoint = CheckpointFile.read(FileIo.real(), dir,
                store.getLong(LogFormat.STORE_ID_OFFSET));
        try {
            return checkpoint.namespaces().stream().mapToInt(ns -> ns.unlisted().count()).sum();
        } finally {
            checkpoint.free();
        }
    }

    /** The close lists what is owed before its checkpoint: the next open lists every key. */
    @Example
    void theCloseListsOwedKeysBeforeItsCheckpoint() throws Exception {
        Path dir = Files.createTempDirectory("basalt-owed");
        BasaltOptions options = options(stoppedClock());
        try {
            AutoCloseable paused = Store.pauseListingCatchUps();
            try (Basalt db = Basalt.open(dir, options)) {
                for (int i = 0; i < 5000; i++) {
                    db.namespace("alpha").put("k/" + (i * 7919 % 5000), "v");
                }
            } finally {
                paused.close();
            }
            try (Basalt db = Basalt.open(dir, options)) {
                assertThat(BasaltInternals.store(db).recordsReplayed()).as("opened from the close's checkpoint")
                        .isZero();
                assertThat(db.namespace("alpha").listAll(ListOptions.all()).count()).isEqualTo(5000);
            }
        } finally {
            TestFiles.deleteRecursively(dir);
        }
    }

    private static List<String> listed(KvNamespace ns) {
        return ns.listAll(ListOptions.all()).map(OwedNewKeysTest::shown).collect(Collectors.toList());
    }

    static List<String> expected(Map<String, String> model) {
        List<String> expected = new ArrayList<>();
        model.forEach((key, shown) -> expected.add(key + " " + shown));
        return expected;
    }

    static String shown(KeyInfo info) {
        if (info.expiration() != null) {
            return info.name() + " expires " + info.expiration();
        }
        return info.name() + " " + (info.metadata() == null ? "plain" : info.metadata().toString());
    }
}
