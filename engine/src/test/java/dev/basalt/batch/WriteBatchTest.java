package dev.basalt.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.Basalt;
import dev.basalt.BasaltOptions;
import dev.basalt.Durability;
import dev.basalt.KvNamespace;
import dev.basalt.PutOptions;
import dev.basalt.WriteBatch;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** {@link KvNamespace#write(WriteBatch)}: what it stores, what it refuses, and that a refusal writes nothing. */
class WriteBatchTest {
    @TempDir
    Path dir;

    private BasaltOptions options(Durability durability) {
        return BasaltOptions.defaults().withDurability(durability).withSegmentSize(1 << 20)
                .withMinExpirationTtl(Duration.ZERO).withBackgroundCompaction(false);
    }

    @ParameterizedTest
    @EnumSource(Durability.class)
    void aBatchStoresPutsAndDeletesAndSurvivesReopen(Durability durability) {
        try (Basalt db = Basalt.open(dir, options(durability))) {
            KvNamespace ns = db.namespace("NS");
            ns.put("gone", "soon");
            ns.write(WriteBatch.create()
                    .put("a", "1")
                    .put("b", new byte[] {2}, PutOptions.expirationTtl(3600).withMetadata(Map.of("m", 1)))
                    .delete("gone")
                    .delete("never-there"));
            assertRead(ns);
        }
        try (Basalt db = Basalt.open(dir, options(durability))) {
            assertRead(db.namespace("NS"));
        }
    }

    /**
     * A batch's index slots are loaded before the append lock, before the checks made under it:
     * a dropped namespace's handle and a closed store still refuse the batch, and nothing of it
     * is written.
     */
    @Test
    void aBatchToADroppedNamespaceOrAClosedStoreIsRefusedAndWritesNothing() {
        WriteBatch batch = WriteBatch.create().put("a", "1").put("b", "2").delete("c");
        Basalt db = Basalt.open(dir, options(Durability.PERIODIC));
        KvNamespace dropped = db.namespace("DROPPED");
        dropped.put("before", "x");
        db.dropNamespace("DROPPED");
        assertThatThrownBy(() -> dropped.write(batch)).isInstanceOf(IllegalStateException.class);
        assertThat(db.namespace("DROPPED").list().keys()).isEmpty();
        KvNamespace kept = db.namespace("KEPT");
        db.close();
        assertThatThrownBy(() -> kept.write(batch)).isInstanceOf(IllegalStateException.class);

        try (Basalt reopened = Basalt.open(dir, options(Durability.PERIODIC))) {
            assertThat(reopened.namespace("DROPPED").list().keys()).isEmpty();
            assertThat(reopened.namespace("KEPT").list().keys()).isEmpty();
        }
    }

    private static void assertRead(KvNamespace ns) {
        assertThat(ns.get("a")).isEqualTo("1");
        assertThat(ns.get("b", dev.basalt.ValueType.BYTES)).containsExactly(2);
        assertThat(ns.getWithMetadata("b").metadata().get("m").asInt()).isEqualTo(1);
        assertThat(ns.list().keys()).extracting(k -> k.name()).containsExactly("a", "b");
        assertThat(ns.list().keys().get(1).expiration()).isNotNull();
        assertThat(ns.get("gone")).isNull();
    }

    @Test
    void oneFsyncCoversABatchInSyncEachWrite() {
        try (Basalt db = Basalt.open(dir, options(Durability.SYNC_EACH_WRITE))) {
            KvNamespace ns = db.namespace("NS");
            WriteBatch batch = WriteBatch.create();
            for (int i = 0; i < 100; i++) {
                batch.put("k" + i, "v" + i);
            }
            long before = db.stats().logSyncs();
            ns.write(batch);
            assertThat(db.stats().logSyncs() - before).as("fsyncs for a batch of 100").isEqualTo(1);
            assertThat(db.stats().liveKeys()).isEqualTo(100);
        }
    }

    @Test
    void badInputIsRefusedNamingTheEntryAndNothingIsWritten() {
        try (Basalt db = Basalt.open(dir, options(Durability.GROUP_COMMIT))) {
            KvNamespace ns = db.namespace("NS");
            long logBytes = db.stats().totalLogBytes();
            long syncs = db.stats().logSyncs();
            assertThatThrownBy(() -> ns.write(WriteBatch.create()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("batch has 0 entries; it must be 1..10000");
            WriteBatch tooMany = WriteBatch.create();
            for (int i = 0; i <= 10_000; i++) {
                tooMany.put("k" + i, "v");
            }
            assertThatThrownBy(() -> ns.write(tooMany)).hasMessage("batch has 10001 entries; it must be 1..10000");
            assertThatThrownBy(() -> ns.write(WriteBatch.create().put("a", "1").put("b", "2").delete("a")))
                    .hasMessage("batch entry [2] (key \"a\") repeats the key of entry [0];"
                            + " a batch takes each key at most once");
            assertThatThrownBy(() -> ns.write(WriteBatch.create().put("a", "1").put("k".repeat(513), "2")))
                    .hasMessageStartingWith("batch entry [1] (key \"kkk")
                    .hasMessageEndingWith("key is 513 bytes of UTF-8; the limit is 512");
            assertThatThrownBy(() -> ns.write(WriteBatch.create().put("a", "1", PutOptions.expirationTtl(-5))))
                    .hasMessage("batch entry [0] (key \"a\"): expirationTtl is -5 seconds; the minimum is 1");
            assertThatThrownBy(() -> ns.write(WriteBatch.create().put("a", "1")
                    .put("big", new byte[2 << 20])))
                    .hasMessageStartingWith("batch entry [1] (key \"big\"): value is");
            WriteBatch overflowing = WriteBatch.create();
            for (int i = 0; i < 12; i++) {
                overflowing.put("v" + i, new byte[100_000]);
            }
            assertThatThrownBy(() -> ns.write(overflowing)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("a segment holds at most");
            assertThat(db.stats().liveKeys()).as("nothing written").isZero();
            assertThat(db.stats().totalLogBytes()).isEqualTo(logBytes);
            assertThat(db.stats().logSyncs()).isEqualTo(syncs);
            assertThat(ns.get("a")).isNull();
        }
    }
}
