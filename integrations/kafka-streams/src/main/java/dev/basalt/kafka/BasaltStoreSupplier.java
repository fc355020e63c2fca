package dev.basalt.kafka;

import java.util.Objects;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Supplies Basalt key-value stores to Kafka Streams, where {@code Stores.persistentKeyValueStore}
 * would supply RocksDB ones:
 * <pre>{@code
 * builder.table("orders", Materialized.as(BasaltStoreSupplier.keyValue("orders-store")));
 * Stores.keyValueStoreBuilder(BasaltStoreSupplier.keyValue("counts"), Serdes.String(), Serdes.Long());
 * }</pre>
 * Each {@link #get()} is a new, unopened store; Kafka Streams opens it in its task's state
 * directory. {@link #timestamped(String)} stores values in Kafka's timestamped format (the value
 * with its record timestamp in front), as the DSL's timestamped stores expect.
 */
public final class BasaltStoreSupplier implements KeyValueBytesStoreSupplier {
    private final String name;
    private final boolean timestamped;

    private BasaltStoreSupplier(String name, boolean timestamped) {
        this.name = Objects.requireNonNull(name, "name");
        this.timestamped = timestamped;
    }

    /** A supplier of plain key-value stores named {@code name}. */
    public static BasaltStoreSupplier keyValue(String name) {
        return new BasaltStoreSupplier(name, false);
    }

    /** A supplier of stores that hold values with their timestamps ({@code TimestampedBytesStore}). */
    public static BasaltStoreSupplier timestamped(String name) {
        return new BasaltStoreSupplier(name, true);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public KeyValueStore<Bytes, byte[]> get() {
        return timestamped ? new BasaltTimestampedKeyValueStore(name) : new BasaltKeyValueStore(name);
    }

    /** The metrics scope Kafka Streams files this store's metrics under. */
    @Override
    public String metricsScope() {
        return "basalt";
    }
}
