package dev.basalt.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.Basalt;
import dev.basalt.BasaltOptions;
import dev.basalt.Durability;
import dev.basalt.KvNamespace;
import dev.basalt.ValueType;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The buffer put in every durability mode, from several threads that each reuse one key and one
 * value buffer, rewriting them as soon as a put returns: what was stored must be what the
 * buffers held during the call (group commit keeps the key until its fsync, so it must have
 * copied it), before and after a reopen.
 */
class BufferPutDurabilityTest {
    private static final int THREADS = 3;
    private static final int PUTS_PER_THREAD = 300;

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Durability.class)
    void reusedBuffersStoreWhatTheyHeldDuringEachPut(Durability durability) throws Exception {
        BasaltOptions options = BasaltOptions.defaults().withDurability(durability).withSegmentSize(1 << 20);
        try (Basalt db = Basalt.open(dir, options)) {
            KvNamespace ns = db.namespace("MODES");
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            try {
                List<Future<?>> writers = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    int thread = t;
                    writers.add(pool.submit(() -> writeAll(ns, thread)));
                }
                for (Future<?> writer : writers) {
                    writer.get();
                }
            } finally {
                pool.shutdown();
            }
            assertEveryKeyHoldsItsLastValue(ns);
        }
        try (Basalt db = Basalt.open(dir, options)) {
            assertEveryKeyHoldsItsLastValue(db.namespace("MODES"));
        }
    }

    /** Each thread puts keys t-0..t-99 three times over, through one key and one value buffer. */
    private static void writeAll(KvNamespace ns, int thread) {
        ByteBuffer key = ByteBuffer.allocateDirect(32);
        ByteBuffer value = ByteBuffer.allocate(64);
        for (int i = 0; i < PUTS_PER_THREAD; i++) {
            key.clear().put(utf8(keyOf(thread, i % 100))).flip();
            value.clear().put(utf8(valueOf(thread, i))).flip();
            ns.put(key, value);
            // Scribble over both at once: the engine must not read them after the call returned.
            key.clear().put(utf8("XXXXXXXXXXXXXXXXXXXXXXXX"));
            value.clear().put(new byte[64]);
        }
    }

    private static void assertEveryKeyHoldsItsLastValue(KvNamespace ns) {
        for (int thread = 0; thread < THREADS; thread++) {
            for (int k = 0; k < 100; k++) {
                int lastPut = PUTS_PER_THREAD - 100 + k;
                assertThat(ns.get(keyOf(thread, k), ValueType.TEXT)).as(keyOf(thread, k))
                        .isEqualTo(valueOf(thread, lastPut));
            }
        }
        assertThat(ns.listAll("").count()).isEqualTo(THREADS * 100L);
    }

    private static String keyOf(int thread, int k) {
        return "t" + thread + "-" + k;
    }

    private static String valueOf(int thread, int i) {
        return "value " + i + " of thread " + thread;
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
