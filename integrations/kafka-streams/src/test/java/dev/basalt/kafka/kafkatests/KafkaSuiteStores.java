package dev.basalt.kafka.kafkatests;

import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;

/** Builds and opens a store for Kafka's suites, as a task would. */
final class KafkaSuiteStores {
    private KafkaSuiteStores() {
    }

    static <K, V> KeyValueStore<K, V> init(StoreBuilder<KeyValueStore<K, V>> builder, StateStoreContext context) {
        KeyValueStore<K, V> store = builder.build();
        store.init(context, store);
        return store;
    }
}
