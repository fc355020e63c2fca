package dev.basalt.kafka;

import org.apache.kafka.streams.DslStoreFormat;
import org.apache.kafka.streams.state.BuiltInDslStoreSuppliers;
import org.apache.kafka.streams.state.DslKeyValueParams;
import org.apache.kafka.streams.state.DslSessionParams;
import org.apache.kafka.streams.state.DslStoreSuppliers;
import org.apache.kafka.streams.state.DslWindowParams;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.SessionBytesStoreSupplier;
import org.apache.kafka.streams.state.WindowBytesStoreSupplier;

/**
 * Makes every DSL key-value store (counts, aggregations, reductions, KTables, joins' tables) a
 * Basalt store with one line of configuration:
 * <pre>
 * dsl.store.suppliers.class=dev.basalt.kafka.BasaltDslStoreSuppliers
 * </pre>
 * Plain and timestamped key-value stores are Basalt stores. Window stores, session stores and
 * key-value stores in the headers format ({@code DslStoreFormat.HEADERS}) stay on Kafka's default
 * RocksDB stores: Basalt has no segmented (time-bucketed) store and no headers format yet, and a
 * window or session store laid over a flat key space would need both to expire old windows
 * efficiently.
 */
public final class BasaltDslStoreSuppliers implements DslStoreSuppliers {
    private final DslStoreSuppliers rocksDb = new BuiltInDslStoreSuppliers.RocksDBDslStoreSuppliers();

    @Override
    public KeyValueBytesStoreSupplier keyValueStore(DslKeyValueParams params) {
        DslStoreFormat format = params.dslStoreFormat();
        if (format == DslStoreFormat.HEADERS) {
            return rocksDb.keyValueStore(params);
        }
        return format == DslStoreFormat.TIMESTAMPED
                ? BasaltStoreSupplier.timestamped(params.name())
                : BasaltStoreSupplier.keyValue(params.name());
    }

    /** Kafka's default RocksDB window store: see the class comment. */
    @Override
    public WindowBytesStoreSupplier windowStore(DslWindowParams params) {
        return rocksDb.windowStore(params);
    }

    /** Kafka's default RocksDB session store: see the class comment. */
    @Override
    public SessionBytesStoreSupplier sessionStore(DslSessionParams params) {
        return rocksDb.sessionStore(params);
    }
}
