package dev.basalt.kafka;

import dev.basalt.Basalt;
import dev.basalt.BasaltOptions;
import dev.basalt.BinaryNamespace;
import dev.basalt.Durability;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.ProcessorStateException;
import org.apache.kafka.streams.processor.BatchingStateRestoreCallback;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.internals.StoreQueryUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A persistent Kafka Streams key-value store over a Basalt directory: the drop-in for Kafka's
 * RocksDB store. Get one from {@link BasaltStoreSupplier} or, for every DSL store at once,
 * {@link BasaltDslStoreSuppliers}.
 *
 * <p>Basics: {@link #init} opens its own Basalt directory, {@code <task state dir>/basalt/<name>},
 * with one namespace; {@link #close} closes it (Kafka closes and reopens stores on rebalance).
 * Keys are raw bytes in unsigned byte order, so ranges and prefix scans order as RocksDB's
 * default comparator does. Kafka's changelog topic is the source of truth, so the directory is
 * opened with {@link Durability#PERIODIC} (a write is in the page cache at once and fsynced within
 * a second, or at {@link #commit}, which Kafka calls before every checkpoint): a machine crash
 * loses at most the last second, which the changelog restores, exactly as with RocksDB, whose
 * write-ahead log Kafka Streams turns off.
 *
 * <p>Contract, as Kafka's {@code KeyValueStore} says: a null key is a
 * {@link NullPointerException}; {@code put} of a null value deletes; range bounds may be null
 * (open); a range whose {@code from} is above its {@code to} is empty. Keys are 1..512 bytes
 * (Basalt's key limit); a longer key is an {@link IllegalArgumentException} naming the store,
 * the key's length and the limit, and nothing is written (never truncated, never hashed). Range
 * bounds and prefixes may be longer: they are compared, never stored.
 *
 * <p>Writes: {@link #putAll} and each batch of a changelog restore are written as atomic engine
 * batches ({@link BinaryNamespace#putAll}, up to 10,000 entries each; a longer list is several
 * batches): after a crash a batch is there whole or not at all. Iterators hold no engine resource between calls
 * (pages of 128 entries copied inside one read epoch), so an unclosed iterator leaks nothing;
 * still, {@link #close} invalidates every iterator it handed out, and using one afterwards throws
 * {@link InvalidStateStoreException}. Iterators see concurrent writes as
 * {@link BinaryNamespace} describes (in order, a deleted key never coming back), not as a
 * snapshot. Restore from the changelog comes in Kafka's batches ({@link BatchingStateRestoreCallback}).
 *
 * <p>Threads: one stream thread writes; interactive queries read from any thread at the same
 * time; all of it is safe.
 */
public class BasaltKeyValueStore implements KeyValueStore<Bytes, byte[]> {
    /** The one namespace of each store's directory. */
    static final String NAMESPACE = "kafka_streams";
    private static final Logger LOG = LoggerFactory.getLogger(BasaltKeyValueStore.class);

    private final String name;
    private final Set<BasaltKeyValueIterator> openIterators = ConcurrentHashMap.newKeySet();
    private volatile Basalt db;
    private volatile BinaryNamespace ns;
    private volatile boolean open;
    /** Set by every write, cleared by {@link #commit}: a commit with nothing new skips the fsync. */
    private volatile boolean unsynced;
    private StateStoreContext context;
    private Position position = Position.emptyPosition();

    /** An unopened store named {@code name}. */
    public BasaltKeyValueStore(String name) {
        this.name = Objects.requireNonNull(name, "name");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        Path dir = context.stateDir().toPath().resolve("basalt").resolve(name);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new ProcessorStateException("store " + name + ": cannot create its directory " + dir, e);
        }
        this.db = Basalt.open(dir, BasaltOptions.defaults().withDurability(Durability.PERIODIC));
        this.ns = db.binaryNamespace(NAMESPACE);
        this.context = context;
        this.position = Position.emptyPosition();
        this.open = true;
        context.register(root, (BatchingStateRestoreCallback) this::restoreAll);
    }

    /**
     * One batch of changelog records: puts, and deletes for null values. Positions are not
     * tracked. A put of a key over 512 bytes (a changelog written by another store, RocksDB
     * before a switch to Basalt) fails the restore with the store's name, the length and the
     * limit, as a put does.
     */
    private void restoreAll(java.util.Collection<KeyValue<byte[], byte[]>> records) {
        checkOpen();
        unsynced = true;
        List<BinaryNamespace.Entry> entries = new java.util.ArrayList<>(records.size());
        for (KeyValue<byte[], byte[]> record : records) {
            if (record.value == null && record.key.length > BinaryNamespace.MAX_KEY_BYTES) {
                continue; // a tombstone of a key no Basalt store can hold: nothing to delete
            }
            entries.add(new BinaryNamespace.Entry(checkedKey(record.key), record.value));
        }
        writeInBatches(entries);
    }

    /**
     * Writes the entries as engine batches of at most {@link #BATCH_ENTRIES}, in order. A batch
     * takes each key once, so within a batch only a key's last entry is kept: the outcome of
     * writing them one by one.
     */
    private void writeInBatches(List<BinaryNamespace.Entry> entries) {
        java.util.LinkedHashMap<java.nio.ByteBuffer, BinaryNamespace.Entry> batch = new java.util.LinkedHashMap<>();
        for (BinaryNamespace.Entry entry : entries) {
            java.nio.ByteBuffer key = java.nio.ByteBuffer.wrap(entry.key());
            batch.remove(key);
            batch.put(key, entry);
            if (batch.size() == BATCH_ENTRIES) {
                ns.putAll(List.copyOf(batch.values()));
                batch.clear();
            }
        }
        if (!batch.isEmpty()) {
            ns.putAll(List.copyOf(batch.values()));
        }
    }

    /** Entries per engine batch: the engine's limit. */
    private static final int BATCH_ENTRIES = 10_000;

    // ------------------------------------------------------------------ writes

    @Override
    public void put(Bytes key, byte[] value) {
        Objects.requireNonNull(key, "key cannot be null");
        byte[] k = checkedKey(key.get());
        checkOpen();
        unsynced = true;
        engine(() -> {
            if (value == null) {
                ns.delete(k);
            } else {
                ns.put(k, value);
            }
            return null;
        });
        StoreQueryUtils.updatePosition(position, context);
    }

    /** Reads then writes: atomic for Kafka, where one stream thread owns a store's writes. */
    @Override
    public byte[] putIfAbsent(Bytes key, byte[] value) {
        Objects.requireNonNull(key, "key cannot be null");
        byte[] existing = get(key);
        if (existing == null) {
            put(key, value);
        }
        return existing;
    }

    /**
     * Writes the entries as one atomic engine batch (several for more than 10,000 entries), as if
     * put one by one: a null value deletes, a later entry of the same key wins. Every key is
     * checked first; nothing is written when one is refused.
     */
    @Override
    public void putAll(List<KeyValue<Bytes, byte[]>> entries) {
        List<BinaryNamespace.Entry> checked = new java.util.ArrayList<>(entries.size());
        for (KeyValue<Bytes, byte[]> entry : entries) {
            Objects.requireNonNull(entry.key, "key cannot be null");
            checked.add(new BinaryNamespace.Entry(checkedKey(entry.key.get()), entry.value));
        }
        if (checked.isEmpty()) {
            return;
        }
        checkOpen();
        unsynced = true;
        engine(() -> {
            writeInBatches(checked);
            return null;
        });
        StoreQueryUtils.updatePosition(position, context);
    }

    @Override
    public byte[] delete(Bytes key) {
        Objects.requireNonNull(key, "key cannot be null");
        byte[] existing = get(key);
        put(key, null);
        return existing;
    }

    // ------------------------------------------------------------------ reads

    @Override
    public byte[] get(Bytes key) {
        Objects.requireNonNull(key, "key cannot be null");
        byte[] k = key.get();
        checkOpen();
        if (k.length < 1 || k.length > BinaryNamespace.MAX_KEY_BYTES) {
            return null; // no such key can be stored
        }
        return engine(() -> ns.get(k));
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> range(Bytes from, Bytes to) {
        return range(from, to, false);
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> reverseRange(Bytes from, Bytes to) {
        return range(from, to, true);
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> all() {
        return range(null, null, false);
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> reverseAll() {
        return range(null, null, true);
    }

    @Override
    public <PS extends Serializer<P>, P> KeyValueIterator<Bytes, byte[]> prefixScan(P prefix, PS prefixKeySerializer) {
        Objects.requireNonNull(prefix, "prefix cannot be null");
        Objects.requireNonNull(prefixKeySerializer, "prefixKeySerializer cannot be null");
        byte[] bytes = prefixKeySerializer.serialize(null, prefix);
        checkOpen();
        if (bytes.length == 0) {
            return range(null, null, false);
        }
        if (bytes.length > BinaryNamespace.MAX_KEY_BYTES) {
            return iterator(java.util.Collections.emptyIterator()); // no stored key is that long
        }
        return iterator(engine(() -> ns.prefix(bytes)));
    }

    /** Keys in {@code [from, to]}, ascending, or descending when {@code descending}; null bounds are open. */
    private KeyValueIterator<Bytes, byte[]> range(Bytes from, Bytes to, boolean descending) {
        checkOpen();
        if (from != null && to != null && from.compareTo(to) > 0) {
            // Kafka's own stores log this very sentence, and Kafka's store tests check for it.
            LOG.warn("Returning empty iterator for fetch with invalid key range: from > to. This may be due to range "
                    + "arguments set in the wrong order, or serdes that don't preserve ordering when lexicographically "
                    + "comparing the serialized bytes. Note that the built-in numerical serdes do not follow this for "
                    + "negative numbers");
            return iterator(java.util.Collections.emptyIterator());
        }
        if (to != null && to.get().length == 0) {
            return iterator(java.util.Collections.emptyIterator()); // no key is at most the empty key
        }
        RangeBounds lower = RangeBounds.lower(from == null ? null : from.get());
        RangeBounds upper = RangeBounds.upper(to == null ? null : to.get());
        RangeBounds start = descending ? upper : lower;
        RangeBounds end = descending ? lower : upper;
        return iterator(engine(() -> ns.range(start.key(), start.inclusive(), end.key(), end.inclusive(), descending)));
    }

    private KeyValueIterator<Bytes, byte[]> iterator(Iterator<BinaryNamespace.Entry> entries) {
        BasaltKeyValueIterator iterator = new BasaltKeyValueIterator(name, entries, openIterators::remove, this::isOpen);
        openIterators.add(iterator);
        if (!open) { // closed in between: the close may have missed this one
            iterator.invalidate();
        }
        return iterator;
    }

    /** Live keys now (exact, as Basalt counts them), not an estimate. */
    @Override
    public long approximateNumEntries() {
        checkOpen();
        return engine(() -> db.stats().liveKeys());
    }

    // ------------------------------------------------------------------ lifecycle

    /**
     * Forces every write so far to disk ({@link Basalt#sync()}). Kafka Streams 4.3 calls this before
     * it writes a checkpoint; the changelog offsets are Kafka's to keep ({@link #managesOffsets()}
     * is false).
     */
    @Override
    public void commit(Map<TopicPartition, Long> changelogOffsets) {
        checkOpen();
        if (!unsynced) {
            return; // Kafka commits every interval, also when this store took no write
        }
        unsynced = false; // before the sync: a write racing with it is covered by this one or the next
        engine(() -> {
            db.sync();
            return null;
        });
    }

    /** The pre-4.3 name of {@link #commit}: forces every write so far to disk. */
    @Deprecated
    @Override
    public void flush() {
        commit(Map.of());
    }

    /** Invalidates every open iterator, then closes the Basalt directory. Idempotent. */
    @Override
    public synchronized void close() {
        if (!open) {
            return;
        }
        open = false;
        for (BasaltKeyValueIterator iterator : openIterators) {
            iterator.invalidate();
        }
        openIterators.clear();
        db.close();
    }

    @Override
    public boolean persistent() {
        return true;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public <R> QueryResult<R> query(Query<R> query, PositionBound positionBound, QueryConfig config) {
        return StoreQueryUtils.handleBasicQueries(query, positionBound, config, this, position, context);
    }

    @Override
    public Position getPosition() {
        return position;
    }

    // ------------------------------------------------------------------ checks

    private void checkOpen() {
        if (!open) {
            throw new InvalidStateStoreException("Basalt store " + name + " is not open");
        }
    }

    /** The key bytes, or an error naming the store, the length and the limit. */
    private byte[] checkedKey(byte[] key) {
        if (key.length < 1 || key.length > BinaryNamespace.MAX_KEY_BYTES) {
            throw new IllegalArgumentException("Basalt store " + name + ": key is " + key.length
                    + " bytes; Basalt keys are 1.." + BinaryNamespace.MAX_KEY_BYTES
                    + " bytes (keys are never truncated or hashed)");
        }
        return key;
    }

    /** Runs an engine call; a store closed under it (a rebalance) is Kafka's InvalidStateStoreException. */
    private <T> T engine(Supplier<T> call) {
        try {
            return call.get();
        } catch (IllegalStateException e) {
            if (!open) {
                throw new InvalidStateStoreException("Basalt store " + name + " was closed: " + e.getMessage());
            }
            throw e;
        }
    }

    @Override
    public String toString() {
        return "BasaltKeyValueStore[" + name + "]";
    }
}
