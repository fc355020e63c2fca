package dev.basalt.kafka;

import org.apache.kafka.streams.state.TimestampedBytesStore;

/**
 * A {@link BasaltKeyValueStore} whose values are in Kafka's timestamped format (8 bytes of
 * timestamp, then the value). The marker interface tells Kafka Streams not to wrap the store in
 * an adapter that would drop timestamps, and to convert changelog records to this format on
 * restore; the store itself treats values as opaque bytes either way.
 */
public final class BasaltTimestampedKeyValueStore extends BasaltKeyValueStore implements TimestampedBytesStore {
    /** An unopened store named {@code name}. */
    public BasaltTimestampedKeyValueStore(String name) {
        super(name);
    }
}
