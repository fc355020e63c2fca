package dev.basalt.kafka.kafkatests;

import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.internals.AbstractKeyValueStoreTest;

/**
 * Kafka's {@code AbstractKeyValueStoreTest} against a Basalt store behind Kafka's record cache
 * and changelog wrapper, the DSL's default stack: ranges merge cache and store, and evictions
 * write through to Basalt.
 */
class BasaltKafkaCachedKeyValueStoreTest extends AbstractKeyValueStoreTest {
    @Override
    protected <K, V> KeyValueStore<K, V> createKeyValueStore(StateStoreContext context) {
        return KafkaSuiteStores.init(BasaltKafkaKeyValueStoreTest.<K, V>builder(context)
                .withLoggingEnabled(java.util.Map.of()).withCachingEnabled(), context);
    }
}
