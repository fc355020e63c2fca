package dev.basalt.benchmarks;

import dev.basalt.Basalt;
import dev.basalt.BasaltOptions;
import dev.basalt.Durability;
import dev.basalt.KvNamespace;
import dev.basalt.ListOptions;
import dev.basalt.WriteBatch;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where a load's time goes between the writer and the engine's threads: {@code keys} new keys
 * ({@link BenchmarkKeys}' keys in a seeded random order, 100-byte values,
 * {@link Durability#PERIODIC}) put into a fresh store one at a time or in {@link WriteBatch}es
 * of {@code batch}, then one page of one key listed, which waits for the listing to take in
 * every key loaded. Prints per run the load's time, the time until that page came back, the
 * writer's processor time during the load and every other thread's (the engine's background
 * threads, the collector's). A writer whose processor time is well below the load's time was
 * waiting: for the append lock, mostly.
 *
 * <pre>java -Xmx8g &lt;the engine's flags&gt; -cp benchmarks/target/benchmarks.jar
 *     dev.basalt.benchmarks.LoadThreads [keys=1000000] [batch=1000] [runs=3]</pre>
 *
 * <p>Not a JMH benchmark: single runs in one JVM, the first of them with cold code; compare
 * builds alternately.
 */
public final class LoadThreads {
    private static final long LOAD_ORDER_SEED = 0x5EED_0021L;
    private static final int VALUE_BYTES = 100;
    /** Threads that used less processor time than this during a load are not printed. */
    private static final long MIN_PRINTED_NANOS = 50_000_000L;

    private LoadThreads() {
    }

    public static void main(String[] args) throws Exception {
        int keys = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        String[] names = BenchmarkKeys.keyStringsInRandomOrder(keys, LOAD_ORDER_SEED);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (int run = 1; run <= runs; run++) {
            load(run, names, batch, threads);
        }
    }

    private static void load(int run, String[] names, int batch, ThreadMXBean threads) throws Exception {
        Path dir = TempDirectories.create("basalt-load-threads-");
        try (Basalt db = Basalt.open(dir, BasaltOptions.defaults().withDurability(Durability.PERIODIC))) {
            KvNamespace namespace = db.namespace("load");
            byte[] value = new byte[VALUE_BYTES];
            Map<Long, Long> before = processorTimes(threads);
            long writerBefore = threads.getCurrentThreadCpuTime();
            long start = System.nanoTime();
            if (batch <= 1) {
                for (String name : names) {
                    namespace.put(name, value);
                }
            } else {
                for (int from = 0; from < names.length; from += batch) {
                    WriteBatch entries = WriteBatch.create();
                    for (int i = from; i < Math.min(names.length, from + batch); i++) {
                        entries.put(names[i], value);
                    }
                    namespace.write(entries);
                }
            }
            long loaded = System.nanoTime();
            long writer = threads.getCurrentThreadCpuTime() - writerBefore;
            Map<String, Long> others = othersSince(before, threads);
            namespace.list(ListOptions.all().withLimit(1));
            long listed = System.nanoTime();
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
                    "run %d, %,d keys, %s: load %.2f s, listed %.2f s, writer %.2f s of processor; others:", run,
                    names.length, batch <= 1 ? "one put at a time" : "batches of " + batch, (loaded - start) / 1e9,
                    (listed - start) / 1e9, writer / 1e9));
            others.forEach((name, nanos) -> line.append(String.format(Locale.ROOT, " %s %.2f s;", name, nanos / 1e9)));
            System.out.println(line);
        } finally {
            TempDirectories.deleteRecursively(dir);
        }
    }

    private static Map<Long, Long> processorTimes(ThreadMXBean threads) {
        Map<Long, Long> times = new HashMap<>();
        for (long id : threads.getAllThreadIds()) {
            long nanos = threads.getThreadCpuTime(id);
            if (nanos > 0) {
                times.put(id, nanos);
            }
        }
        return times;
    }

    /** Processor time each other live thread used since {@code before}, by thread name. */
    private static Map<String, Long> othersSince(Map<Long, Long> before, ThreadMXBean threads) {
        Map<String, Long> used = new TreeMap<>();
        long self = Thread.currentThread().getId();
        processorTimes(threads).forEach((id, nanos) -> {
            long delta = nanos - before.getOrDefault(id, 0L);
            ThreadInfo info = threads.getThreadInfo(id);
            if (id != self && delta >= MIN_PRINTED_NANOS && info != null) {
                used.merge(info.getThreadName(), delta, Long::sum);
            }
        });
        return used;
    }
}
