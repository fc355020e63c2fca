package dev.basalt.benchmarks;

import dev.basalt.Basalt;
import dev.basalt.BasaltOptions;
import dev.basalt.Durability;
import dev.basalt.KvNamespace;
import dev.basalt.WriteBatch;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Overwriting existing keys in write batches (issue 14): what a Kafka Streams changelog restore
 * or a second import does. The trial loads {@code keys} keys with 100-byte values in batches of
 * 1,000, in key order; each invocation then overwrites {@value #BATCH} keys drawn in a seeded
 * random order, their strings made at setup in key order, so that each lies elsewhere in the heap
 * from the one before, as a caller's would. {@link #batchOfThousand} writes them as one
 * {@code WriteBatch}, {@link #oneAtATime} as {@value #BATCH} puts. Scored per key; background
 * compaction runs as configured by default ({@code PERIODIC}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(BatchOverwriteBenchmark.BATCH)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {
        JvmFlags.EXPORT_JDK_INTERNAL_MISC,
        JvmFlags.EXPORT_JDK_INTERNAL_REF,
        JvmFlags.OPEN_JAVA_LANG_REFLECT,
        JvmFlags.OPEN_SUN_NIO_CH,
        JvmFlags.OPEN_JAVA_UTIL_ZIP,
        JvmFlags.BENCHMARK_HEAP})
@State(Scope.Benchmark)
public class BatchOverwriteBenchmark {
    static final int BATCH = 1000;
    private static final byte[] VALUE = new byte[100];

    @Param("1000000")
    public int keys;

    private Path dir;
    private Basalt db;
    private KvNamespace ns;
    private String[] keyStrings;
    private int[] order;
    private int next;

    @Setup(Level.Trial)
    public void load() throws InterruptedException {
        keyStrings = new String[keys];
        for (int i = 0; i < keys; i++) {
            keyStrings[i] = BenchmarkKeys.keyString(i);
        }
        order = BenchmarkKeys.permutation(keys, 42);
        dir = TempDirectories.create("basalt-batch-overwrite");
        db = Basalt.open(dir, BasaltOptions.defaults().withDurability(Durability.PERIODIC));
        ns = db.namespace("BENCH");
        for (int start = 0; start < keys; start += BATCH) {
            WriteBatch batch = WriteBatch.create();
            for (int i = start; i < Math.min(keys, start + BATCH); i++) {
                batch.put(keyStrings[i], VALUE);
            }
            ns.write(batch);
        }
        Thread.sleep(2000);
    }

    @Benchmark
    public void batchOfThousand() {
        WriteBatch batch = WriteBatch.create();
        for (int i = 0; i < BATCH; i++) {
            batch.put(nextKey(), VALUE);
        }
        ns.write(batch);
    }

    @Benchmark
    public void oneAtATime() {
        for (int i = 0; i < BATCH; i++) {
            ns.put(nextKey(), VALUE);
        }
    }

    private String nextKey() {
        String key = keyStrings[order[next]];
        next = next + 1 == keys ? 0 : next + 1;
        return key;
    }

    @TearDown(Level.Trial)
    public void close() {
        TempDirectories.closeAndDelete(db, dir);
    }
}
