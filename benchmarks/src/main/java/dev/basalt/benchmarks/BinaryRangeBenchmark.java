package dev.basalt.benchmarks;

import dev.basalt.Basalt;
import dev.basalt.BasaltOptions;
import dev.basalt.BinaryNamespace;
import dev.basalt.Durability;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A range of {@value #RANGE_KEYS} consecutive keys through the binary-key view
 * ({@link BinaryNamespace#range}, what the Kafka Streams store's {@code range} and
 * {@code reverseRange} call), ascending and descending, each entry's key and value copied out as
 * the iterator returns them. Data: {@code keys} keys {@code "user:00000001234"} with 100-byte
 * values, loaded in a seeded random order in batches of 1,000 ({@link BinaryNamespace#putAll}),
 * {@link Durability#PERIODIC}. Each invocation picks a random first key.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 8, time = 3, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 3, timeUnit = TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {
        JvmFlags.EXPORT_JDK_INTERNAL_MISC,
        JvmFlags.EXPORT_JDK_INTERNAL_REF,
        JvmFlags.OPEN_JAVA_LANG_REFLECT,
        JvmFlags.OPEN_SUN_NIO_CH,
        JvmFlags.OPEN_JAVA_UTIL_ZIP,
        JvmFlags.BENCHMARK_HEAP})
@Threads(1)
public class BinaryRangeBenchmark {
    static final int RANGE_KEYS = 1_000;
    static final int VALUE_BYTES = 100;
    static final int LOAD_BATCH = 1_000;
    static final long LOAD_ORDER_SEED = 0x5EED_0003L;

    /** The keys from a random key up to the 1,000th, both bounds inclusive; returns the entries seen. */
    @Benchmark
    public int ascending(Loaded loaded) {
        int first = loaded.nextFirst();
        byte[] low = loaded.keyBytes[first];
        byte[] high = loaded.keyBytes[first + RANGE_KEYS - 1];
        return drain(loaded.namespace.range(low, true, high, true, false));
    }

    /** The same range walked from its last key down to its first. */
    @Benchmark
    public int descending(Loaded loaded) {
        int first = loaded.nextFirst();
        byte[] low = loaded.keyBytes[first];
        byte[] high = loaded.keyBytes[first + RANGE_KEYS - 1];
        return drain(loaded.namespace.range(high, true, low, true, true));
    }

    private static int drain(Iterator<BinaryNamespace.Entry> entries) {
        int seen = 0;
        while (entries.hasNext()) {
            seen += entries.next().value().length == VALUE_BYTES ? 1 : 0;
        }
        if (seen != RANGE_KEYS) {
            throw new IllegalStateException("a range of " + RANGE_KEYS + " keys returned " + seen);
        }
        return seen;
    }

    /** A store in a temporary directory, loaded once per trial. */
    @State(Scope.Benchmark)
    public static class Loaded {
        /** Keys in the namespace; at least {@value #RANGE_KEYS}. */
        @Param("1000000")
        public int keys;

        Path dir;
        Basalt db;
        BinaryNamespace namespace;
        /** Key {@code i}'s bytes, {@code i} in key order. */
        byte[][] keyBytes;
        private final SplittableRandom random = new SplittableRandom(42);

        @Setup(Level.Trial)
        public void setUp() {
            if (keys < RANGE_KEYS) {
                throw new IllegalArgumentException("keys is " + keys + "; it must be at least " + RANGE_KEYS);
            }
            keyBytes = new byte[keys][];
            for (int i = 0; i < keys; i++) {
                keyBytes[i] = BenchmarkKeys.keyString(i).getBytes(StandardCharsets.US_ASCII);
            }
            dir = TempDirectories.create("basalt-range-bench-");
            try {
                db = Basalt.open(dir, BasaltOptions.defaults().withDurability(Durability.PERIODIC));
                namespace = db.binaryNamespace("ranges");
                List<BinaryNamespace.Entry> batch = new ArrayList<>(LOAD_BATCH);
                for (int index : BenchmarkKeys.permutation(keys, LOAD_ORDER_SEED)) {
                    batch.add(new BinaryNamespace.Entry(keyBytes[index], new byte[VALUE_BYTES]));
                    if (batch.size() == LOAD_BATCH) {
                        namespace.putAll(batch);
                        batch.clear();
                    }
                }
                if (!batch.isEmpty()) {
                    namespace.putAll(batch);
                }
                db.sync();
            } catch (RuntimeException | Error e) {
                tearDown();
                throw e;
            }
        }

        int nextFirst() {
            return random.nextInt(keys - RANGE_KEYS + 1);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            TempDirectories.closeAndDelete(db, dir);
        }
    }
}
