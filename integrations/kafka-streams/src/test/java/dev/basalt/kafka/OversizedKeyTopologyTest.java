package dev.basalt.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An oversized key in a running topology (Kafka's changelog wrapper on, record cache off): the
 * processing fails with the store's name, the key's length and the limit, and nothing is written,
 * neither in the store nor in its changelog topic.
 */
class OversizedKeyTopologyTest {
    @TempDir
    Path dir;

    @Test
    void anOversizedKeyFailsTheRecordAndReachesNeitherStoreNorChangelog() {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream("in", Consumed.with(Serdes.String(), Serdes.String()))
                .toTable(Materialized.as("latest"));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "oversized");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9");
        props.put(StreamsConfig.STATE_DIR_CONFIG, dir.toString());
        props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        props.put(StreamsConfig.DSL_STORE_SUPPLIERS_CLASS_CONFIG, BasaltDslStoreSuppliers.class);
        props.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
        props.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
        try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), props)) {
            TestInputTopic<String, String> in = driver.createInputTopic("in", new StringSerializer(),
                    new StringSerializer());
            in.pipeInput("fine", "1");
            assertThatThrownBy(() -> in.pipeInput("k".repeat(600), "2"))
                    .hasStackTraceContaining("Basalt store latest: key is 600 bytes")
                    .hasStackTraceContaining("1..512");
            KeyValueStore<String, Object> store = driver.getKeyValueStore("latest");
            assertThat(store.approximateNumEntries()).isEqualTo(1);
            assertThat(driver.createOutputTopic("oversized-latest-changelog", new StringDeserializer(),
                    new StringDeserializer()).readKeyValuesToMap()).containsOnlyKeys("fine");
        }
    }
}
