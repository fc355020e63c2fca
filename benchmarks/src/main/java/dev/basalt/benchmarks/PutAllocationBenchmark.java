package dev.basalt.benchmarks;

import dev.basalt.Basalt;
import dev.basalt.BasaltOptions;
import dev.basalt.Durability;
import dev.basalt.KvNamespace;
import java.nio.ByteBuffer;
import java.nio.file.Path;
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
 * What one {@code put} allocates (issue 14): an overwrite of an existing key, in a seeded random
 * order over {@code keys} keys, with {@link Durability#PERIODIC}. Run it with {@code -prof gc}
 * and read {@code gc.alloc.rate.norm}; JMH counts the allocation of every thread of the fork, so
 * the engine's background threads (periodic fsync, expiry, compaction) are in the figure.
 *
 * <p>Methods: {@code putByteBuffer} is {@link KvNamespace#put(ByteBuffer, ByteBuffer)} with every
 * key back to back in one direct buffer (a put only moves its position and limit) and one direct
 * value buffer, both reused; {@code putStringBytes} is {@link KvNamespace#put(String, byte[])}
 * with prebuilt key strings and one value array. The benchmark allocates nothing itself; what
 * the figure shows is the put's own allocation (for {@code putByteBuffer} the budget is 0 B/op,
 * for {@code putStringBytes} the key's UTF-8 bytes, 32 B/op for these 16-byte keys).
 *
 * <p>{@code compaction}: {@code background} (the engine's default) or {@code off}. Overwrites
 * leave dead records behind, so with background compaction its passes run during the
 * measurement and their allocation lands in the per-put figure; {@code off} isolates the put.
 * See {@code docs/benchmarks.md}, "Allocation-free put (issue 14)".
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 1, timeUnit = TimeUnit.SECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {
        JvmFlags.EXPORT_JDK_INTERNAL_MISC,
        JvmFlags.EXPORT_JDK_INTERNAL_REF,
        JvmFlags.OPEN_JAVA_LANG_REFLECT,
        JvmFlags.OPEN_SUN_NIO_CH,
        JvmFlags.OPEN_JAVA_UTIL_ZIP,
        JvmFlags.BENCHMARK_HEAP})
public class PutAllocationBenchmark {
    static final String NAMESPACE = "BENCH";
    static final long LOAD_ORDER_SEED = 0x5EED_0001L;
    static final long WRITE_ORDER_SEED = 0x5EED_2000L;

    /** {@link KvNamespace#put(ByteBuffer, ByteBuffer)}: the allocation-free put. */
    @Benchmark
    public void putByteBuffer(Engine engine, Writer writer) {
        engine.namespace.put(writer.nextKeyBuffer(), writer.directValue);
    }

    /** {@link KvNamespace#put(String, byte[])}: the key's UTF-8 encoding is the caller's share. */
    @Benchmark
    public void putStringBytes(Engine engine, Writer writer) {
        engine.namespace.put(writer.nextKeyString(), writer.arrayValue);
    }

    /** The engine, loaded with every key once so that each measured put overwrites. */
    @State(Scope.Benchmark)
    public static class Engine {
        /** Number of keys overwritten in turn. */
        @Param("100000")
        public int keys;

        @Param("100")
        public int valueBytes;

        /** {@code background} (the default) or {@code off}. */
        @Param("background")
        public String compaction;

        Path dir;
        Basalt db;
        KvNamespace namespace;

        @Setup(Level.Trial)
        public void setUp() {
            if (!compaction.equals("background") && !compaction.equals("off")) {
                throw new IllegalArgumentException("compaction is \"" + compaction + "\"; it must be background or off");
            }
            dir = TempDirectories.create("basalt-put-bench-");
            try {
                db = Basalt.open(dir, BasaltOptions.defaults()
                        .withDurability(Durability.PERIODIC)
                        .withBackgroundCompaction(compaction.equals("background")));
                namespace = db.namespace(NAMESPACE);
                byte[] value = new byte[valueBytes];
                for (int index : BenchmarkKeys.permutation(keys, LOAD_ORDER_SEED)) {
                    namespace.put(BenchmarkKeys.keyString(index), value);
                }
                db.sync();
            } catch (RuntimeException | Error e) {
                // JMH skips @TearDown when @Setup fails; without this the directory would stay behind.
                tearDown();
                throw e;
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            Basalt open = db;
            db = null;
            TempDirectories.closeAndDelete(open, dir);
        }
    }

    /** The writing thread's key order and values, built in setup; nothing is allocated per put. */
    @State(Scope.Thread)
    public static class Writer {
        KeyOrder order;
        String[] keyStrings;
        byte[] arrayValue;
        /** Every key back to back; its position and limit select the next one. */
        ByteBuffer keyBuffer;
        ByteBuffer directValue;

        @Setup(Level.Trial)
        public void setUp(Engine engine) {
            order = new KeyOrder(engine.keys, WRITE_ORDER_SEED);
            keyStrings = new String[engine.keys];
            for (int i = 0; i < engine.keys; i++) {
                keyStrings[i] = BenchmarkKeys.keyString(i);
            }
            arrayValue = new byte[engine.valueBytes];
            for (int i = 0; i < arrayValue.length; i++) {
                arrayValue[i] = (byte) (i * 31 + 7);
            }
            keyBuffer = BenchmarkKeys.allKeysDirect(engine.keys);
            directValue = ByteBuffer.allocateDirect(engine.valueBytes).put(arrayValue).flip();
        }

        ByteBuffer nextKeyBuffer() {
            int offset = order.next() * BenchmarkKeys.KEY_LENGTH_BYTES;
            // clear() first: it lifts the limit, so the new position is always within it.
            keyBuffer.clear();
            keyBuffer.position(offset);
            keyBuffer.limit(offset + BenchmarkKeys.KEY_LENGTH_BYTES);
            return keyBuffer;
        }

        String nextKeyString() {
            return keyStrings[order.next()];
        }
    }
}
