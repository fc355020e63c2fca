package dev.basalt.benchmarks.stores;

import static java.nio.ByteBuffer.allocateDirect;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;
import org.lmdbjava.ByteBufferProxy;
import org.lmdbjava.Cursor;
import org.lmdbjava.Dbi;
import org.lmdbjava.DbiFlags;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;
import org.lmdbjava.GetOp;
import org.lmdbjava.Txn;

/**
 * LMDB through lmdbjava, one named database in one environment.
 *
 * <p>Settings, after LMDB's and lmdbjava's documentation: the zero-copy
 * {@code ByteBufferProxy.PROXY_OPTIMAL} with direct buffers; {@code MDB_NOTLS}, which lmdbjava
 * advises for Java threads and which lets each reader thread keep one read transaction that it
 * {@code reset()}s after a read and {@code renew()}s before the next (mdb_txn_reset's
 * documented way to save the allocation and locking of a new transaction per read);
 * {@code MDB_NORDAHEAD}, which LMDB advises for random reads; a map size with twice the room the
 * expected data needs (LMDB needs the bound up front; the file is sparse).
 *
 * <p>Durability: {@code MDB_NOSYNC} for {@code PERIODIC} (commits leave data to the OS, as
 * Basalt's periodic mode); without it every write transaction's commit fsyncs, which is LMDB's
 * sync-per-write. LMDB serialises writers, so two writer threads get no shared fsync.
 * {@link #syncCount} counts synced commits (each is one data and one meta-page fsync).
 *
 * <p>Reads: {@link #readInto} gets the value as a buffer pointing into the memory map (no copy)
 * and copies it into the caller's buffer. A page of {@link #listPage} is a cursor placed with
 * {@code MDB_SET_RANGE} at the prefix and moved with {@code next}. A bulk load commits every
 * {@value #LOAD_BATCH_ENTRIES} puts.
 *
 * <p>Threads: each thread has its own read transaction and key and value buffers (thread locals); LMDB serialises write transactions itself. Open and close run on one thread before and after every other call; close releases every thread's read transaction.
 */
final class LmdbStore implements KvStore {
    static final String DATABASE = "bench";
    static final int LOAD_BATCH_ENTRIES = 10_000;
    static final int MAX_KEY_BYTES = 511;
    static final long PAGE_BYTES = 4096;
    /** Room for the B-tree's branch pages and free pages beyond the entries themselves. */
    static final long MAP_HEADROOM_BYTES = 256L << 20;

    private Env<ByteBuffer> env;
    private Dbi<ByteBuffer> db;
    private boolean syncPerWrite;
    private final LongAdder syncedCommits = new LongAdder();
    /** Every per-thread read transaction, so close can release them before the environment. */
    private final Queue<Txn<ByteBuffer>> readTxns = new ConcurrentLinkedQueue<>();
    private final ThreadLocal<Txn<ByteBuffer>> readTxn = new ThreadLocal<>();
    private final ThreadLocal<ByteBuffer> keyBuffer = ThreadLocal.withInitial(() -> allocateDirect(MAX_KEY_BYTES));
    private final ThreadLocal<ByteBuffer> valueBuffer =
            ThreadLocal.withInitial(() -> allocateDirect(StoreSettings.MAX_VALUE_BYTES));

    @Override
    public String name() {
        return Stores.LMDB;
    }

    @Override
    public void open(Path dir, StoreSettings settings) {
        syncPerWrite = settings.syncPerWrite();
        EnvFlags[] flags = syncPerWrite
                ? new EnvFlags[] {EnvFlags.MDB_NOTLS, EnvFlags.MDB_NORDAHEAD}
                : new EnvFlags[] {EnvFlags.MDB_NOTLS, EnvFlags.MDB_NORDAHEAD, EnvFlags.MDB_NOSYNC};
        env = Env.create(ByteBufferProxy.PROXY_OPTIMAL)
                .setMapSize(mapSizeBytes(settings))
                .setMaxDbs(1)
                .open(dir.toFile(), flags);
        db = env.openDbi(DATABASE, DbiFlags.MDB_CREATE);
    }

    /** Twice the pages the entries need (values over a page spill into overflow pages), plus headroom. */
    static long mapSizeBytes(StoreSettings settings) {
        long entryBytes = settings.valueBytes() + MAX_KEY_BYTES / 8 + 16;
        long perEntryBytes = entryBytes > PAGE_BYTES / 2
                ? (entryBytes / PAGE_BYTES + 2) * PAGE_BYTES
                : entryBytes * 2;
        return settings.expectedKeys() * perEntryBytes * 2 + MAP_HEADROOM_BYTES;
    }

    @Override
    public void put(String key, byte[] value) {
        try (Txn<ByteBuffer> txn = env.txnWrite()) {
            db.put(txn, encodeKey(key), valueBuffer(value));
            txn.commit();
        }
        if (syncPerWrite) {
            syncedCommits.increment();
        }
    }

    @Override
    public void load(LoadSource source) {
        for (int start = 0; start < source.count(); start += LOAD_BATCH_ENTRIES) {
            int end = Math.min(source.count(), start + LOAD_BATCH_ENTRIES);
            try (Txn<ByteBuffer> txn = env.txnWrite()) {
                for (int i = start; i < end; i++) {
                    db.put(txn, encodeKey(source.key(i)), valueBuffer(source.value(i)));
                }
                txn.commit();
            }
        }
        sync();
    }

    @Override
    public int readInto(ByteBuffer key, ByteBuffer dst) {
        Txn<ByteBuffer> txn = renewedReadTxn();
        try {
            ByteBuffer value = db.get(txn, key);
            if (value == null) {
                return ABSENT;
            }
            int length = value.remaining();
            if (length <= dst.remaining()) {
                dst.put(value);
            }
            return length;
        } finally {
            txn.reset();
        }
    }

    @Override
    public byte[] getBytes(String key) {
        Txn<ByteBuffer> txn = renewedReadTxn();
        try {
            ByteBuffer value = db.get(txn, encodeKey(key));
            if (value == null) {
                return null;
            }
            byte[] copy = new byte[value.remaining()];
            value.get(copy);
            return copy;
        } finally {
            txn.reset();
        }
    }

    @Override
    public boolean ordered() {
        return true;
    }

    @Override
    public List<String> listPage(String prefix, int limit) {
        byte[] prefixBytes = KeyBytes.utf8(prefix);
        List<String> page = new ArrayList<>(limit);
        Txn<ByteBuffer> txn = renewedReadTxn();
        try (Cursor<ByteBuffer> cursor = db.openCursor(txn)) {
            boolean found = cursor.get(encodeKey(prefix), GetOp.MDB_SET_RANGE);
            while (found && page.size() < limit) {
                ByteBuffer key = cursor.key();
                byte[] keyBytes = new byte[key.remaining()];
                key.get(keyBytes);
                if (!KeyBytes.startsWith(keyBytes, prefixBytes)) {
                    break;
                }
                page.add(KeyBytes.string(keyBytes));
                found = cursor.next();
            }
        } finally {
            txn.reset();
        }
        return page;
    }

    @Override
    public void sync() {
        env.sync(true);
    }

    @Override
    public long syncCount() {
        return syncPerWrite ? syncedCommits.sum() : SYNCS_UNKNOWN;
    }

    @Override
    public void close() {
        if (env == null) {
            return;
        }
        for (Txn<ByteBuffer> txn = readTxns.poll(); txn != null; txn = readTxns.poll()) {
            txn.close();
        }
        db.close();
        env.close();
        env = null;
        db = null;
    }

    /** This thread's read transaction, renewed: a snapshot of the latest commit. */
    private Txn<ByteBuffer> renewedReadTxn() {
        Txn<ByteBuffer> txn = readTxn.get();
        if (txn == null) {
            txn = env.txnRead();
            readTxn.set(txn);
            readTxns.add(txn);
            return txn;
        }
        txn.renew();
        return txn;
    }

    private ByteBuffer encodeKey(String key) {
        ByteBuffer buffer = keyBuffer.get().clear();
        buffer.put(KeyBytes.utf8(key));
        return buffer.flip();
    }

    private ByteBuffer valueBuffer(byte[] value) {
        ByteBuffer buffer = valueBuffer.get();
        if (buffer.capacity() < value.length) {
            buffer = allocateDirect(value.length);
            valueBuffer.set(buffer);
        }
        buffer.clear();
        buffer.put(value);
        return buffer.flip();
    }
}
