package dev.basalt.internal.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.Basalt;
import dev.basalt.BasaltOptions;
import dev.basalt.Durability;
import dev.basalt.KvNamespace;
import dev.basalt.internal.env.DirectMemory;
import dev.basalt.testing.TestFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A store's slot tables and its checkpoints' copies are mappings of their own
 * ({@link DirectMemory}), which the JDK's direct pool does not count: after a load that grows an
 * index through tables of several MiB, checkpoints and a close, none of them is left mapped,
 * neither the tables the index grew out of (left to the garbage collector for its lock-free
 * readers) nor the ones the close freed.
 */
class TableMemoryReleasedTest {
    /** Grows the index through 2 MiB and larger tables (131,072 slots hold 98,304 keys). */
    private static final int KEYS = 250_000;

    @Test
    void aClosedStoreLeavesNoTableMapped() throws Exception {
        long before = settledMappedBytes(Long.MAX_VALUE);
        Path dir = Files.createTempDirectory("basalt-table-memory");
        try {
            BasaltOptions options = BasaltOptions.defaults().withDurability(Durability.PERIODIC);
            try (Basalt db = Basalt.open(dir, options)) {
                KvNamespace ns = db.namespace("tables");
                byte[] value = "v".getBytes(StandardCharsets.UTF_8);
                for (int i = 0; i < KEYS; i++) {
                    ns.put("key-" + i, value);
                }
                if (DirectMemory.mapsLargeBuffers()) {
                    assertThat(DirectMemory.mappedBytes()).as("the open store's table is a mapping")
                            .isGreaterThanOrEqualTo(before + (2 << 20));
                }
            }
            assertThat(settledMappedBytes(before)).as("mapped bytes after the close").isLessThanOrEqualTo(before);
        } finally {
            TestFiles.deleteRecursively(dir);
        }
    }

    /** Collects until no more than {@code target} bytes stay mapped, or 30 s have passed. */
    private static long settledMappedBytes(long target) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        long mapped = DirectMemory.mappedBytes();
        for (int attempt = 0; attempt < 3 || mapped > target && System.nanoTime() < deadline; attempt++) {
            System.gc();
            Thread.sleep(20);
            mapped = DirectMemory.mappedBytes();
        }
        return mapped;
    }
}
