package dev.basalt.benchmarks;

import dev.basalt.Durability;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * {@link PeerMixedBenchmark}'s operations (90 % reads into a buffer, 10 % overwrites, one write
 * in ten with a TTL of 1 to 10 s) on one thread, with every operation timed and reads and puts
 * counted apart: JMH's sample mode gives one distribution over both, and does not say which of
 * them makes the tail. Prints percentiles per kind and how many operations took over 50 µs,
 * 1 ms and 5 ms. The store is loaded and has its background work on as in the benchmark
 * ({@link PeerData#settings}).
 *
 * <p>Run flat out (the default, as the benchmark does), a faster store also writes faster, so
 * its background work (compaction, expiry) has more to do than a slower peer's: Basalt makes
 * about three times RocksDB's operations a second there. With {@code opsPerSecond} the
 * operations are paced to that rate instead, the same for every store: operation {@code i} is
 * due at {@code i / opsPerSecond} seconds and its latency is counted from then, so time spent
 * queued behind a slow operation is counted too (no coordinated omission).
 *
 * <pre>java -Xmx8g &lt;the engine's flags&gt; -cp benchmarks/target/benchmarks.jar
 *     dev.basalt.benchmarks.MixedLatencyProfile [store=basalt] [seconds=20] [keys=1000000] [opsPerSecond=0]
 *     [slowMicros=0]</pre>
 *
 * <p>With {@code slowMicros} above 0, every measured operation slower than that is also printed
 * after the percentiles, {@code SLOW <epoch ms it started> <µs> <R|W>}, to line up with a JFR
 * recording of the same run ({@code -XX:StartFlightRecording}: the engine's events, garbage
 * collections, parks) and see what the slow ones waited for.
 *
 * <p>5 s of warm-up come before the measured seconds. Not a JMH benchmark: one run, one fork;
 * compare builds or stores by alternating runs, with nothing else running.
 */
public final class MixedLatencyProfile {
    private static final int VALUE_BYTES = 100;
    private static final int WARM_UP_SECONDS = 5;
    /** Latencies kept per kind at most: 20 s of reads at a few hundred thousand a second fit. */
    private static final int MAX_SAMPLES = 20_000_000;

    private MixedLatencyProfile() {
    }

    public static void main(String[] args) {
        String store = args.length > 0 ? args[0] : "basalt";
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int keys = args.length > 2 ? Integer.parseInt(args[2]) : 1_000_000;
        long opsPerSecond = args.length > 3 ? Long.parseLong(args[3]) : 0;
        long slowNanos = args.length > 4 ? Long.parseLong(args[4]) * 1_000 : 0;
        PeerData data = PeerData.load(store, keys, VALUE_BYTES,
                PeerData.settings(Durability.PERIODIC, keys, VALUE_BYTES, true));
        try {
            Mix mix = new Mix(data, keys, opsPerSecond);
            mix.run(WARM_UP_SECONDS, new Latencies(), new Latencies(), null);
            Latencies reads = new Latencies();
            Latencies puts = new Latencies();
            SlowOperations slow = slowNanos > 0 ? new SlowOperations(slowNanos) : null;
            mix.run(seconds, reads, puts, slow);
            System.out.printf(Locale.ROOT, "%s, %d keys, %s: %d reads and %d puts in %d s%n", store, keys,
                    opsPerSecond > 0 ? opsPerSecond + " operations a second" : "flat out", reads.count, puts.count,
                    seconds);
            reads.print("reads");
            puts.print("puts");
            if (slow != null) {
                slow.print();
            }
        } finally {
            data.close();
        }
    }

    /** The benchmark's operations, in its order (the same seed). */
    private static final class Mix {
        private final PeerData data;
        private final KeyOrder order;
        private final SplittableRandom random = new SplittableRandom(PeerMixedBenchmark.MIXED_SEED);
        private final ByteBuffer allKeys;
        private final ByteBuffer dst = ByteBuffer.allocateDirect(VALUE_BYTES);
        private final byte[] value = PeerData.valueOf(0, VALUE_BYTES);
        /** Nanoseconds between two operations' due times; 0 when not paced. */
        private final double intervalNanos;

        Mix(PeerData data, int keys, long opsPerSecond) {
            this.data = data;
            this.order = new KeyOrder(keys, PeerMixedBenchmark.MIXED_SEED);
            this.allKeys = BenchmarkKeys.allKeysDirect(keys);
            this.intervalNanos = opsPerSecond > 0 ? 1e9 / opsPerSecond : 0;
        }

        void run(int seconds, Latencies reads, Latencies puts, SlowOperations slow) {
            long begin = System.nanoTime();
            if (slow != null) {
                slow.startedAt(begin, System.currentTimeMillis());
            }
            long end = begin + seconds * 1_000_000_000L;
            long now = begin;
            for (long i = 0; now < end && !reads.full() && !puts.full(); i++) {
                int index = order.next();
                boolean write = random.nextInt(100) < PeerMixedBenchmark.WRITE_PERCENT;
                long started = System.nanoTime();
                if (intervalNanos > 0) {
                    started = begin + (long) (i * intervalNanos);
                    while (System.nanoTime() < started) {
                        Thread.onSpinWait();
                    }
                }
                if (write) {
                    String key = data.keys[index];
                    if (random.nextInt(PeerMixedBenchmark.TTL_WRITE_EVERY) == 0) {
                        data.store.putWithTtl(key, value, 1 + random.nextInt(PeerMixedBenchmark.MAX_TTL_SECONDS));
                    } else {
                        data.store.put(key, value);
                    }
                } else {
                    int offset = index * BenchmarkKeys.KEY_LENGTH_BYTES;
                    allKeys.clear().position(offset).limit(offset + BenchmarkKeys.KEY_LENGTH_BYTES);
                    data.store.readInto(allKeys, dst.clear());
                }
                now = System.nanoTime();
                (write ? puts : reads).add(now - started);
                if (slow != null) {
                    slow.note(started, now - started, write);
                }
            }
        }
    }

    /** The operations slower than a threshold, with when they started. */
    private static final class SlowOperations {
        private static final int MAX = 1 << 20;
        private final long thresholdNanos;
        private final long[] startedNanos = new long[MAX];
        private final long[] tookNanos = new long[MAX];
        private final boolean[] write = new boolean[MAX];
        private int count;
        private long originNanos;
        private long originMillis;

        SlowOperations(long thresholdNanos) {
            this.thresholdNanos = thresholdNanos;
        }

        void startedAt(long nanos, long epochMillis) {
            originNanos = nanos;
            originMillis = epochMillis;
        }

        void note(long started, long took, boolean isWrite) {
            if (took > thresholdNanos && count < MAX) {
                startedNanos[count] = started;
                tookNanos[count] = took;
                write[count] = isWrite;
                count++;
            }
        }

        void print() {
            System.out.printf(Locale.ROOT, "over %d µs: %d operations, from %d (epoch ms)%n", thresholdNanos / 1000,
                    count, originMillis);
            for (int i = 0; i < count; i++) {
                double startedMillis = originMillis + (startedNanos[i] - originNanos) / 1e6;
                System.out.printf(Locale.ROOT, "SLOW %.3f %d %s%n", startedMillis, tookNanos[i] / 1000,
                        write[i] ? "W" : "R");
            }
        }
    }

    /** One kind's latencies in nanoseconds. */
    private static final class Latencies {
        private final long[] nanos = new long[MAX_SAMPLES];
        private int count;

        void add(long latencyNanos) {
            nanos[count++] = latencyNanos;
        }

        boolean full() {
            return count == nanos.length;
        }

        void print(String kind) {
            long[] sorted = Arrays.copyOf(nanos, count);
            Arrays.sort(sorted);
            StringBuilder line = new StringBuilder(kind + " (µs):");
            for (double q : new double[] {0.5, 0.9, 0.99, 0.999, 0.9999, 1.0}) {
                line.append(String.format(Locale.ROOT, " p%s %.1f", q * 100, at(sorted, q) / 1000.0));
            }
            line.append(String.format(Locale.ROOT, "; over 50 µs %d, over 1 ms %d, over 5 ms %d", over(sorted, 50_000),
                    over(sorted, 1_000_000), over(sorted, 5_000_000)));
            System.out.println(line);
        }

        private static long at(long[] sorted, double quantile) {
            if (sorted.length == 0) {
                return 0;
            }
            int index = (int) Math.ceil(quantile * sorted.length) - 1;
            return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
        }

        private static int over(long[] sorted, long nanos) {
            int count = 0;
            for (int i = sorted.length - 1; i >= 0 && sorted[i] > nanos; i--) {
                count++;
            }
            return count;
        }
    }
}
