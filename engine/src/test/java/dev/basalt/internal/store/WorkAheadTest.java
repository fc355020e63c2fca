package dev.basalt.internal.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.Basalt;
import dev.basalt.BasaltInternals;
import dev.basalt.BasaltOptions;
import dev.basalt.Durability;
import dev.basalt.KvNamespace;
import dev.basalt.WriteBatch;
import dev.basalt.internal.index.HashIndex;
import dev.basalt.testing.TestFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The store's work-ahead thread ({@link WorkAhead}): a namespace whose keys enter the last
 * eighth before its index grows gets the next table allocated beside the writer, the growth moves
 * into it, and every key reads back across a close and an open; in PERIODIC mode the log is
 * forced each time the writers append another eighth of a segment.
 */
class WorkAheadTest {
    /** The 65,536-slot table a namespace has from 36,865 keys holds 49,152; its next is prepared from 43,008. */
    private static final int PREPARED_FROM = 43_008;
    private static final long NEXT_TABLE_BYTES = 98_304 * 16L;

    @Test
    void aNamespaceNearItsGrowthGetsItsNextTableFromTheGrowthThread() throws Exception {
        Path dir = Files.createTempDirectory("basalt-index-growth");
        BasaltOptions options = BasaltOptions.defaults().withDurability(Durability.PERIODIC).withCheckpointInterval(0);
        try {
            try (Basalt db = Basalt.open(dir, options)) {
                KvNamespace ns = db.namespace("grows");
                putKeys(ns, 0, PREPARED_FROM);
                HashIndex index = BasaltInternals.store(db).namespace("grows").index();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (index.preparedBytes() == 0 && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                assertThat(index.preparedBytes()).as("prepared beside the writer").isEqualTo(NEXT_TABLE_BYTES);
                putKeys(ns, PREPARED_FROM, 60_000);
                assertThat(index.preparedBytes()).as("taken by the growth").isZero();
                assertThat(index.offHeapBytes()).isEqualTo(NEXT_TABLE_BYTES);
                assertKeys(ns, 60_000);
            }
            try (Basalt db = Basalt.open(dir, options)) {
                assertKeys(db.namespace("grows"), 60_000);
            }
        } finally {
            TestFiles.deleteRecursively(dir);
        }
    }

    @Test
    void periodicModeForcesTheLogEachEighthOfASegment() throws Exception {
        // A 32 MiB segment (eighths of 4 MiB) and a periodic sync that never comes in the test.
        inStore(Durability.PERIODIC, 32 << 20, db -> {
            KvNamespace ns = db.namespace("forced");
            byte[] value = new byte[1000];
            for (int eighth = 1; eighth <= 4; eighth++) {
                long before = db.stats().logSyncs();
                for (int i = 0; i < 4200; i++) { // 4,200 records of about 1 KiB: past the next eighth
                    ns.put("key-" + eighth + "-" + i, value);
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (db.stats().logSyncs() == before && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                assertThat(db.stats().logSyncs()).as("a force behind the writer, eighth " + eighth)
                        .isGreaterThan(before);
            }
            assertThat(db.stats().segmentCount()).as("no roll forced anything").isEqualTo(1);
        });
    }

    /** An eighth of a 1 MiB segment is under the 4 MiB step: the roll's own force is small enough. */
    @Test
    void smallSegmentsAreNotForcedBehindTheWriter() throws Exception {
        inStore(Durability.PERIODIC, 1 << 20, db -> {
            KvNamespace ns = db.namespace("small");
            long before = db.stats().logSyncs();
            for (int i = 0; i < 900; i++) { // about 0.9 MiB: seven eighths of the segment, no roll
                ns.put("key-" + i, new byte[1000]);
            }
            Thread.sleep(200);
            assertThat(db.stats().segmentCount()).isEqualTo(1);
            assertThat(db.stats().logSyncs() - before).as("no force behind the writer").isZero();
        });
    }

    @Test
    void otherModesAreNotForcedBehindTheWriter() throws Exception {
        inStore(Durability.GROUP_COMMIT, 1 << 20, db -> {
            KvNamespace ns = db.namespace("grouped"); // its record is forced at once
            WriteBatch batch = WriteBatch.create();
            for (int i = 0; i < 500; i++) { // about 520 KiB in one batch: one fsync
                batch.put("key-" + i, new byte[1000]);
            }
            long before = db.stats().logSyncs();
            ns.write(batch);
            Thread.sleep(200);
            assertThat(db.stats().logSyncs() - before).as("the batch's own fsync only").isEqualTo(1);
        });
    }

    /** Runs {@code body} in a fresh store with segments of {@code segmentBytes} and a periodic sync an hour apart. */
    private static void inStore(Durability durability, long segmentBytes, StoreBody body) throws Exception {
        Path dir = Files.createTempDirectory("basalt-force-behind");
        BasaltOptions options = BasaltOptions.defaults().withDurability(durability)
                .withPeriodicSyncInterval(Duration.ofHours(1)).withSegmentSize(segmentBytes).withCheckpointInterval(0);
        try (Basalt db = Basalt.open(dir, options)) {
            body.run(db);
        } finally {
            TestFiles.deleteRecursively(dir);
        }
    }

    private interface StoreBody {
        void run(Basalt db) throws Exception;
    }

    private static void putKeys(KvNamespace ns, int from, int to) {
        for (int start = from; start < to; start += 1000) {
            WriteBatch batch = WriteBatch.create();
            for (int i = start; i < Math.min(to, start + 1000); i++) {
                batch.put("key-" + i, ("value-" + i).getBytes(StandardCharsets.UTF_8));
            }
            ns.write(batch);
        }
    }

    private static void assertKeys(KvNamespace ns, int count) {
        for (int i = 0; i < count; i++) {
            assertThat(ns.get("key-" + i)).as("key-" + i).isEqualTo("value-" + i);
        }
    }
}
