package dev.basalt.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.LongSerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same topologies, fed the same records, give the same outputs and final state with every DSL
 * key-value store on Basalt (one config line) as with Kafka's default RocksDB store: a word count
 * and an aggregation (per-account sum and max, no TTL). And the Basalt run did use Basalt: its
 * stores' directories are there.
 */
class TopologyEquivalenceTest {
    @TempDir
    Path dir;

    @Test
    void wordCountGivesTheSameOutputOnBasaltAsOnRocksDb() {
        List<String> lines = new ArrayList<>();
        Random random = new Random(42);
        String[] words = {"basalt", "kafka", "stream", "store", "log", "key", "\u00e9t\u00e9", "z"};
        for (int i = 0; i < 300; i++) {
            lines.add(words[random.nextInt(words.length)] + " " + words[random.nextInt(words.length)]);
        }
        Run rocks = wordCount(lines, false);
        Run basalt = wordCount(lines, true);
        assertThat(basalt.outputs).hasSize(600).isEqualTo(rocks.outputs);
        assertThat(basalt.finalState).isEqualTo(rocks.finalState).hasSize(words.length);
        assertThat(basalt.basaltDirectories).isNotEmpty();
        assertThat(rocks.basaltDirectories).isEmpty();
    }

    @Test
    void aggregationGivesTheSameOutputOnBasaltAsOnRocksDb() {
        List<KeyValue<String, Long>> payments = new ArrayList<>();
        Random random = new Random(7);
        for (int i = 0; i < 1_000; i++) {
            payments.add(KeyValue.pair("account-" + random.nextInt(100), (long) random.nextInt(10_000) - 5_000));
        }
        Run rocks = aggregation(payments, false);
        Run basalt = aggregation(payments, true);
        assertThat(basalt.outputs).hasSize(1_000).isEqualTo(rocks.outputs);
        assertThat(basalt.finalState).isEqualTo(rocks.finalState).hasSize(100);
    }

    /** What a run produced; {@code basaltDirectories} is looked up before the driver deletes its state. */
    private record Run(List<String> outputs, List<String> finalState, List<Path> basaltDirectories) {
    }

    private Run wordCount(List<String> lines, boolean onBasalt) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream("lines", Consumed.with(Serdes.String(), Serdes.String()))
                .flatMapValues(line -> Arrays.asList(line.toLowerCase(Locale.ROOT).split(" ")))
                .groupBy((key, word) -> word, Grouped.with(Serdes.String(), Serdes.String()))
                .count(Materialized.as("word-counts"))
                .toStream()
                .to("counts", Produced.with(Serdes.String(), Serdes.Long()));
        return run(builder.build(), onBasalt, "word-counts", driver -> {
            TestInputTopic<String, String> in = driver.createInputTopic("lines", new StringSerializer(),
                    new StringSerializer());
            lines.forEach(line -> in.pipeInput(null, line));
        });
    }

    private Run aggregation(List<KeyValue<String, Long>> payments, boolean onBasalt) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream("payments", Consumed.with(Serdes.String(), Serdes.Long()))
                .groupByKey(Grouped.with(Serdes.String(), Serdes.Long()))
                .aggregate(() -> 0L, (account, amount, total) -> total + amount * 1_000 + Math.abs(amount) % 7,
                        Materialized.<String, Long, KeyValueStore<org.apache.kafka.common.utils.Bytes, byte[]>>as(
                                "totals").withValueSerde(Serdes.Long()))
                .toStream()
                .to("totals-out", Produced.with(Serdes.String(), Serdes.Long()));
        return run(builder.build(), onBasalt, "totals", driver -> {
            TestInputTopic<String, Long> in = driver.createInputTopic("payments", new StringSerializer(),
                    new LongSerializer());
            payments.forEach(p -> in.pipeInput(p.key, p.value));
        });
    }

    private Run run(Topology topology, boolean onBasalt, String storeName,
                    java.util.function.Consumer<TopologyTestDriver> feed) {
        Path stateDir = dir.resolve(onBasalt ? "basalt-run" : "rocksdb-run");
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "equivalence");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0); // every update reaches the output
        if (onBasalt) {
            props.put(StreamsConfig.DSL_STORE_SUPPLIERS_CLASS_CONFIG, BasaltDslStoreSuppliers.class);
        }
        try (TopologyTestDriver driver = new TopologyTestDriver(topology, props)) {
            feed.accept(driver);
            String outTopic = topology.describe().toString().contains("totals-out") ? "totals-out" : "counts";
            TestOutputTopic<String, Long> out = driver.createOutputTopic(outTopic, new StringDeserializer(),
                    new LongDeserializer());
            List<String> outputs = new ArrayList<>();
            out.readKeyValuesToList().forEach(kv -> outputs.add(kv.key + "=" + kv.value));
            List<String> state = new ArrayList<>();
            KeyValueStore<String, Long> store = driver.getKeyValueStore(storeName);
            try (var it = store.all()) {
                it.forEachRemaining(kv -> state.add(kv.key + "=" + kv.value));
            }
            return new Run(outputs, state, basaltDirectories(stateDir));
        }
    }

    private static List<Path> basaltDirectories(Path stateDir) {
        if (!Files.exists(stateDir)) {
            return List.of();
        }
        try (Stream<Path> paths = Files.walk(stateDir)) {
            return paths.filter(p -> p.getFileName().toString().equals("basalt")).toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
