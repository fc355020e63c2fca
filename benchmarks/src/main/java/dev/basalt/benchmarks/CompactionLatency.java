package dev.basalt.benchmarks;

import dev.basalt.Basalt;
import dev.basalt.BasaltOptions;
import dev.basalt.CompactionResult;
import dev.basalt.Durability;
import dev.basalt.KvNamespace;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;

/**
 * What a compaction pass does to foreground read latency, unpaced and at the default rate.
 * Loads N keys with 100-byte values, overwrites every key three times (so sealed segments are
 * mostly dead), then for each rate: one reader thread times random {@code read(ByteBuffer,
 * ByteBuffer)} calls into a histogram for 3 s before and for the whole of a {@code compact()}.
 * Usage: {@code CompactionLatency [N]} (default 1,000,000).
 */
public final class CompactionLatency {
    private static final int VALUE_BYTES = 100;

    private CompactionLatency() {
    }

    public static void main(String[] args) throws Exception {
        int keys = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        System.out.println("| rate | phase | reads | p50 (µs) | p99 (µs) | p99.9 (µs) | max (µs) | pass |");
        System.out.println("|---|---|---:|---:|---:|---:|---:|---|");
        for (long rate : new long[] {0, 64L << 20}) {
            Path dir = TempDirectories.create("basalt-compaction-latency");
            try {
                run(dir, keys, rate);
            } finally {
                TempDirectories.deleteRecursively(dir);
            }
        }
    }

    private static void run(Path dir, int keys, long rate) throws Exception {
        BasaltOptions options = BasaltOptions.defaults().withDurability(Durability.PERIODIC)
                .withSegmentSize(64L << 20).withBackgroundCompaction(false).withCompactionRate(rate);
        try (Basalt db = Basalt.open(dir, options)) {
            KvNamespace ns = db.namespace("BENCH");
            byte[] value = new byte[VALUE_BYTES];
            for (int round = 0; round < 4; round++) {
                value[0] = (byte) round;
                for (int i = 0; i < keys; i++) {
                    ns.put(key(i), value);
                }
            }
            db.sync();
            String label = rate == 0 ? "unpaced" : (rate >> 20) + " MiB/s";
            Histogram before = Latencies.newHistogram();
            Histogram during = Latencies.newHistogram();
            AtomicReference<Histogram> target = new AtomicReference<>(before);
            AtomicBoolean stop = new AtomicBoolean();
            Thread reader = new Thread(() -> read(ns, keys, target, stop), "reader");
            reader.start();
            Thread.sleep(3_000);
            target.set(during);
            long start = System.nanoTime();
            CompactionResult result = db.compact();
            long passNs = System.nanoTime() - start;
            stop.set(true);
            reader.join();
            String pass = String.format("%d segments, %.1f MiB reclaimed in %.2f s", result.segmentsCompacted(),
                    result.bytesReclaimed() / 1048576.0, passNs / 1e9);
            row(label, "before the pass", before, "");
            row(label, "during the pass", during, pass);
        }
    }

    private static void read(KvNamespace ns, int keys, AtomicReference<Histogram> target, AtomicBoolean stop) {
        ByteBuffer key = ByteBuffer.allocateDirect(32);
        ByteBuffer dst = ByteBuffer.allocateDirect(VALUE_BYTES);
        SplittableRandom random = new SplittableRandom(42);
        while (!stop.get()) {
            key.clear();
            key.put(key(random.nextInt(keys)).getBytes(StandardCharsets.UTF_8)).flip();
            dst.clear();
            long t0 = System.nanoTime();
            int length = ns.read(key, dst);
            long t1 = System.nanoTime();
            if (length != VALUE_BYTES) {
                throw new IllegalStateException("read returned " + length);
            }
            Latencies.record(target.get(), t1 - t0);
        }
    }

    private static String key(int i) {
        return String.format("user:%011d", i);
    }

    private static void row(String rate, String phase, Histogram h, String pass) {
        System.out.printf("| %s | %s | %,d | %.2f | %.2f | %.2f | %.1f | %s |%n", rate, phase, h.getTotalCount(),
                h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(99) / 1e3, h.getValueAtPercentile(99.9) / 1e3,
                h.getMaxValue() / 1e3, pass);
    }
}
