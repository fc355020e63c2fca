package dev.basalt.recovery;

import static dev.basalt.recovery.StoreFixture.valueOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.Basalt;
import dev.basalt.BasaltInternals;
import dev.basalt.BasaltOptions;
import dev.basalt.Durability;
import dev.basalt.KeyInfo;
import dev.basalt.KvNamespace;
import dev.basalt.ListOptions;
import dev.basalt.PutOptions;
import dev.basalt.internal.log.FileBytes;
import dev.basalt.internal.log.LogFormat;
import dev.basalt.testing.HintedDirectory;
import dev.basalt.testing.ManualClock;
import dev.basalt.testing.TestFiles;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A sealed segment replayed from its hint file is indexed without reading its records, and the
 * header checksum does not cover a record's namespace and key bytes. A flipped bit there must
 * cost that record only: it must never hide, replace or remove an intact key.
 *
 * <p>Found by the corruption campaign (BIT_FLIP:220 of seed 4590448502459747077): "BETA" read
 * "BMTA" in an old record of a key whose newer record was intact. The old record did not match
 * its own key any more, so the newer one took a second index slot beside it; the old one had
 * expired, and the expiry sweep, which unlists a purged record by the key bytes it holds, took
 * the key out of the listing while the newer record stayed readable.
 */
class DamagedKeyBytesRecoveryTest {
    private static final String NAMESPACE = "NS";
    /** 30 values of 100 KiB fill about three 1 MiB segments, so the first one is sealed. */
    private static final int FILL_KEYS = 30;
    private static final int FILL_VALUE_BYTES = 100 * 1024;
    private static final long OLD_TTL_SECONDS = 100;
    /** Bit 3 turns 'N' into 'F' and '1' into '9'. */
    private static final int BIT = 3;

    /** Which bytes of the old record the flip hits. */
    enum Damaged {
        /** "NS" reads "FS": the record holds its key, in no namespace of the store. */
        NAMESPACE_BYTE {
            @Override
            long offsetIn(DataDirectory.RecordAt record) {
                return record.offset() + record.headerLength();
            }
        },
        /** "k1" reads "k9", another key that is live: its intact record must stay listed. */
        KEY_BYTE {
            @Override
            long offsetIn(DataDirectory.RecordAt record) {
                return record.offset() + record.headerLength() + NAMESPACE.length() + 1;
            }
        };

        abstract long offsetIn(DataDirectory.RecordAt record);
    }

    @TempDir
    Path dir;
    /** Where the kill copies go: siblings of {@link #dir} would outlive the test. */
    @TempDir
    Path copies;

    private final ManualClock clock = new ManualClock();

    @ParameterizedTest
    @EnumSource(Damaged.class)
    void aDamagedOldRecordNeverHidesAnIntactKey(Damaged damaged) {
        long start = clock.epochSecond();
        try (Basalt db = open()) {
            KvNamespace ns = db.namespace(NAMESPACE);
            ns.put("k1", "old", PutOptions.none().withExpiration(start + OLD_TTL_SECONDS));
            ns.put("k9", "nine");
            for (int i = 0; i < FILL_KEYS; i++) {
                ns.put("fill" + i, valueOf("fill" + i, FILL_VALUE_BYTES));
            }
            ns.put("k1", "new");
        }
        HintedDirectory.make(dir, options());
        Path sealed = DataDirectory.segments(dir).get(0);
        assertThat(DataDirectory.hintOf(sealed)).as("the old record is replayed from a hint").exists();
        DataDirectory.RecordAt old = DataDirectory.records(sealed).stream()
                .filter(r -> r.key().equals("k1")).findFirst().orElseThrow();
        FileBytes.flipBit(sealed, damaged.offsetIn(old), BIT);

        try (Basalt db = open()) {
            // Before the old record's expiration, so that no expiry has run yet.
            assertThat(db.stats().liveKeys()).as("one index entry per key").isEqualTo(FILL_KEYS + 2);
            clock.setEpochSecond(start + 10 * OLD_TTL_SECONDS);
            BasaltInternals.sweepAllDue(db, clock.epochSecond());
            assertIntact(db);
            assertThat(db.stats().corruptRecordsSkipped()).as("the damaged record is reported").isEqualTo(1);
        }
        try (Basalt db = open()) {
            BasaltInternals.sweepAllDue(db, clock.epochSecond());
            assertIntact(db);
        }
    }

    /**
     * The same damage in the log after a checkpoint: the open loads the checkpoint and replays
     * the damaged record from its sealed segment's hint file, unread, so the damage sweep of the
     * replayed slots must catch it as the full replay's sweep does.
     */
    @ParameterizedTest
    @EnumSource(Damaged.class)
    void aDamagedRecordInTheTailAfterACheckpointNeverHidesAnIntactKey(Damaged damaged) throws Exception {
        BasaltOptions options = StoreFixture.options(Durability.PERIODIC).withClock(clock)
                .withMinExpirationTtl(Duration.ZERO).withBackgroundCompaction(false).withCheckpointInterval(0);
        try (Basalt db = Basalt.open(dir, options)) {
            db.namespace(NAMESPACE).put("k9", "nine");
        }
        Path crashed = copies.resolve("crashed");
        Path sealed;
        try (Basalt db = Basalt.open(dir, options)) {
            KvNamespace ns = db.namespace(NAMESPACE);
            ns.put("k1", "old");
            for (int i = 0; i < FILL_KEYS; i++) {
                ns.put("fill" + i, valueOf("fill" + i, FILL_VALUE_BYTES));
            }
            ns.put("k1", "new");
            db.sync();
            sealed = DataDirectory.segments(dir).get(0);
            awaitFile(DataDirectory.hintOf(sealed)); // written by the background thread
            TestFiles.copyAsAKillLeavesIt(dir, crashed);
        }
        Path sealedCopy = crashed.resolve(sealed.getFileName());
        DataDirectory.RecordAt old = DataDirectory.records(sealedCopy).stream()
                .filter(r -> r.key().equals("k1")).findFirst().orElseThrow();
        java.nio.file.attribute.FileTime modified = java.nio.file.Files.getLastModifiedTime(sealedCopy);
        FileBytes.flipBit(sealedCopy, damaged.offsetIn(old), BIT);
        // As bit rot leaves it: the same size and time, so the checkpoint still trusts the file.
        java.nio.file.Files.setLastModifiedTime(sealedCopy, modified);

        Path fullReplay = copies.resolve("full");
        TestFiles.copyAsAKillLeavesIt(crashed, fullReplay);
        java.nio.file.Files.delete(fullReplay.resolve("CHECKPOINT"));
        long liveBytes;
        try (Basalt db = Basalt.open(fullReplay, options)) {
            liveBytes = db.stats().liveBytes();
        }
        try (Basalt db = Basalt.open(crashed, options)) {
            assertThat(BasaltInternals.store(db).replayedBecause()).as("checkpoint plus tail").isNull();
            assertThat(db.stats().corruptRecordsSkipped()).as("the damaged record is reported").isEqualTo(1);
            assertIntact(db);
            assertThat(db.stats().liveBytes()).as("live bytes as a full replay counts them").isEqualTo(liveBytes);
        }
    }

    private static void awaitFile(Path file) throws InterruptedException {
        for (int i = 0; i < 1000 && !java.nio.file.Files.exists(file); i++) {
            Thread.sleep(10);
        }
        assertThat(file).as("the sealed segment's hint, within 10 s").exists();
    }

    private static void assertIntact(Basalt db) {
        KvNamespace ns = db.namespace(NAMESPACE);
        assertThat(ns.get("k1")).isEqualTo("new");
        assertThat(ns.get("k9")).isEqualTo("nine");
        List<String> listed = ns.list(ListOptions.all()).keys().stream().map(KeyInfo::name).toList();
        assertThat(listed).contains("k1", "k9").hasSize(FILL_KEYS + 2);
        assertThat(db.stats().liveKeys()).isEqualTo(FILL_KEYS + 2);
    }

    private Basalt open() {
        return Basalt.open(dir, options());
    }

    private BasaltOptions options() {
        return StoreFixture.options(Durability.PERIODIC).withClock(clock).withMinExpirationTtl(Duration.ZERO);
    }
}
