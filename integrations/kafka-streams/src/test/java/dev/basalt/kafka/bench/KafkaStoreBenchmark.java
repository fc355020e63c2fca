package dev.basalt.kafka.bench;

import dev.basalt.kafka.BasaltStoreSupplier;
import dev.basalt.kafka.StoreFixture;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.BatchingStateRestoreCallback;
import org.apache.kafka.streams.processor.StateRestoreCallback;
import org.apache.kafka.streams.processor.internals.RecordBatchingStateRestoreCallback;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * Basalt's Kafka Streams store against Kafka's default RocksDB store, side by side in one run,
 * at the store level (no broker, no record cache, no changelog wrapper, the same for both):
 * <ol>
 *   <li>count aggregation: N records over N/10 keys, each a get and a put of an 8-byte count,
 *       with a commit every 100,000 records as Kafka's commit interval would;</li>
 *   <li>restore: N distinct keys (16-byte keys, 100-byte values) into an empty store through the
 *       store's own registered restore callback, in batches of 1,000 (Kafka's max.poll.records),
 *       once in key order and once in a scrambled order (a changelog holds keys in the order
 *       they were last written, which for most topologies is no order at all);</li>
 *   <li>interactive-query reads on the restored store: random {@code get}s, and {@code range}s of
 *       1,000 consecutive keys.</li>
 * </ol>
 * A plain main, not JMH: each figure is one timed pass after a smaller warm-up pass. Usage:
 * {@code KafkaStoreBenchmark [records]} (default 1,000,000) for the three figures, or
 * {@code KafkaStoreBenchmark records unique} for the count aggregation alone over that many
 * distinct keys (each record a new key, drawn in a scrambled order, so the state ends with
 * {@code records} keys). See docs/benchmarks.md.
 */
public final class KafkaStoreBenchmark {
    private KafkaStoreBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int records = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        boolean uniqueKeys = args.length > 1 && args[1].equals("unique");
        Path root = Files.createTempDirectory("basalt-kafka-bench");
        System.out.printf("records=%,d%s  (store level, one JVM, %s)%n", records,
                uniqueKeys ? " over as many distinct keys, count only" : "", Runtime.version());
        for (String engine : List.of("basalt", "rocksdb")) {
            Supplier<KeyValueStore<Bytes, byte[]>> factory = engine.equals("basalt")
                    ? () -> BasaltStoreSupplier.keyValue("bench").get()
                    : () -> Stores.persistentKeyValueStore("bench").get();
            count(factory, root.resolve(engine + "-warm-count"), records / 10, uniqueKeys); // warm-up
            double countRate = count(factory, root.resolve(engine + "-count"), records, uniqueKeys);
            if (uniqueKeys) {
                System.out.printf("%-8s count over %,d distinct keys: %,.0f records/s%n", engine, records, countRate);
                continue;
            }
            restore(factory, root.resolve(engine + "-warm-restore"), records / 10, false, false);
            Result scrambled = restore(factory, root.resolve(engine + "-restore-scrambled"), records, true, false);
            Result restored = restore(factory, root.resolve(engine + "-restore"), records, false, true);
            System.out.printf("%-8s count: %,.0f records/s | restore in key order: %.2f s (%,.0f records/s) | "
                            + "restore in scrambled order: %.2f s | get: %.2f us/op | range of 1000: %.1f us/op%n",
                    engine, countRate, restored.restoreSeconds, records / restored.restoreSeconds,
                    scrambled.restoreSeconds, restored.getMicros, restored.rangeMicros);
        }
    }

    private static double count(Supplier<KeyValueStore<Bytes, byte[]>> factory, Path dir, int records,
                                boolean uniqueKeys) throws Exception {
        Files.createDirectories(dir);
        StoreFixture context = new StoreFixture(dir.toFile());
        KeyValueStore<Bytes, byte[]> store = factory.get();
        store.init(context, store);
        try {
            SplittableRandom random = new SplittableRandom(1);
            int keys = Math.max(1, records / 10);
            long start = System.nanoTime();
            for (int i = 0; i < records; i++) {
                Bytes key = Bytes.wrap(key(uniqueKeys ? scrambled(i, records) : random.nextInt(keys)));
                byte[] old = store.get(key);
                long count = old == null ? 0 : ByteBuffer.wrap(old).getLong();
                store.put(key, ByteBuffer.allocate(8).putLong(count + 1).array());
                if ((i + 1) % 100_000 == 0) {
                    store.commit(Map.of());
                }
            }
            store.commit(Map.of());
            return records / ((System.nanoTime() - start) / 1e9);
        } finally {
            store.close();
        }
    }

    private record Result(double restoreSeconds, double getMicros, double rangeMicros) {
    }

    private static Result restore(Supplier<KeyValueStore<Bytes, byte[]>> factory, Path dir, int records,
                                  boolean scrambledOrder, boolean measureReads) throws Exception {
        Files.createDirectories(dir);
        StoreFixture context = new StoreFixture(dir.toFile());
        KeyValueStore<Bytes, byte[]> store = factory.get();
        store.init(context, store);
        try {
            byte[] value = new byte[100];
            long start = System.nanoTime();
            for (int from = 0; from < records; from += 1_000) {
                int to = Math.min(records, from + 1_000);
                restoreBatch(context.restoreCallback, from, to, scrambledOrder ? records : 0, value);
            }
            store.commit(Map.of());
            double restoreSeconds = (System.nanoTime() - start) / 1e9;
            if (!measureReads) {
                return new Result(restoreSeconds, 0, 0);
            }
            return new Result(restoreSeconds, gets(store, records), ranges(store, records));
        } finally {
            store.close();
        }
    }

    /**
     * Changelog records {@code from..to-1} as the store's own callback takes them (RocksDB's
     * wants consumer records): record i holds key i, or, when {@code scrambleOver} is not 0, the
     * i-th of that many keys in scrambled order.
     */
    private static void restoreBatch(StateRestoreCallback callback, int from, int to, int scrambleOver,
                                     byte[] value) {
        if (callback instanceof RecordBatchingStateRestoreCallback records) {
            List<ConsumerRecord<byte[], byte[]>> batch = new ArrayList<>(to - from);
            for (int i = from; i < to; i++) {
                int k = scrambleOver == 0 ? i : scrambled(i, scrambleOver);
                batch.add(new ConsumerRecord<>("bench-changelog", 0, i, key(k), value));
            }
            records.restoreBatch(batch);
        } else {
            List<KeyValue<byte[], byte[]>> batch = new ArrayList<>(to - from);
            for (int i = from; i < to; i++) {
                batch.add(KeyValue.pair(key(scrambleOver == 0 ? i : scrambled(i, scrambleOver)), value));
            }
            ((BatchingStateRestoreCallback) callback).restoreAll(batch);
        }
    }

    private static double gets(KeyValueStore<Bytes, byte[]> store, int records) {
        SplittableRandom random = new SplittableRandom(2);
        int ops = 200_000;
        long found = 0;
        long start = System.nanoTime();
        for (int i = 0; i < ops; i++) {
            found += store.get(Bytes.wrap(key(random.nextInt(records)))) != null ? 1 : 0;
        }
        double micros = (System.nanoTime() - start) / 1e3 / ops;
        if (found != ops) {
            throw new AssertionError("found " + found + " of " + ops + " keys");
        }
        return micros;
    }

    private static double ranges(KeyValueStore<Bytes, byte[]> store, int records) {
        SplittableRandom random = new SplittableRandom(3);
        int ops = 500;
        long start = System.nanoTime();
        for (int i = 0; i < ops; i++) {
            int first = random.nextInt(Math.max(1, records - 1_000));
            int seen = 0;
            try (KeyValueIterator<Bytes, byte[]> it = store.range(Bytes.wrap(key(first)), Bytes.wrap(key(first + 999)))) {
                while (it.hasNext()) {
                    it.next();
                    seen++;
                }
            }
            if (seen != Math.min(1_000, records - first)) {
                throw new AssertionError("range from " + first + " saw " + seen + " keys");
            }
        }
        return (System.nanoTime() - start) / 1e3 / ops;
    }

    /**
     * The i-th of n distinct keys in an order unrelated to key order: multiplying by a prime
     * that divides no n this benchmark takes (2,654,435,761) is a bijection modulo n.
     */
    private static int scrambled(int i, int n) {
        return (int) ((i * 2_654_435_761L) % n);
    }

    /** 16 bytes: a fixed prefix and the number big-endian, so numeric order is byte order. */
    private static byte[] key(int i) {
        return ByteBuffer.allocate(16).putLong(0x6B65792D6B65792DL).putLong(i).array();
    }
}
