package dev.basalt.benchmarks;

import dev.basalt.Durability;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;

/**
 * {@link PeerMixedBenchmark}'s loop (90 % reads, 10 % overwrites, one write in ten with a TTL,
 * background work on) with every operation timed, for finding what the slow ones wait for: it
 * prints each operation slower than the threshold with its wall-clock start, to line up with a
 * JFR recording of the same run (the engine's events, garbage collections, parks).
 *
 * <pre>{@code
 * java -Xmx8g <flags> -XX:StartFlightRecording=filename=mixed.jfr,settings=<jfc> \
 *   -cp benchmarks/target/benchmarks.jar dev.basalt.benchmarks.MixedTail basalt 30 100
 * }</pre>
 * Arguments: the store, the seconds measured (after 10 s of warm-up), the threshold in
 * microseconds. Output: {@code START_MILLIS <epoch ms> OPS <n> SLOW <n>}, then one line per slow
 * operation, {@code SLOW <epoch ms> <µs> <R|W>}. Not a JMH benchmark: a diagnosis.
 */
public final class MixedTail {
    private static final int KEYS = 1_000_000;
    private static final int VALUE_BYTES = 100;
    private static final long WARM_UP_NANOS = 10_000_000_000L;
    private static final int MAX_SLOW = 1 << 20;

    private MixedTail() {
    }

    public static void main(String[] args) throws Exception {
        String store = args[0];
        long measuredNanos = Long.parseLong(args[1]) * 1_000_000_000L;
        long thresholdNanos = Long.parseLong(args[2]) * 1_000L;
        PeerData data = PeerData.load(store, KEYS, VALUE_BYTES,
                PeerData.settings(Durability.PERIODIC, KEYS, VALUE_BYTES, true));
        try {
            run(data, measuredNanos, thresholdNanos);
        } finally {
            data.close();
        }
    }

    private static void run(PeerData data, long measuredNanos, long thresholdNanos) {
        ByteBuffer key = BenchmarkKeys.allKeysDirect(KEYS);
        ByteBuffer dst = ByteBuffer.allocateDirect(VALUE_BYTES);
        byte[] value = PeerData.valueOf(0, VALUE_BYTES);
        KeyOrder order = new KeyOrder(KEYS, PeerMixedBenchmark.MIXED_SEED);
        SplittableRandom random = new SplittableRandom(PeerMixedBenchmark.MIXED_SEED);
        long[] slowAt = new long[MAX_SLOW];
        long[] slowNanos = new long[MAX_SLOW];
        boolean[] slowWrite = new boolean[MAX_SLOW];
        int slow = 0;
        long ops = 0;
        long warmUpEnd = System.nanoTime() + WARM_UP_NANOS;
        long startNanos = 0;
        long startMillis = 0;
        while (true) {
            long t0 = System.nanoTime();
            if (startNanos == 0 && t0 > warmUpEnd) {
                startNanos = t0;
                startMillis = System.currentTimeMillis();
            } else if (startNanos != 0 && t0 - startNanos > measuredNanos) {
                break;
            }
            int index = order.next();
            boolean write = random.nextInt(100) < PeerMixedBenchmark.WRITE_PERCENT;
            if (write) {
                String k = data.keys[index];
                if (random.nextInt(PeerMixedBenchmark.TTL_WRITE_EVERY) == 0) {
                    data.store.putWithTtl(k, value, 1 + random.nextInt(PeerMixedBenchmark.MAX_TTL_SECONDS));
                } else {
                    data.store.put(k, value);
                }
            } else {
                int offset = index * BenchmarkKeys.KEY_LENGTH_BYTES;
                key.clear().position(offset).limit(offset + BenchmarkKeys.KEY_LENGTH_BYTES);
                data.store.readInto(key, dst.clear());
            }
            long t1 = System.nanoTime();
            if (startNanos == 0) {
                continue;
            }
            ops++;
            if (t1 - t0 > thresholdNanos && slow < MAX_SLOW) {
                slowAt[slow] = t0 - startNanos;
                slowNanos[slow] = t1 - t0;
                slowWrite[slow] = write;
                slow++;
            }
        }
        System.out.println("START_MILLIS " + startMillis + " OPS " + ops + " SLOW " + slow);
        for (int i = 0; i < slow; i++) {
            System.out.printf("SLOW %.3f %d %s%n", startMillis + slowAt[i] / 1e6, slowNanos[i] / 1000,
                    slowWrite[i] ? "W" : "R");
        }
    }
}
