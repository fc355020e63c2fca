package dev.basalt.benchmarks;

import dev.basalt.Basalt;
import dev.basalt.BasaltOptions;
import dev.basalt.Durability;
import dev.basalt.KvNamespace;
import dev.basalt.PutOptions;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Measures an expiry purge burst: how fast the background expiry purges a million keys that
 * all fall due at the same second, and what that does to a concurrent reader's latency.
 *
 * <p>A fresh engine ({@link Durability#PERIODIC}, 1 GiB segments, no minimum TTL, a clock of
 * its own that only this program moves) is loaded in a seeded random order with N keys
 * ({@link BenchmarkKeys}, indexes {@code N..2N-1}) whose expiration is the same epoch second,
 * and N keys (indexes {@code 0..N-1}) without expiration, each with a
 * {@value #VALUE_LENGTH_BYTES}-byte value. One reader thread then reads the keys without
 * expiration in a seeded random order with {@code read(ByteBuffer, ByteBuffer)}, timing each
 * read with {@code System.nanoTime()} into an HdrHistogram ({@link Latencies}) per phase:
 * <ol>
 *   <li>warm-up, {@value #WARMUP_MILLIS} ms, not reported;</li>
 *   <li>before the burst, {@value #BEFORE_MILLIS} ms with nothing due;</li>
 *   <li>during the burst: the clock moves past the expiration, and the phase lasts until
 *       {@code stats().expiredAndPurged()} has counted all N keys (polled every
 *       {@value #POLL_MILLIS} ms).</li>
 * </ol>
 * It prints two markdown tables: the purge (keys, wall time, keys purged per second) and the
 * reader's reads, p50, p99, p99.9 and max before and during the burst.
 *
 * <p>Arguments: {@code [N [expiryBatchSize]]}, N default 1,000,000, batch size default the
 * engine's (1000). Not a JMH benchmark: the burst happens once per run. Run it alone on the
 * machine, with the engine's JVM flags (see {@code docs/benchmarks.md}).
 *
 * <p>Threads: the main thread loads, moves the clock and polls the stats; the reader thread
 * only reads, and hands its histograms back through {@code Thread.join()}.
 */
public final class ExpiryBurst {
    static final String NAMESPACE = "EXPIRY_BURST";
    static final int SEGMENT_SIZE_BYTES = 1 << 30;
    static final int VALUE_LENGTH_BYTES = 100;
    static final int DEFAULT_KEY_COUNT = 1_000_000;
    static final long LOAD_ORDER_SEED = 0x5EED_0003L;
    static final long READ_ORDER_SEED = 0x5EED_0004L;
    /** 2024-01-01T00:00:00Z: where the program's clock starts. */
    static final long START_EPOCH_SECONDS = 1_704_067_200L;
    /** Every expiring key falls due at this second; the clock stands still until the burst. */
    static final long EXPIRATION_EPOCH_SECONDS = START_EPOCH_SECONDS + 3600;
    /** Enough for the JIT to compile the read path before anything is recorded. */
    static final long WARMUP_MILLIS = 3_000;
    static final long BEFORE_MILLIS = 5_000;
    static final long POLL_MILLIS = 1;
    /** Gives up on a burst that has not finished after ten minutes (a hang, not a result). */
    static final long BURST_TIMEOUT_MILLIS = 600_000;
    static final double NANOS_PER_MICRO = 1_000.0;
    static final double NANOS_PER_SECOND = 1e9;

    private ExpiryBurst() {
    }

    /** Runs one burst and prints its tables; see the class comment for the arguments. */
    public static void main(String[] args) throws InterruptedException {
        int keyCount = args.length > 0 ? parsePositive(args[0], "key count") : DEFAULT_KEY_COUNT;
        BasaltOptions options = BasaltOptions.defaults()
                .withDurability(Durability.PERIODIC)
                .withSegmentSize(SEGMENT_SIZE_BYTES)
                .withMinExpirationTtl(Duration.ZERO);
        if (args.length > 1) {
            options = options.withExpiryBatchSize(parsePositive(args[1], "expiry batch size"));
        }
        SettableClock clock = new SettableClock(START_EPOCH_SECONDS);
        options = options.withClock(clock);

        Path dir = TempDirectories.create("basalt-expiry-burst-");
        try (Basalt db = Basalt.open(dir, options)) {
            KvNamespace namespace = db.namespace(NAMESPACE);
            long loadNanos = load(namespace, keyCount);
            db.sync();
            checkLiveKeys(db, 2L * keyCount, "after the load");

            Reader reader = new Reader(namespace, keyCount);
            Thread readerThread = new Thread(reader, "expiry-burst-reader");
            readerThread.setDaemon(true);
            readerThread.start();
            Thread.sleep(WARMUP_MILLIS);
            reader.phase = Reader.BEFORE;
            Thread.sleep(BEFORE_MILLIS);

            long purgedBefore = db.stats().expiredAndPurged();
            reader.phase = Reader.DURING;
            long burstStartNanos = System.nanoTime();
            clock.setEpochSecond(EXPIRATION_EPOCH_SECONDS);
            long purged = 0;
            long deadlineNanos = burstStartNanos + TimeUnit.MILLISECONDS.toNanos(BURST_TIMEOUT_MILLIS);
            while (purged < keyCount && System.nanoTime() - deadlineNanos < 0) {
                Thread.sleep(POLL_MILLIS);
                purged = db.stats().expiredAndPurged() - purgedBefore;
            }
            long burstNanos = System.nanoTime() - burstStartNanos;
            reader.phase = Reader.STOP;
            readerThread.join();
            reader.rethrowFailure();
            if (purged < keyCount) {
                throw new IllegalStateException("the burst purged " + purged + " of " + keyCount
                        + " keys in " + BURST_TIMEOUT_MILLIS + " ms");
            }
            checkLiveKeys(db, keyCount, "after the burst");

            printSetup(keyCount, options, loadNanos);
            printPurge(keyCount, burstNanos);
            printReader(reader);
        } finally {
            TempDirectories.deleteRecursively(dir);
        }
    }

    private static int parsePositive(String arg, String what) {
        long value = Long.parseLong(arg.replace("_", "").replace(",", ""));
        if (value < 1 || value > Integer.MAX_VALUE / 2) {
            throw new IllegalArgumentException(what + " is " + arg + "; the range is 1.." + Integer.MAX_VALUE / 2);
        }
        return (int) value;
    }

    /**
     * Puts keys {@code 0..2N-1} in a seeded random order: those from N on expire at
     * {@link #EXPIRATION_EPOCH_SECONDS}, so the due entries are spread across the whole log.
     */
    private static long load(KvNamespace namespace, int keyCount) {
        int[] order = BenchmarkKeys.permutation(2 * keyCount, LOAD_ORDER_SEED);
        byte[] value = new byte[VALUE_LENGTH_BYTES];
        ByteBuffer valueView = ByteBuffer.wrap(value);
        PutOptions expiring = PutOptions.expiration(EXPIRATION_EPOCH_SECONDS);
        long startNanos = System.nanoTime();
        for (int index : order) {
            valueView.putLong(0, index);
            namespace.put(BenchmarkKeys.keyString(index), value, index >= keyCount ? expiring : PutOptions.none());
        }
        return System.nanoTime() - startNanos;
    }

    private static void checkLiveKeys(Basalt db, long expected, String when) {
        long liveKeys = db.stats().liveKeys();
        if (liveKeys != expected) {
            throw new IllegalStateException(when + ": expected " + expected + " live keys but stats() reports "
                    + liveKeys);
        }
    }

    private static void printSetup(int keyCount, BasaltOptions options, long loadNanos) {
        System.out.printf(Locale.ROOT, "Expiry purge burst: %,d keys due at one second, %,d keys without"
                        + " expiration, %d-byte values, PERIODIC, expiry batch %,d, pace %d ms; load %.1f s%n%n",
                keyCount, keyCount, VALUE_LENGTH_BYTES, options.expiryBatchSize(), options.expiryPace().toMillis(),
                loadNanos / NANOS_PER_SECOND);
    }

    private static void printPurge(int keyCount, long burstNanos) {
        double seconds = burstNanos / NANOS_PER_SECOND;
        System.out.println("| keys purged | purge wall time (s) | keys purged/s |");
        System.out.println("|---:|---:|---:|");
        System.out.printf(Locale.ROOT, "| %,d | %.3f | %,.0f |%n%n", keyCount, seconds, keyCount / seconds);
    }

    private static void printReader(Reader reader) {
        System.out.println("| reader phase | reads | p50 (µs) | p99 (µs) | p99.9 (µs) | max (µs) |");
        System.out.println("|---|---:|---:|---:|---:|---:|");
        printRow("before the burst", reader.histograms[Reader.BEFORE]);
        printRow("during the burst", reader.histograms[Reader.DURING]);
    }

    private static void printRow(String phase, Histogram histogram) {
        System.out.printf(Locale.ROOT, "| %s | %,d | %.2f | %.2f | %.2f | %.1f |%n", phase, histogram.getTotalCount(),
                histogram.getValueAtPercentile(50) / NANOS_PER_MICRO,
                histogram.getValueAtPercentile(99) / NANOS_PER_MICRO,
                histogram.getValueAtPercentile(99.9) / NANOS_PER_MICRO,
                histogram.getMaxValue() / NANOS_PER_MICRO);
    }

    /**
     * Reads keys {@code 0..N-1} (the ones that never expire) round and round in a seeded random
     * order, recording each read's latency in the histogram of the current phase, until the
     * phase is {@link #STOP}. A read that does not return the value's length is a failure.
     */
    static final class Reader implements Runnable {
        static final int WARMUP = 0;
        static final int BEFORE = 1;
        static final int DURING = 2;
        static final int STOP = 3;

        /** Set by the main thread; read by this one before every read. */
        volatile int phase = WARMUP;
        final Histogram[] histograms = {Latencies.newHistogram(), Latencies.newHistogram(),
                Latencies.newHistogram()};
        private final KvNamespace namespace;
        private final int keyCount;
        private Throwable failure;

        Reader(KvNamespace namespace, int keyCount) {
            this.namespace = namespace;
            this.keyCount = keyCount;
        }

        @Override
        public void run() {
            try {
                readUntilStopped();
            } catch (Throwable t) {
                failure = t;
            }
        }

        private void readUntilStopped() {
            ByteBuffer keys = BenchmarkKeys.allKeysDirect(keyCount);
            ByteBuffer dst = ByteBuffer.allocateDirect(VALUE_LENGTH_BYTES);
            int[] order = BenchmarkKeys.permutation(keyCount, READ_ORDER_SEED);
            int next = 0;
            for (int current = phase; current != STOP; current = phase) {
                int keyIndex = order[next];
                next = next + 1 == keyCount ? 0 : next + 1;
                int keyStart = keyIndex * BenchmarkKeys.KEY_LENGTH_BYTES;
                keys.limit(keyStart + BenchmarkKeys.KEY_LENGTH_BYTES).position(keyStart);
                dst.clear();
                long startNanos = System.nanoTime();
                int length = namespace.read(keys, dst);
                long elapsedNanos = System.nanoTime() - startNanos;
                if (length != VALUE_LENGTH_BYTES) {
                    throw new IllegalStateException("read of key " + keyIndex + " returned " + length
                            + "; expected " + VALUE_LENGTH_BYTES);
                }
                Latencies.record(histograms[current], elapsedNanos);
            }
        }

        /** After {@code join()}: rethrows what stopped the reader, if anything did. */
        void rethrowFailure() {
            if (failure != null) {
                throw new IllegalStateException("the reader failed", failure);
            }
        }
    }

    /**
     * A {@link Clock} that stands still until the program moves it, so the keys fall due
     * exactly when the burst starts. Its {@link #millis()} allocates nothing (reads call it).
     * Thread-safe: one volatile field.
     */
    static final class SettableClock extends Clock {
        private volatile long epochMillis;

        SettableClock(long epochSeconds) {
            setEpochSecond(epochSeconds);
        }

        void setEpochSecond(long epochSeconds) {
            epochMillis = TimeUnit.SECONDS.toMillis(epochSeconds);
        }

        @Override
        public long millis() {
            return epochMillis;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(epochMillis);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            if (!ZoneOffset.UTC.equals(zone)) {
                throw new UnsupportedOperationException("this clock is UTC only; asked for " + zone);
            }
            return this;
        }
    }
}
