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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The store's index-growth thread ({@link IndexGrowth}): a namespace whose keys enter the last
 * eighth before its index grows gets the next table allocated beside the writer, the growth moves
 * into it, and every key reads back across a close and an open.
 */
class IndexGrowthTest {
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
