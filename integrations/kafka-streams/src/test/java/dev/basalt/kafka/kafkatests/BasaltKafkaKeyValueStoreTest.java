package dev.basalt.kafka.kafkatests;

import dev.basalt.kafka.BasaltStoreSupplier;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.internals.AbstractKeyValueStoreTest;

/**
 * Kafka's own key-value store test suite ({@code AbstractKeyValueStoreTest} from the
 * kafka-streams test jar), run against a Basalt store built the way Kafka Streams builds a
 * store from a supplier: the metered wrapper around the Basalt store, no cache, no changelog.
 */
class BasaltKafkaKeyValueStoreTest extends AbstractKeyValueStoreTest {
    @Override
    protected <K, V> KeyValueStore<K, V> createKeyValueStore(StateStoreContext context) {
        return KafkaSuiteStores.init(builder(context), context);
    }

    @SuppressWarnings("unchecked")
    static <K, V> StoreBuilder<KeyValueStore<K, V>> builder(StateStoreContext context) {
        return Stores.keyValueStoreBuilder(BasaltStoreSupplier.keyValue("my-store"),
                (Serde<K>) context.keySerde(), (Serde<V>) context.valueSerde());
    }
}
