package dev.basalt.benchmarks;

import dev.basalt.Basalt;
import dev.basalt.BasaltOptions;
import dev.basalt.Durability;
import dev.basalt.KvNamespace;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Opens a cleanly closed directory again and again, for profiling the open from a checkpoint
 * (run it under JFR): the directory is loaded once, as {@link OpenAndMemoryBenchmark} loads it
 * ({@link BenchmarkKeys}' keys, 100-byte values by default, a seeded random order, default
 * options with {@link Durability#PERIODIC}), and kept, so later runs reuse it. Each round times
 * {@code Basalt.open} plus {@code namespace()} and one read, then closes (which writes the
 * checkpoint again, untimed); the median and minimum are printed at the end.
 *
 * <pre>java -Xmx2g &lt;the engine's flags&gt; -XX:StartFlightRecording=filename=open.jfr,settings=profile
 *     -cp benchmarks/target/benchmarks.jar dev.basalt.benchmarks.OpenProfile DIR [keys] [opens] [valueBytes]</pre>
 *
 * <p>Not a JMH benchmark and not a figure to publish: a driver for a profiler, whose printed times
 * are indicative only. Single-threaded.
 */
public final class OpenProfile {
    static final String NAMESPACE = "BENCH";
    static final long LOAD_ORDER_SEED = 0x5EED_0001L;

    private OpenProfile() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: OpenProfile DIR [keys=1000000] [opens=20] [valueBytes=100]");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        int keys = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        int opens = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        int valueBytes = args.length > 3 ? Integer.parseInt(args[3]) : 100;
        BasaltOptions options = BasaltOptions.defaults().withDurability(Durability.PERIODIC);
        if (!Files.exists(dir.resolve("STORE"))) {
            long start = System.nanoTime();
            try (Basalt db = Basalt.open(dir, options)) {
                load(db.namespace(NAMESPACE), keys, valueBytes);
            }
            System.out.printf(Locale.ROOT, "loaded %d keys in %.1f s%n", keys, (System.nanoTime() - start) / 1e9);
        }
        ByteBuffer probe = ByteBuffer.allocateDirect(BenchmarkKeys.KEY_LENGTH_BYTES);
        probe.put(BenchmarkKeys.keyString(keys / 2).getBytes(StandardCharsets.US_ASCII)).flip();
        ByteBuffer dst = ByteBuffer.allocateDirect(valueBytes);
        long[] nanos = new long[opens];
        long[] cpuNanos = new long[opens];
        long[] faults = new long[opens];
        for (int i = 0; i < opens; i++) {
            long cpuStart = processCpuNanos();
            long faultsStart = minorFaults();
            long start = System.nanoTime();
            Basalt db = Basalt.open(dir, options);
            int read = db.namespace(NAMESPACE).read(probe.duplicate(), dst.clear());
            nanos[i] = System.nanoTime() - start;
            cpuNanos[i] = processCpuNanos() - cpuStart;
            faults[i] = minorFaults() - faultsStart;
            long live = db.stats().liveKeys();
            db.close();
            if (read != valueBytes || live != keys) {
                throw new IllegalStateException("open " + i + " read " + read + " bytes and holds " + live + " keys");
            }
            System.out.printf(Locale.ROOT, "open %d: %.1f ms, cpu %.1f ms, minor faults %d%n", i, nanos[i] / 1e6,
                    cpuNanos[i] / 1e6, faults[i]);
        }
        System.out.printf(Locale.ROOT, "opens=%d wall median=%.1f ms min=%.1f ms; cpu (all threads) median=%.1f ms;"
                + " minor faults median=%d%n", opens, median(nanos) / 1e6, Arrays.stream(nanos).min().getAsLong() / 1e6,
                median(cpuNanos) / 1e6, median(faults));
    }

    private static long median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /** CPU time of every thread of the process: work done, whatever else the machine runs. */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /**
     * Minor page faults of the process so far (field 10 of {@code /proc/self/stat}); -1 without
     * procfs. On the project's VMs each fault of fresh memory costs about 15 µs.
     */
    private static long minorFaults() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[7]);
        } catch (java.io.IOException | RuntimeException e) {
            return -1;
        }
    }

    private static void load(KvNamespace namespace, int keys, int valueBytes) {
        int[] order = BenchmarkKeys.permutation(keys, LOAD_ORDER_SEED);
        for (int index : order) {
            namespace.put(BenchmarkKeys.keyString(index), PeerData.valueOf(index, valueBytes));
        }
    }
}
