package dev.basalt.benchmarks.stores;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import jetbrains.exodus.ArrayByteIterable;
import jetbrains.exodus.ByteIterable;
import jetbrains.exodus.env.Cursor;
import jetbrains.exodus.env.Environment;
import jetbrains.exodus.env.EnvironmentConfig;
import jetbrains.exodus.env.EnvironmentImpl;
import jetbrains.exodus.env.Environments;
import jetbrains.exodus.env.Store;
import jetbrains.exodus.env.StoreConfig;
import jetbrains.exodus.env.Transaction;

/**
 * JetBrains Xodus, the Environments API with one store.
 *
 * <p>Settings, after Xodus's documentation: the default {@link EnvironmentConfig} (its log
 * cache, its background GC of the log, which is Xodus's compaction, left on) with
 * {@code envCloseForcedly} so a close never waits on a forgotten transaction; the store is
 * {@link StoreConfig#WITHOUT_DUPLICATES_WITH_PREFIXING}, a Patricia tree, which the docs
 * recommend for random access and keys sharing prefixes, as {@code user:...} keys do. Its log
 * cache lives on the Java heap (by default a share of {@code -Xmx}), so the memory benchmark
 * counts it as heap.
 *
 * <p>Durability: {@code logDurableWrite} off for {@code PERIODIC} (a commit leaves the data to
 * the OS; Xodus syncs on its own period), on for the synced modes (every commit fsyncs the
 * log). {@link #syncCount} counts durable commits.
 *
 * <p>Reads: Xodus returns values as {@link ByteIterable}s backed by arrays of its log cache;
 * {@link #readInto} copies the key into an array, reads in a read-only transaction and copies
 * the value into the caller's buffer. A page of {@link #listPage} is a cursor positioned with
 * {@code getSearchKeyRange}. A bulk load commits every {@value #LOAD_BATCH_ENTRIES} puts.
 *
 * <p>Threads: the environment is thread-safe and every call runs in its own transaction; open and close run on one thread before and after every other call.
 */
final class XodusStore implements KvStore {
    static final String STORE = "bench";
    static final int LOAD_BATCH_ENTRIES = 10_000;

    private Environment env;
    private Store store;
    private boolean syncPerWrite;
    private final LongAdder durableCommits = new LongAdder();

    @Override
    public String name() {
        return Stores.XODUS;
    }

    @Override
    public void open(Path dir, StoreSettings settings) {
        syncPerWrite = settings.syncPerWrite();
        EnvironmentConfig config = new EnvironmentConfig()
                .setLogDurableWrite(syncPerWrite)
                .setEnvCloseForcedly(true);
        env = Environments.newInstance(dir.toFile(), config);
        store = env.computeInTransaction(
                txn -> env.openStore(STORE, StoreConfig.WITHOUT_DUPLICATES_WITH_PREFIXING, txn));
    }

    @Override
    public void put(String key, byte[] value) {
        ByteIterable keyBytes = new ArrayByteIterable(KeyBytes.utf8(key));
        ByteIterable valueBytes = new ArrayByteIterable(value);
        env.executeInTransaction(txn -> store.put(txn, keyBytes, valueBytes));
        if (syncPerWrite) {
            durableCommits.increment();
        }
    }

    @Override
    public void load(LoadSource source) {
        for (int start = 0; start < source.count(); start += LOAD_BATCH_ENTRIES) {
            int first = start;
            int end = Math.min(source.count(), start + LOAD_BATCH_ENTRIES);
            env.executeInTransaction(txn -> {
                for (int i = first; i < end; i++) {
                    store.put(txn, new ArrayByteIterable(KeyBytes.utf8(source.key(i))),
                            new ArrayByteIterable(source.value(i)));
                }
            });
        }
        sync();
    }

    @Override
    public int readInto(ByteBuffer key, ByteBuffer dst) {
        ByteIterable keyBytes = new ArrayByteIterable(KeyBytes.copyOf(key));
        Transaction txn = env.beginReadonlyTransaction();
        try {
            ByteIterable value = store.get(txn, keyBytes);
            if (value == null) {
                return ABSENT;
            }
            int length = value.getLength();
            if (length <= dst.remaining()) {
                dst.put(value.getBytesUnsafe(), 0, length);
            }
            return length;
        } finally {
            txn.abort();
        }
    }

    @Override
    public byte[] getBytes(String key) {
        ByteIterable keyBytes = new ArrayByteIterable(KeyBytes.utf8(key));
        return env.computeInReadonlyTransaction(txn -> {
            ByteIterable value = store.get(txn, keyBytes);
            return value == null ? null : Arrays.copyOf(value.getBytesUnsafe(), value.getLength());
        });
    }

    @Override
    public boolean ordered() {
        return true;
    }

    @Override
    public List<String> listPage(String prefix, int limit) {
        byte[] prefixBytes = KeyBytes.utf8(prefix);
        return env.computeInReadonlyTransaction(txn -> {
            List<String> page = new ArrayList<>(limit);
            try (Cursor cursor = store.openCursor(txn)) {
                boolean found = cursor.getSearchKeyRange(new ArrayByteIterable(prefixBytes)) != null;
                while (found && page.size() < limit) {
                    ByteIterable key = cursor.getKey();
                    byte[] keyBytes = Arrays.copyOf(key.getBytesUnsafe(), key.getLength());
                    if (!KeyBytes.startsWith(keyBytes, prefixBytes)) {
                        break;
                    }
                    page.add(KeyBytes.string(keyBytes));
                    found = cursor.getNext();
                }
            }
            return page;
        });
    }

    @Override
    public void sync() {
        // A transaction that writes nothing does not touch the log; a forced flush of the log
        // is the documented way to make earlier commits durable.
        ((EnvironmentImpl) env).flushAndSync();
    }

    @Override
    public long syncCount() {
        return syncPerWrite ? durableCommits.sum() : SYNCS_UNKNOWN;
    }

    @Override
    public void close() {
        if (env != null) {
            env.close();
            env = null;
            store = null;
        }
    }
}
