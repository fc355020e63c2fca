package dev.basalt.kafka;

import java.io.File;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.StreamsMetrics;
import org.apache.kafka.streams.processor.CommitCallback;
import org.apache.kafka.streams.processor.StateRestoreCallback;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * A store context for tests of the bare store: Kafka's public {@link MockProcessorContext} with
 * the state directory given, which also keeps the restore callback the store registers, so a
 * test can feed it changelog batches as a task's restore would.
 */
public final class StoreFixture implements StateStoreContext {
    private final StateStoreContext delegate;
    public StateRestoreCallback restoreCallback;

    public StoreFixture(File stateDir) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "basalt-store-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.getPath());
        this.delegate = new MockProcessorContext<>(props, new TaskId(0, 0), stateDir).getStateStoreContext();
    }

    /** A Basalt store named {@code name}, opened in this context. */
    BasaltKeyValueStore open(String name) {
        BasaltKeyValueStore store = new BasaltKeyValueStore(name);
        store.init(this, store);
        return store;
    }

    @Override
    public void register(StateStore store, StateRestoreCallback callback) {
        this.restoreCallback = callback;
        delegate.register(store, callback);
    }

    @Override
    public void register(StateStore store, StateRestoreCallback callback, CommitCallback commitCallback) {
        this.restoreCallback = callback;
        delegate.register(store, callback, commitCallback);
    }

    @Override
    public String applicationId() {
        return delegate.applicationId();
    }

    @Override
    public TaskId taskId() {
        return delegate.taskId();
    }

    @Override
    public Optional<RecordMetadata> recordMetadata() {
        return delegate.recordMetadata();
    }

    @Override
    public Serde<?> keySerde() {
        return delegate.keySerde();
    }

    @Override
    public Serde<?> valueSerde() {
        return delegate.valueSerde();
    }

    @Override
    public File stateDir() {
        return delegate.stateDir();
    }

    @Override
    public StreamsMetrics metrics() {
        return delegate.metrics();
    }

    @Override
    public Map<String, Object> appConfigs() {
        return delegate.appConfigs();
    }

    @Override
    public Map<String, Object> appConfigsWithPrefix(String prefix) {
        return delegate.appConfigsWithPrefix(prefix);
    }
}
