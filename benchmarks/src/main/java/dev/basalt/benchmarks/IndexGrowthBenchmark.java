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
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * How long the one {@code put} that grows a namespace's hash index takes (issue 14: a writer
 * waits at most for one record's worth of work). Each iteration opens an empty store, loads
 * 786,432 keys in batches of 1,000 (exactly what the 1,048,576-slot table holds), gives the
 * background a second, and times the put of one more key: it copies every slot into a table of
 * 1,572,864 slots (24 MiB). Before the table was allocated ahead (`NextTable`) that put also
 * allocated and zeroed the 24 MiB under the append lock.
 *
 * <p>Single shots, so each figure is one growth; run with {@code -wi 2 -i 10} or more.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 10)
@Fork(value = 1, jvmArgsAppend = {
        JvmFlags.EXPORT_JDK_INTERNAL_MISC,
        JvmFlags.EXPORT_JDK_INTERNAL_REF,
        JvmFlags.OPEN_JAVA_LANG_REFLECT,
        JvmFlags.OPEN_SUN_NIO_CH,
        JvmFlags.OPEN_JAVA_UTIL_ZIP,
        JvmFlags.BENCHMARK_HEAP})
@State(Scope.Benchmark)
public class IndexGrowthBenchmark {
    /** What a namespace's index holds before the growth to 1,572,864 slots. */
    static final int KEYS_BEFORE_GROWTH = 786_432;
    private static final byte[] VALUE = new byte[100];

    private Path dir;
    private Basalt db;
    private KvNamespace ns;

    @Setup(Level.Iteration)
    public void loadToTheEdgeOfAGrowth() throws InterruptedException {
        dir = TempDirectories.create("basalt-index-growth");
        db = Basalt.open(dir, BasaltOptions.defaults().withDurability(Durability.PERIODIC));
        ns = db.namespace("BENCH");
        for (int start = 0; start < KEYS_BEFORE_GROWTH; start += 1000) {
            WriteBatch batch = WriteBatch.create();
            for (int i = start; i < Math.min(KEYS_BEFORE_GROWTH, start + 1000); i++) {
                batch.put(BenchmarkKeys.keyString(i), VALUE);
            }
            ns.write(batch);
        }
        Thread.sleep(1000);
    }

    @Benchmark
    public void putThatGrowsTheIndex() {
        ns.put(BenchmarkKeys.keyString(KEYS_BEFORE_GROWTH), VALUE);
    }

    @TearDown(Level.Iteration)
    public void close() {
        TempDirectories.closeAndDelete(db, dir);
    }
}
