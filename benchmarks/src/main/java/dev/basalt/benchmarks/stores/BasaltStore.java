package dev.basalt.benchmarks.stores;

import dev.basalt.Basalt;
import dev.basalt.BasaltOptions;
import dev.basalt.KeyInfo;
import dev.basalt.KvNamespace;
import dev.basalt.ListOptions;
import dev.basalt.PutOptions;
import dev.basalt.ValueType;
import dev.basalt.WriteBatch;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Basalt through its public API, one namespace {@value #NAMESPACE}.
 *
 * <p>Settings: {@link BasaltOptions#defaults()} (64 MiB segments, background compaction on,
 * paced to 64 MiB/s, mapped appends) with the benchmark's durability. With {@link StoreSettings#backgroundWork()}
 * the segments are {@value #BACKGROUND_WORK_SEGMENT_BYTES} bytes, so that a short run of
 * overwrites seals segments and compaction really runs while measured, and the minimum TTL is
 * zero, so that keys written with a TTL of a few seconds expire during the run and the expiry
 * agent runs too.
 *
 * <p>{@link #readInto} is {@link KvNamespace#read}, the allocation-free hot path; {@link #getText}
 * is {@code get(key)} and {@link #getBytes} is {@code get(key, ValueType.BYTES)}, as a Workers KV
 * user calls them.
 *
 * <p>Threads: the engine and its namespace are thread-safe; {@link #open} and {@link #close} run on one thread before and after every other call.
 */
final class BasaltStore implements KvStore {
    static final String NAMESPACE = "BENCH";
    /** 4 MiB: about 30,000 records of 100 bytes, so 10 % overwrites of 100,000 keys seal a segment in seconds. */
    static final long BACKGROUND_WORK_SEGMENT_BYTES = 4L << 20;

    /**
     * The metadata {@link Stores#BASALT_WITH_METADATA} loads every key with: about the size of a
     * Workers KV user's content type and version (41 bytes of JSON).
     */
    static final Map<String, Object> LOAD_METADATA = Map.of("contentType", "text/plain", "version", 3);
    private static final PutOptions WITH_LOAD_METADATA = PutOptions.none().withMetadata(LOAD_METADATA);

    /** Entries per {@link WriteBatch} of a batched {@link #load}, as RocksDB's adapter loads. */
    static final int LOAD_BATCH_ENTRIES = 1_000;

    /** False for {@link Stores#BASALT_NO_COMPACTION}: the same store with no compaction thread. */
    private final boolean backgroundCompaction;
    /** True for {@link Stores#BASALT_BATCHED_LOAD}: {@link #load} writes batches, not single puts. */
    private final boolean batchedLoad;
    /** True for {@link Stores#BASALT_WITH_METADATA}: {@link #load} gives every key metadata. */
    private final boolean loadMetadata;
    /** How records reach the log: as the defaults say, or forced one way for a comparison. */
    enum Appends {
        /** {@code BasaltOptions.defaults()}: copied into a mapping of the active segment. */
        DEFAULT,
        /** {@link Stores#BASALT_MAPPED}: copied into a mapping, whatever the defaults say. */
        MAPPED,
        /** {@link Stores#BASALT_SYSCALL}: written by a system call each. */
        SYSCALL
    }

    private final Appends appends;
    private Basalt db;
    private KvNamespace namespace;
    /** {@link #syncCount} once closed: JMH may ask for it after another thread closed the store. */
    private long syncsAtClose;

    BasaltStore() {
        this(true, false);
    }

    BasaltStore(boolean backgroundCompaction, boolean batchedLoad) {
        this(backgroundCompaction, batchedLoad, false);
    }

    BasaltStore(boolean backgroundCompaction, boolean batchedLoad, boolean loadMetadata) {
        this(backgroundCompaction, batchedLoad, loadMetadata, Appends.DEFAULT);
    }

    BasaltStore(boolean backgroundCompaction, boolean batchedLoad, boolean loadMetadata, Appends appends) {
        this.backgroundCompaction = backgroundCompaction;
        this.batchedLoad = batchedLoad;
        this.loadMetadata = loadMetadata;
        this.appends = appends;
    }

    @Override
    public String name() {
        return appends == Appends.MAPPED ? Stores.BASALT_MAPPED
                : appends == Appends.SYSCALL ? Stores.BASALT_SYSCALL
                : loadMetadata ? Stores.BASALT_WITH_METADATA
                : batchedLoad ? Stores.BASALT_BATCHED_LOAD
                : backgroundCompaction ? Stores.BASALT : Stores.BASALT_NO_COMPACTION;
    }

    /**
     * One put per key, or with {@link Stores#BASALT_BATCHED_LOAD} one atomic batch per 1,000 keys;
     * with {@link Stores#BASALT_WITH_METADATA} every put carries {@link #LOAD_METADATA}.
     */
    @Override
    public void load(LoadSource source) {
        if (loadMetadata) {
            for (int i = 0; i < source.count(); i++) {
                namespace.put(source.key(i), source.value(i), WITH_LOAD_METADATA);
            }
            sync();
            return;
        }
        if (!batchedLoad) {
            KvStore.super.load(source);
            return;
        }
        for (int start = 0; start < source.count(); start += LOAD_BATCH_ENTRIES) {
            WriteBatch batch = WriteBatch.create();
            for (int i = start, end = Math.min(source.count(), start + LOAD_BATCH_ENTRIES); i < end; i++) {
                batch.put(source.key(i), source.value(i));
            }
            namespace.write(batch);
        }
        sync();
    }

    @Override
    public void open(Path dir, StoreSettings settings) {
        BasaltOptions options = BasaltOptions.defaults().withDurability(settings.durability())
                .withBackgroundCompaction(backgroundCompaction);
        if (appends != Appends.DEFAULT) {
            options = options.withMappedAppends(appends == Appends.MAPPED);
        }
        if (settings.backgroundWork()) {
            options = options.withSegmentSize(BACKGROUND_WORK_SEGMENT_BYTES).withMinExpirationTtl(Duration.ZERO);
        }
        db = Basalt.open(dir, options);
        namespace = db.namespace(NAMESPACE);
    }

    @Override
    public void put(String key, byte[] value) {
        namespace.put(key, value);
    }

    @Override
    public void putWithTtl(String key, byte[] value, long ttlSeconds) {
        namespace.put(key, value, PutOptions.expirationTtl(ttlSeconds));
    }

    @Override
    public int readInto(ByteBuffer key, ByteBuffer dst) {
        return namespace.read(key, dst);
    }

    @Override
    public byte[] getBytes(String key) {
        return namespace.get(key, ValueType.BYTES);
    }

    @Override
    public String getText(String key) {
        return namespace.get(key);
    }

    @Override
    public boolean ordered() {
        return true;
    }

    @Override
    public List<String> listPage(String prefix, int limit) {
        List<KeyInfo> keys = namespace.list(ListOptions.prefix(prefix).withLimit(limit)).keys();
        List<String> names = new ArrayList<>(keys.size());
        for (KeyInfo key : keys) {
            names.add(key.name());
        }
        return names;
    }

    @Override
    public void sync() {
        db.sync();
    }

    /**
     * The engine's completed log fsyncs. Synchronised with {@link #close}: in a multi-threaded
     * JMH trial one thread may close the store while another reads its last count; it then gets
     * the count taken just before the close (the close's own sync is not part of any iteration).
     */
    @Override
    public synchronized long syncCount() {
        return db == null ? syncsAtClose : db.stats().logSyncs();
    }

    /** The engine's own figure of native memory held by its indexes, for the memory benchmark. */
    long offHeapIndexBytes() {
        return db.stats().offHeapIndexBytes();
    }

    @Override
    public synchronized void close() {
        if (db != null) {
            syncsAtClose = db.stats().logSyncs();
            db.close();
            db = null;
        }
    }
}
