package dev.basalt.benchmarks;

import dev.basalt.Durability;
import dev.basalt.benchmarks.report.SvgLineChart;
import dev.basalt.benchmarks.stores.Stores;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Random overwrite of existing keys by one thread for a fixed time, per store, with the puts
 * completed in every one-second window and the data directory's size each second: what JMH's
 * averages hide (a cliff when compaction starts, disk growing without bound). Issue 14.
 *
 * <p>Per store: load N keys ({@code user:%011d}, values of {@code --value-bytes}) as the peer
 * benchmarks do ({@link PeerData}, PERIODIC durability, each store with its adapter's settings),
 * then overwrite keys in a seeded random order. A sampler thread wakes on the second, reads the
 * writer's put count and the directory's size on disk ({@code du -s -B1}, allocated blocks, so a
 * sparse preallocated segment counts what was written; apparent file sizes where there is no du). Allocation is the JVM's per-thread allocated-bytes counters
 * summed over every live thread but the sampler, before and after the run (a thread that ends
 * during the run takes its count with it), divided by the puts.
 *
 * <p>Usage: {@code SustainedOverwrite [--keys N] [--seconds D] [--stores a,b] [--value-bytes B]
 * [--svg path] [--csv path]}; stores as in {@link Stores} plus {@code basalt-no-compaction};
 * {@code chroniclemap} is accepted for {@code chronicle-map}.
 */
public final class SustainedOverwrite {
    private SustainedOverwrite() {
    }

    /** One store's run: puts per one-second window, disk bytes at each second's end. */
    record Run(String store, long puts, long nanos, long[] putsPerSecond, long[] diskBytes, long allocatedBytes,
            long liveBytes) {
        double meanMicros() {
            return nanos / 1e3 / Math.max(1, puts);
        }

        long median() {
            long[] sorted = putsPerSecond.clone();
            Arrays.sort(sorted);
            return sorted.length == 0 ? 0 : sorted[sorted.length / 2];
        }

        long worst() {
            return Arrays.stream(putsPerSecond).min().orElse(0);
        }

        long maxDisk() {
            return Arrays.stream(diskBytes).max().orElse(0);
        }
    }

    public static void main(String[] args) throws Exception {
        int keys = 1_000_000;
        int seconds = 60;
        int valueBytes = 100;
        List<String> stores = List.of(Stores.BASALT, Stores.ROCKSDB, Stores.CHRONICLE_MAP);
        Path svg = null;
        Path csv = null;
        for (int i = 0; i < args.length; i += 2) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            if (value == null) {
                throw new IllegalArgumentException(args[i] + " needs a value");
            }
            switch (args[i]) {
                case "--keys" -> keys = Integer.parseInt(value);
                case "--seconds" -> seconds = Integer.parseInt(value);
                case "--value-bytes" -> valueBytes = Integer.parseInt(value);
                case "--stores" -> stores = Arrays.stream(value.split(",")).map(String::trim)
                        .map(s -> s.equals("chroniclemap") ? Stores.CHRONICLE_MAP : s).toList();
                case "--svg" -> svg = Path.of(value);
                case "--csv" -> csv = Path.of(value);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; the options are --keys --seconds --stores --value-bytes --svg --csv");
            }
        }
        List<Run> runs = new ArrayList<>();
        for (String store : stores) {
            Run run = run(store, keys, seconds, valueBytes);
            runs.add(run);
            System.out.println(store + " puts per second: " + Arrays.toString(run.putsPerSecond()));
            System.out.println(store + " disk MB per second: " + Arrays.toString(
                    Arrays.stream(run.diskBytes()).map(b -> b >> 20).toArray()));
        }
        printTable(runs, keys, seconds, valueBytes);
        if (csv != null) {
            writeFile(csv, csv(runs));
        }
        if (svg != null) {
            List<SvgLineChart.Series> series = new ArrayList<>();
            for (Run run : runs) {
                series.add(new SvgLineChart.Series(run.store(),
                        Arrays.stream(run.putsPerSecond()).asDoubleStream().toArray()));
            }
            writeFile(svg, SvgLineChart.render(String.format(Locale.ROOT,
                    "Sustained random overwrite, %,d keys, %d-byte values, one thread, PERIODIC", keys, valueBytes),
                    "seconds of overwrite", "puts per second", series));
        }
    }

    static Run run(String storeName, int keys, int seconds, int valueBytes) throws InterruptedException {
        PeerData data = PeerData.load(storeName, keys, valueBytes,
                PeerData.settings(Durability.PERIODIC, keys, valueBytes, false));
        try {
            long[] perSecond = new long[seconds];
            long[] disk = new long[seconds];
            AtomicLong done = new AtomicLong();
            KeyOrder order = new KeyOrder(keys, PeerData.ACCESS_ORDER_SEED);
            byte[] value = PeerData.valueOf(1, valueBytes);
            Thread sampler = new Thread(() -> sample(data.dir, done, perSecond, disk), "overwrite-sampler");
            long allocatedBefore = allocatedBytes(sampler.getId());
            long start = System.nanoTime();
            long end = start + seconds * 1_000_000_000L;
            sampler.start();
            long puts = 0;
            while (true) {
                for (int i = 0; i < 64; i++) {
                    data.store.put(data.keys[order.next()], value);
                }
                puts += 64;
                done.lazySet(puts);
                if (System.nanoTime() - end >= 0) {
                    break;
                }
            }
            long nanos = System.nanoTime() - start;
            sampler.join();
            long allocated = allocatedBytes(sampler.getId()) - allocatedBefore;
            long live = (long) keys * (BenchmarkKeys.KEY_LENGTH_BYTES + valueBytes);
            return new Run(storeName, puts, nanos, perSecond, disk, allocated, live);
        } finally {
            data.close();
        }
    }

    /** Runs on the sampler thread until every window is filled. */
    private static void sample(Path dir, AtomicLong done, long[] perSecond, long[] disk) {
        long start = System.nanoTime();
        long previous = 0;
        for (int second = 0; second < perSecond.length; second++) {
            long due = start + (second + 1) * 1_000_000_000L;
            long wait;
            while ((wait = due - System.nanoTime()) > 0) {
                try {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            long now = done.get();
            perSecond[second] = now - previous;
            previous = now;
            disk[second] = directoryBytes(dir);
        }
    }

    /**
     * Bytes the directory takes on disk: {@code du}'s allocated blocks when it is there (a
     * preallocated, still sparse segment counts only what was written), else the sum of the
     * files' apparent sizes.
     */
    static long directoryBytes(Path dir) {
        try {
            Process du = new ProcessBuilder("du", "-s", "-B1", dir.toString()).redirectErrorStream(true).start();
            String out = new String(du.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            if (du.waitFor() == 0 && !out.isEmpty()) {
                return Long.parseLong(out.split("\\s+")[0]);
            }
        } catch (IOException | NumberFormatException e) {
            // No du here: apparent sizes below.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return apparentBytes(dir);
    }

    static long apparentBytes(Path dir) {
        long total = 0;
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                try {
                    if (Files.isRegularFile(file)) {
                        total += Files.size(file);
                    }
                } catch (IOException gone) {
                    // Deleted between listing and sizing (a compacted segment, a finished SST): not there.
                }
            }
        } catch (IOException | UncheckedIOException e) {
            // A directory deleted mid-walk: count what was seen.
        }
        return total;
    }

    private static long allocatedBytes(long excludedThreadId) {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long[] ids = Arrays.stream(threads.getAllThreadIds()).filter(id -> id != excludedThreadId).toArray();
        long total = 0;
        for (long bytes : threads.getThreadAllocatedBytes(ids)) {
            total += Math.max(0, bytes);
        }
        return total;
    }

    private static void printTable(List<Run> runs, int keys, int seconds, int valueBytes) {
        System.out.printf(Locale.ROOT, "%n%,d keys, %d-byte values, %d s of random overwrite, one thread, PERIODIC%n%n",
                keys, valueBytes, seconds);
        System.out.println("| store | puts | mean µs/put | median window (puts/s) | worst window (puts/s) "
                + "| median / worst | max disk / live data | B/put |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
        for (Run run : runs) {
            System.out.printf(Locale.ROOT, "| %s | %,d | %.2f | %,d | %,d | %.2f | %.2f | %,d |%n", run.store(),
                    run.puts(), run.meanMicros(), run.median(), run.worst(),
                    run.worst() == 0 ? Double.POSITIVE_INFINITY : (double) run.median() / run.worst(),
                    (double) run.maxDisk() / run.liveBytes(), run.allocatedBytes() / Math.max(1, run.puts()));
        }
    }

    private static String csv(List<Run> runs) {
        StringBuilder text = new StringBuilder("second");
        for (Run run : runs) {
            text.append(',').append(run.store()).append("_puts,").append(run.store()).append("_disk_bytes");
        }
        text.append('\n');
        int rows = runs.stream().mapToInt(r -> r.putsPerSecond().length).max().orElse(0);
        for (int s = 0; s < rows; s++) {
            text.append(s + 1);
            for (Run run : runs) {
                boolean has = s < run.putsPerSecond().length;
                text.append(',').append(has ? run.putsPerSecond()[s] : "").append(',').append(has ? run.diskBytes()[s] : "");
            }
            text.append('\n');
        }
        return text.toString();
    }

    private static void writeFile(Path path, String text) throws IOException {
        if (path.getParent() != null) {
            Files.createDirectories(path.getParent());
        }
        Files.writeString(path, text, StandardCharsets.UTF_8);
        System.out.println("wrote " + path);
    }
}
