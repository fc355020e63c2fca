package dev.basalt.recovery;

import static dev.basalt.recovery.StoreFixture.valueOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.Basalt;
import dev.basalt.Durability;
import dev.basalt.KvNamespace;
import dev.basalt.internal.log.FileBytes;
import dev.basalt.internal.log.LogFormat;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/**
 * A write that was running at the crash leaves a torn tail after the last acknowledged record:
 * the reopen keeps every acknowledged write, cuts the tail, takes new writes, and a second
 * reopen finds the same store.
 */
class TornTailRecoveryTest {
    private static final int KEYS = 10;

    /** What a crash can leave after the last complete record. */
    enum TornTail {
        /** The next record's write stopped inside its 40-byte header. */
        HALF_HEADER,
        /** Its header is whole, its body cut short. */
        HALF_BODY,
        /** Sectors of garbage (a device that wrote junk before it died). */
        GARBAGE
    }

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Durability.class)
    void tornTailAfterTheLastAcknowledgedWriteCostsNoAcknowledgedWrite(Durability durability) {
        try (Basalt db = Basalt.open(dir, StoreFixture.options(durability))) {
            KvNamespace ns = db.namespace("NS");
            for (int i = 0; i < KEYS; i++) {
                ns.put("k" + i, valueOf("k" + i, 300));
            }
        }
        tear(TornTail.HALF_BODY);

        try (Basalt db = Basalt.open(dir, StoreFixture.options(durability))) {
            KvNamespace ns = db.namespace("NS");
            assertAllPresent(ns, KEYS);
            ns.put("k" + KEYS, valueOf("k" + KEYS, 300));
        }
        try (Basalt db = Basalt.open(dir, StoreFixture.options(durability))) {
            assertAllPresent(db.namespace("NS"), KEYS + 1);
        }
    }

    @ParameterizedTest
    @EnumSource(TornTail.class)
    void everyKindOfTornTailIsCutAndRecoveryIsIdempotent(TornTail kind) {
        StoreFixture.session(dir, db -> {
            KvNamespace ns = db.namespace("NS");
            for (int i = 0; i < KEYS; i++) {
                ns.put("k" + i, valueOf("k" + i, 300));
            }
        });
        Path active = DataDirectory.activeSegment(dir);
        long dataEnd = DataDirectory.dataEnd(active);
        tear(kind);

        for (int open = 1; open <= 2; open++) {
            StoreFixture.session(dir, db -> {
                assertThat(db.namespaces()).containsExactly("NS");
                assertAllPresent(db.namespace("NS"), KEYS);
                assertThat(db.stats().liveKeys()).isEqualTo(KEYS);
            });
            assertThat(FileBytes.firstNonZeroAtOrAfter(active, dataEnd)).as("after open %d", open).isEqualTo(-1);
            assertThat(active).hasSize(StoreFixture.SEGMENT_BYTES);
        }
        StoreFixture.session(dir, db -> db.namespace("NS").put("after", "the cut"));
        StoreFixture.session(dir, db -> {
            assertAllPresent(db.namespace("NS"), KEYS);
            assertThat(db.namespace("NS").get("after")).isEqualTo("the cut");
        });
    }

    @Test
    void tornTailIsCutButNotCountedAsCorruption() {
        // BasaltStats: a torn tail is normal after a crash; corruptRecordsSkipped counts damage
        // inside the log only.
        StoreFixture.session(dir, db -> db.namespace("NS").put("k", "v"));
        tear(TornTail.HALF_BODY);

        StoreFixture.session(dir, db -> {
            assertThat(db.namespace("NS").get("k")).isEqualTo("v");
            assertThat(db.stats().corruptRecordsSkipped()).isZero();
        });
    }

    /** Leaves {@code kind} of damage right after the last record of the active segment. */
    private void tear(TornTail kind) {
        Path active = DataDirectory.activeSegment(dir);
        var records = DataDirectory.records(active);
        var last = records.get(records.size() - 1);
        long dataEnd = last.offset() + last.length();
        byte[] lastBytes = FileBytes.read(active, last.offset(), last.length());
        byte[] torn;
        switch (kind) {
            case HALF_HEADER:
                torn = Arrays.copyOf(lastBytes, LogFormat.FIXED_HEADER_LENGTH / 2);
                break;
            case HALF_BODY:
                torn = Arrays.copyOf(lastBytes, last.headerLength() + (last.length() - last.headerLength()) / 2);
                break;
            default:
                torn = new byte[4096];
                new Random(kind.ordinal()).nextBytes(torn);
        }
        FileBytes.write(active, dataEnd, torn);
    }

    private static void assertAllPresent(KvNamespace ns, int keys) {
        for (int i = 0; i < keys; i++) {
            assertThat(ns.get("k" + i)).as("k" + i).isEqualTo(valueOf("k" + i, 300));
        }
    }
}
