package dev.basalt.internal.store;

import static dev.basalt.internal.store.OwedNewKeysTest.randomWrite;
import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.Basalt;
import dev.basalt.BasaltInternals;
import dev.basalt.KvNamespace;
import dev.basalt.internal.store.OwedNewKeysTest.KilledTail;
import dev.basalt.testing.TestFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.NavigableMap;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The scenario the owed-key reads are checked in ({@link OwedPagesTest}, {@link OwedRangesTest}):
 * a store killed after a tail past its first checkpoint ({@link KilledTail}), opened with the
 * listing catch-up paused so that the open's backlog stays owed; the check runs, 400 more writes
 * go in, the check runs again and the backlog must still be owed (the reads merged it, did not
 * pay it); then the background pays it and the check runs a third time.
 */
final class OwedBacklog {
    /** A check of the store's reads against the model of its writes. */
    @FunctionalInterface
    interface Check {
        void run(Basalt db, NavigableMap<String, String> model, Random random, KilledTail killed);
    }

    private OwedBacklog() {
    }

    /**
     * Runs {@code check} three times as the class says; {@code pausedLoad}: the load before the
     * kill ran with the catch-up paused too (the checkpoint then saves the new keys as unlisted;
     * running, it holds most of them, and the tail's changes to those are what the open owes).
     */
    static void checkWhileOwedAndAfter(long seed, boolean manyKeys, boolean pausedLoad, Check check)
            throws Exception {
        Path root = Files.createTempDirectory("basalt-owed-backlog");
        Random random = new Random(seed);
        NavigableMap<String, String> model = new TreeMap<>();
        KilledTail killed = KilledTail.make(root, random, manyKeys, model, pausedLoad);
        int op = killed.writes();
        try {
            AutoCloseable paused = Store.pauseListingCatchUps();
            try (Basalt db = Basalt.open(killed.crashed(), killed.options())) {
                KvNamespace ns = db.namespace("alpha");
                NamespaceState state = BasaltInternals.store(db).namespace("alpha");
                assertThat(BasaltInternals.store(db).replayedBecause()).as("opened from the checkpoint").isNull();
                assertThat(state.listingDebt()).as("the open's backlog").isInstanceOf(ListingBacklog.class);

                check.run(db, model, random, killed);
                for (int write = 0; write < 400; write++) {
                    randomWrite(ns, random, killed.keySpace(), killed.valueBytes(), op++, model);
                }
                check.run(db, model, random, killed);
                assertThat(state.listingDebt()).as("still owed: the reads merged it, did not pay it")
                        .isInstanceOf(ListingBacklog.class);

                paused.close();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (state.listingDebt() != null && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
                assertThat(state.listingDebt()).as("paid by the background catch-up").isNull();
                check.run(db, model, random, killed);
            } finally {
                paused.close();
            }
        } finally {
            TestFiles.deleteRecursively(root);
        }
    }
}
