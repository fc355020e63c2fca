package dev.basalt.kafka.kafkatests;

import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.internals.AbstractKeyValueStoreTest;

/**
 * Kafka's {@code AbstractKeyValueStoreTest} against a Basalt store with Kafka's changelog
 * wrapper on, as the DSL builds it: every write also goes to the test driver's record collector.
 */
class BasaltKafkaLoggedKeyValueStoreTest extends AbstractKeyValueStoreTest {
    @Override
    protected <K, V> KeyValueStore<K, V> createKeyValueStore(StateStoreContext context) {
        return KafkaSuiteStores.init(BasaltKafkaKeyValueStoreTest.<K, V>builder(context).withLoggingEnabled(
                java.util.Map.of()), context);
    }
}
