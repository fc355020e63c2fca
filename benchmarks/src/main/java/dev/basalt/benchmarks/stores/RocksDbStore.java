package dev.basalt.benchmarks.stores;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.CompactionPriority;
import org.rocksdb.CompressionType;
import org.rocksdb.FlushOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.Statistics;
import org.rocksdb.TickerType;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * RocksDB through RocksJava, one default column family.
 *
 * <p>Settings, after the RocksDB wiki's "Setup Options and Basic Tuning" page (the options it
 * suggests every user starts from): {@code IncreaseParallelism} to the core count,
 * {@code OptimizeLevelStyleCompaction}, dynamic level bytes, {@code bytes_per_sync} 1 MiB,
 * compaction priority {@code kMinOverlappingRatio}, LZ4 compression with ZSTD at the bottom
 * level; a block-based table with 16 KiB blocks, a {@value #BLOCK_CACHE_BYTES}-byte LRU block
 * cache (room for the 1M x 100-byte data set, as Basalt's data sits in the page cache),
 * index and filter blocks in that cache with level-0 ones pinned, format version 5 and a
 * 10-bit-per-key Bloom filter. Statistics are on so that WAL fsyncs can be counted
 * ({@code WAL_FILE_SYNCED}).
 *
 * <p>Durability: {@code WriteOptions.sync} is false for {@code PERIODIC} (the WAL write sits in
 * the page cache, like Basalt's) and true for the synced modes; concurrent synced writers
 * share an fsync through RocksDB's own write-group leader, its counterpart of group commit.
 *
 * <p>Reads: {@link #readInto} is {@code get(ReadOptions, ByteBuffer, ByteBuffer)} on direct
 * buffers, RocksJava's copy-into-caller-buffer read. A page of {@link #listPage} is an
 * iterator seeked to the prefix with {@code iterate_upper_bound} at the prefix's successor,
 * RocksDB's recommended bounded range scan. A bulk load goes through 1,000-entry write batches
 * without sync, then one WAL sync and a memtable flush, so reads meet the SST files a long-running
 * store would have.
 *
 * <p>Threads: RocksDB handles are thread-safe; the option objects are set up by {@link #open}, then only read; open and close run on one thread before and after every other call.
 */
final class RocksDbStore implements KvStore {
    static final long BLOCK_CACHE_BYTES = 256L << 20;
    static final long BLOCK_BYTES = 16 << 10;
    static final long BYTES_PER_SYNC = 1 << 20;
    static final int BLOOM_BITS_PER_KEY = 10;
    static final int TABLE_FORMAT_VERSION = 5;
    static final int LOAD_BATCH_ENTRIES = 1_000;

    static {
        RocksDB.loadLibrary();
    }

    private Options options;
    private LRUCache blockCache;
    private BloomFilter bloomFilter;
    private Statistics statistics;
    private WriteOptions writeOptions;
    private WriteOptions loadWriteOptions;
    private ReadOptions readOptions;
    private RocksDB db;
    /** {@link #syncCount} once closed: JMH may ask for it after another thread closed the store. */
    private long syncsAtClose;

    @Override
    public String name() {
        return Stores.ROCKSDB;
    }

    @Override
    public void open(Path dir, StoreSettings settings) {
        blockCache = new LRUCache(BLOCK_CACHE_BYTES);
        bloomFilter = new BloomFilter(BLOOM_BITS_PER_KEY, false);
        statistics = new Statistics();
        BlockBasedTableConfig table = new BlockBasedTableConfig()
                .setBlockSize(BLOCK_BYTES)
                .setBlockCache(blockCache)
                .setCacheIndexAndFilterBlocks(true)
                .setPinL0FilterAndIndexBlocksInCache(true)
                .setFormatVersion(TABLE_FORMAT_VERSION)
                .setFilterPolicy(bloomFilter);
        options = new Options()
                .setCreateIfMissing(true)
                .setIncreaseParallelism(Runtime.getRuntime().availableProcessors())
                .optimizeLevelStyleCompaction()
                .setLevelCompactionDynamicLevelBytes(true)
                .setBytesPerSync(BYTES_PER_SYNC)
                .setCompactionPriority(CompactionPriority.MinOverlappingRatio)
                .setCompressionType(CompressionType.LZ4_COMPRESSION)
                .setBottommostCompressionType(CompressionType.ZSTD_COMPRESSION)
                .setStatistics(statistics)
                .setTableFormatConfig(table);
        writeOptions = new WriteOptions().setSync(settings.syncPerWrite());
        loadWriteOptions = new WriteOptions().setSync(false);
        readOptions = new ReadOptions();
        try {
            db = RocksDB.open(options, dir.toString());
        } catch (RocksDBException e) {
            close();
            throw new IllegalStateException("cannot open RocksDB in " + dir, e);
        }
    }

    @Override
    public void put(String key, byte[] value) {
        try {
            db.put(writeOptions, KeyBytes.utf8(key), value);
        } catch (RocksDBException e) {
            throw new IllegalStateException("RocksDB put failed", e);
        }
    }

    @Override
    public void load(LoadSource source) {
        try {
            for (int start = 0; start < source.count(); start += LOAD_BATCH_ENTRIES) {
                try (WriteBatch batch = new WriteBatch()) {
                    int end = Math.min(source.count(), start + LOAD_BATCH_ENTRIES);
                    for (int i = start; i < end; i++) {
                        batch.put(KeyBytes.utf8(source.key(i)), source.value(i));
                    }
                    db.write(loadWriteOptions, batch);
                }
            }
            db.syncWal();
            try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
                db.flush(flush);
            }
        } catch (RocksDBException e) {
            throw new IllegalStateException("RocksDB load failed", e);
        }
    }

    @Override
    public int readInto(ByteBuffer key, ByteBuffer dst) {
        int keyPosition = key.position();
        int dstPosition = dst.position();
        int dstLimit = dst.limit();
        int length;
        try {
            length = db.get(readOptions, key, dst);
        } catch (RocksDBException e) {
            throw new IllegalStateException("RocksDB get failed", e);
        }
        // RocksJava moves the key to its limit and narrows dst's limit; restore the contract.
        key.position(keyPosition);
        dst.limit(dstLimit);
        if (length == RocksDB.NOT_FOUND) {
            return ABSENT;
        }
        if (length <= dstLimit - dstPosition) {
            dst.position(dstPosition + length);
        }
        return length;
    }

    @Override
    public byte[] getBytes(String key) {
        try {
            return db.get(readOptions, KeyBytes.utf8(key));
        } catch (RocksDBException e) {
            throw new IllegalStateException("RocksDB get failed", e);
        }
    }

    @Override
    public boolean ordered() {
        return true;
    }

    @Override
    public List<String> listPage(String prefix, int limit) {
        byte[] prefixBytes = KeyBytes.utf8(prefix);
        byte[] upper = KeyBytes.prefixUpperBound(prefixBytes);
        List<String> page = new ArrayList<>(limit);
        try (Slice upperBound = upper == null ? null : new Slice(upper);
             ReadOptions scan = new ReadOptions()) {
            if (upperBound != null) {
                scan.setIterateUpperBound(upperBound);
            }
            try (RocksIterator iterator = db.newIterator(scan)) {
                for (iterator.seek(prefixBytes); iterator.isValid() && page.size() < limit; iterator.next()) {
                    page.add(KeyBytes.string(iterator.key()));
                }
            }
        }
        return page;
    }

    @Override
    public void sync() {
        try {
            db.syncWal();
        } catch (RocksDBException e) {
            throw new IllegalStateException("RocksDB WAL sync failed", e);
        }
    }

    /**
     * RocksDB's count of WAL fsyncs. Synchronised with {@link #close}, which frees the native
     * statistics: a late caller (another JMH thread) gets the count taken just before the close.
     */
    @Override
    public synchronized long syncCount() {
        return statistics == null ? syncsAtClose : statistics.getTickerCount(TickerType.WAL_FILE_SYNCED);
    }

    @Override
    public synchronized void close() {
        if (statistics != null) {
            syncsAtClose = statistics.getTickerCount(TickerType.WAL_FILE_SYNCED);
        }
        if (db != null) {
            db.close();
            db = null;
        }
        closeAll(readOptions, writeOptions, loadWriteOptions, options, statistics, bloomFilter, blockCache);
        readOptions = null;
        writeOptions = null;
        loadWriteOptions = null;
        options = null;
        statistics = null;
        bloomFilter = null;
        blockCache = null;
    }

    private static void closeAll(AutoCloseable... handles) {
        for (AutoCloseable handle : handles) {
            if (handle != null) {
                try {
                    handle.close();
                } catch (Exception e) {
                    throw new IllegalStateException("cannot release a RocksDB handle", e);
                }
            }
        }
    }
}
