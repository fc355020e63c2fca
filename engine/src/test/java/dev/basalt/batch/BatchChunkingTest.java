package dev.basalt.batch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.Basalt;
import dev.basalt.BasaltOptions;
import dev.basalt.Durability;
import dev.basalt.KvNamespace;
import dev.basalt.ValueType;
import dev.basalt.WriteBatch;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A batch is written in a few calls of up to 1 MiB (the log's {@code BatchAppender}): batches
 * whose records fill several such chunks, cross them at any byte, or hold a record larger than
 * one, read back byte for byte, before and after a reopen, at the same locations as the index
 * says (a value read back intact proves its location and its bytes).
 */
class BatchChunkingTest {
    private static final int MIB = 1 << 20;

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void batchesAcrossChunkBoundariesReadBackWhole(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        BasaltOptions options = BasaltOptions.defaults().withDurability(Durability.PERIODIC)
                .withSegmentSize(32L * MIB).withBackgroundCompaction(false);
        Map<String, byte[]> written = new LinkedHashMap<>();
        try (Basalt db = Basalt.open(dir, options)) {
            KvNamespace ns = db.namespace("NS");
            for (int b = 0; b < 6; b++) {
                WriteBatch batch = WriteBatch.create();
                int entries = 2 + random.nextInt(150);
                for (int i = 0; i < entries; i++) {
                    // Mostly small values; now and then one near or past a whole chunk.
                    int size = random.nextInt(25) == 0 ? MIB - 200 + random.nextInt(MIB / 2) : random.nextInt(30_000);
                    byte[] value = new byte[size];
                    random.nextBytes(value);
                    String key = "b" + b + "/k" + i;
                    batch.put(key, value);
                    written.put(key, value);
                }
                ns.write(batch);
            }
            assertEveryValue(ns, written);
        }
        try (Basalt db = Basalt.open(dir, options)) {
            assertEveryValue(db.namespace("NS"), written);
        }
    }

    private static void assertEveryValue(KvNamespace ns, Map<String, byte[]> written) {
        assertThat(ns.list().keys()).isNotEmpty();
        for (Map.Entry<String, byte[]> entry : written.entrySet()) {
            assertThat(ns.get(entry.getKey(), ValueType.BYTES)).as(entry.getKey()).isEqualTo(entry.getValue());
        }
    }
}
