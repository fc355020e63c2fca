package dev.basalt.benchmarks.stores;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import org.mapdb.BTreeMap;
import org.mapdb.DB;
import org.mapdb.DBMaker;
import org.mapdb.Serializer;

/**
 * MapDB 3 with one {@link BTreeMap} (its ordered, concurrent map) in one file.
 *
 * <p>Settings, after MapDB's manual: {@code fileMmapEnableIfSupported} (memory-mapped file, the
 * manual's fastest file mode), {@code fileMmapPreclearDisable} and {@code cleanerHackEnable}
 * (its advice for mmap on Java 9+), byte-array key and value serializers (no Java
 * serialization); values are kept outside the B-tree nodes when larger than
 * {@value #VALUES_OUTSIDE_NODES_BYTES} bytes, as the manual advises for large values, so a node
 * read does not deserialize 32 large values.
 *
 * <p>Durability: for {@code PERIODIC} transactions are off and nothing is committed per write
 * (data reaches the mapped file; the manual warns such a store may not survive a crash); for the
 * synced modes {@code transactionEnable} adds MapDB's write-ahead log and every put is followed
 * by {@code commit()}, which fsyncs it. {@link #syncCount} counts those commits.
 *
 * <p>Reads: MapDB has no into-buffer read, so {@link #readInto} is {@code get(byte[])} and a copy.
 * A page of {@link #listPage} is a {@code prefixSubMap} walk.
 *
 * <p>Threads: the BTreeMap is concurrent; a commit covers every thread's writes so far (MapDB has one global transaction). Open and close run on one thread before and after every other call.
 */
final class MapDbStore implements KvStore {
    static final String MAP = "bench";
    static final String FILE = "mapdb.db";
    static final int VALUES_OUTSIDE_NODES_BYTES = 512;

    private DB db;
    private BTreeMap<byte[], byte[]> map;
    private boolean syncPerWrite;
    private final LongAdder commits = new LongAdder();

    @Override
    public String name() {
        return Stores.MAPDB;
    }

    @Override
    public void open(Path dir, StoreSettings settings) {
        syncPerWrite = settings.syncPerWrite();
        DBMaker.Maker maker = DBMaker.fileDB(dir.resolve(FILE).toFile())
                .fileMmapEnableIfSupported()
                .fileMmapPreclearDisable()
                .cleanerHackEnable();
        if (syncPerWrite) {
            maker = maker.transactionEnable();
        }
        db = maker.make();
        DB.TreeMapMaker<byte[], byte[]> treeMaker = db.treeMap(MAP, Serializer.BYTE_ARRAY, Serializer.BYTE_ARRAY);
        if (settings.valueBytes() > VALUES_OUTSIDE_NODES_BYTES) {
            treeMaker = treeMaker.valuesOutsideNodesEnable();
        }
        map = treeMaker.createOrOpen();
    }

    @Override
    public void put(String key, byte[] value) {
        map.put(KeyBytes.utf8(key), value);
        if (syncPerWrite) {
            db.commit();
            commits.increment();
        }
    }

    @Override
    public void load(LoadSource source) {
        for (int i = 0; i < source.count(); i++) {
            map.put(KeyBytes.utf8(source.key(i)), source.value(i));
        }
        sync();
    }

    @Override
    public int readInto(ByteBuffer key, ByteBuffer dst) {
        return KeyBytes.copyInto(map.get(KeyBytes.copyOf(key)), dst);
    }

    @Override
    public byte[] getBytes(String key) {
        return map.get(KeyBytes.utf8(key));
    }

    @Override
    public boolean ordered() {
        return true;
    }

    @Override
    public List<String> listPage(String prefix, int limit) {
        List<String> page = new ArrayList<>(limit);
        for (byte[] key : map.prefixSubMap(KeyBytes.utf8(prefix)).keySet()) {
            if (page.size() == limit) {
                break;
            }
            page.add(KeyBytes.string(key));
        }
        return page;
    }

    @Override
    public void sync() {
        db.commit();
    }

    @Override
    public long syncCount() {
        return syncPerWrite ? commits.sum() : SYNCS_UNKNOWN;
    }

    @Override
    public void close() {
        if (db != null) {
            db.close();
            db = null;
            map = null;
        }
    }
}
