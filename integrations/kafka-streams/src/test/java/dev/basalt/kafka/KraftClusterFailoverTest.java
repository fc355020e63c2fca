package dev.basalt.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.StandbyUpdateListener;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Basalt stores in a real Kafka deployment: an in-JVM KRaft cluster (one combined broker and
 * controller, loopback only) and two Kafka Streams instances with one standby replica, every DSL
 * store on Basalt by {@code dsl.store.suppliers.class}. The scenario, once at least-once and once
 * exactly-once (v2):
 * <ol>
 *   <li>10,000 keys are written; both instances process them (each key's latest value goes to a
 *       Basalt store and to the output topic).</li>
 *   <li>One instance is stopped (an in-JVM close: the nearest to a kill that keeps the JVM); the
 *       survivor takes over its tasks from its standby and serves every key by interactive
 *       query.</li>
 *   <li>The stopped instance's state directory is wiped and it is started again; then the
 *       survivor is stopped, so the restarted instance owns every task and must restore it from
 *       the changelog (seen by a restore listener, in batches) before it serves every key.</li>
 *   <li>The output topic holds every key with its value; under exactly-once, each exactly once.</li>
 * </ol>
 * Every wait is bounded.
 */
class KraftClusterFailoverTest {
    private static final int KEYS = 10_000;
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static KafkaClusterTestKit cluster;

    @TempDir
    Path dir;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build())
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("offsets.topic.num.partitions", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("transaction.state.log.num.partitions", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .build();
        cluster.format();
        cluster.startup();
        cluster.waitForReadyBrokers();
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {StreamsConfig.AT_LEAST_ONCE, StreamsConfig.EXACTLY_ONCE_V2})
    void survivesLosingAnInstanceAndRestoresAWipedOne(String guarantee) throws Exception {
        String app = "failover-" + guarantee.replace('_', '-');
        String input = app + "-in";
        String output = app + "-out";
        try (Admin admin = cluster.admin()) {
            admin.createTopics(List.of(new NewTopic(input, 4, (short) 1), new NewTopic(output, 4, (short) 1)))
                    .all().get();
        }
        Path stateA = dir.resolve("a");
        Path stateB = dir.resolve("b");
        List<KafkaStreams> instances = new ArrayList<>();
        KafkaStreams a = start(app, input, output, guarantee, stateA, null);
        KafkaStreams b = start(app, input, output, guarantee, stateB, null);
        instances.add(a);
        instances.add(b);
        try {
            produce(input);
            Map<String, List<String>> outputs = new HashMap<>();
            await(() -> readOutput(output, guarantee, outputs) >= KEYS && outputs.size() == KEYS,
                    "all " + KEYS + " keys in the output");
            assertThat(basaltDirectories(stateA)).as("instance a uses Basalt stores").isNotEmpty();
            assertThat(basaltDirectories(stateB)).as("instance b uses Basalt stores").isNotEmpty();

            b.close(Duration.ofSeconds(30));
            assertThat(awaitAllKeysServed(a)).isEqualTo(KEYS);

            deleteRecursively(stateB);
            AtomicLong restored = new AtomicLong();
            AtomicLong batches = new AtomicLong();
            AtomicLong standbyLoaded = new AtomicLong();
            KafkaStreams restartedB = start(app, input, output, guarantee, stateB,
                    new CountingRestoreListener(restored, batches, standbyLoaded));
            instances.add(restartedB);
            await(() -> restartedB.state() == KafkaStreams.State.RUNNING, "instance b running again");
            a.close(Duration.ofSeconds(30));
            assertThat(awaitAllKeysServed(restartedB)).isEqualTo(KEYS);
            // The wiped instance rebuilt every key from the changelog: the active tasks it got at
            // restart by restoration, its standby tasks (promoted when a stopped) by standby updates.
            assertThat(restored.get()).as("records restored into active tasks").isPositive();
            assertThat(batches.get()).as("restore batches seen by the listener").isPositive();
            assertThat(restored.get() + standbyLoaded.get()).as("records rebuilt from the changelog")
                    .isGreaterThanOrEqualTo(KEYS);

            readOutput(output, guarantee, outputs);
            assertThat(outputs).hasSize(KEYS);
            outputs.forEach((key, values) -> {
                assertThat(values).as("output of %s", key).isNotEmpty().allMatch(v -> v.equals(valueOf(key)));
                if (guarantee.equals(StreamsConfig.EXACTLY_ONCE_V2)) {
                    assertThat(values).as("exactly-once output of %s", key).hasSize(1);
                }
            });
        } finally {
            for (KafkaStreams instance : instances) {
                instance.close(Duration.ofSeconds(30));
            }
        }
    }

    private static KafkaStreams start(String app, String input, String output, String guarantee, Path stateDir,
                                      CountingRestoreListener listener) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(input, Consumed.with(Serdes.String(), Serdes.String()))
                .toTable(Materialized.as("latest"))
                .toStream()
                .to(output, Produced.with(Serdes.String(), Serdes.String()));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, app);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.DSL_STORE_SUPPLIERS_CLASS_CONFIG, BasaltDslStoreSuppliers.class);
        props.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, 1);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 200);
        props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        props.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
        props.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 10_000);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), 1_000);
        props.put(StreamsConfig.PROBING_REBALANCE_INTERVAL_MS_CONFIG, 60_000);
        KafkaStreams streams = new KafkaStreams(builder.build(), props);
        if (listener != null) {
            streams.setGlobalStateRestoreListener(listener);
            streams.setStandbyUpdateListener(listener);
        }
        streams.start();
        return streams;
    }

    private static void produce(String topic) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(),
                new StringSerializer())) {
            for (int i = 0; i < KEYS; i++) {
                String key = keyOf(i);
                producer.send(new ProducerRecord<>(topic, key, valueOf(key)));
            }
            producer.flush();
        }
    }

    /** Reads the whole output topic again into {@code outputs}; returns the number of records. */
    private static int readOutput(String topic, String guarantee, Map<String, List<String>> outputs) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                guarantee.equals(StreamsConfig.EXACTLY_ONCE_V2) ? "read_committed" : "read_uncommitted");
        outputs.clear();
        int records = 0;
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new StringDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!caughtUp(consumer, end) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    outputs.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(record.value());
                    records++;
                }
            }
        }
        return records;
    }

    private static boolean caughtUp(KafkaConsumer<String, String> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** Waits until the instance answers for every key by interactive query; returns how many it served. */
    private static int awaitAllKeysServed(KafkaStreams streams) throws InterruptedException {
        int[] served = new int[1];
        await(() -> {
            try {
                ReadOnlyKeyValueStore<String, String> store = streams.store(
                        StoreQueryParameters.fromNameAndType("latest", QueryableStoreTypes.keyValueStore()));
                int found = 0;
                for (int i = 0; i < KEYS; i++) {
                    String key = keyOf(i);
                    if (valueOf(key).equals(store.get(key))) {
                        found++;
                    }
                }
                served[0] = found;
                return found == KEYS;
            } catch (org.apache.kafka.streams.errors.InvalidStateStoreException e) {
                return false; // rebalancing or restoring: ask again
            }
        }, "every key served by interactive query");
        return served[0];
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + WAIT + " waiting for " + what);
            }
            Thread.sleep(250);
        }
    }

    private static String keyOf(int i) {
        return String.format("key-%05d", i);
    }

    private static String valueOf(String key) {
        return "value-of-" + key;
    }

    private static List<Path> basaltDirectories(Path stateDir) throws java.io.IOException {
        try (Stream<Path> paths = Files.walk(stateDir)) {
            return paths.filter(p -> p.getFileName().toString().equals("basalt")).toList();
        }
    }

    private static void deleteRecursively(Path root) throws java.io.IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** Counts what Kafka Streams reports restoring into active tasks and loading into standbys. */
    private record CountingRestoreListener(AtomicLong restored, AtomicLong batches, AtomicLong standbyLoaded)
            implements StateRestoreListener, StandbyUpdateListener {
        @Override
        public void onRestoreStart(TopicPartition partition, String store, long startOffset, long endOffset) {
        }

        @Override
        public void onBatchRestored(TopicPartition partition, String store, long batchEndOffset, long numRestored) {
            restored.addAndGet(numRestored);
            batches.incrementAndGet();
        }

        @Override
        public void onRestoreEnd(TopicPartition partition, String store, long totalRestored) {
        }

        @Override
        public void onUpdateStart(TopicPartition partition, String store, long startOffset) {
        }

        @Override
        public void onBatchLoaded(TopicPartition partition, String store, TaskId task, long batchEndOffset,
                                  long batchSize, long currentEndOffset) {
            standbyLoaded.addAndGet(batchSize);
        }

        @Override
        public void onUpdateSuspended(TopicPartition partition, String store, long storeOffset, long currentEndOffset,
                                      SuspendReason reason) {
        }
    }
}
