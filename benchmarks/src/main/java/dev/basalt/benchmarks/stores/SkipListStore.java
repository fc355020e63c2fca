package dev.basalt.benchmarks.stores;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The ordered on-heap ceiling: a {@link ConcurrentSkipListMap} in unsigned byte order of the
 * keys, with no persistence. A prefix page is a {@code tailMap} walk that stops at the first
 * key outside the prefix. {@link #getBytes} returns a copy, as Basalt does; sync is a no-op.
 *
 * <p>Threads: the map is concurrent; open and close run on one thread before and after every other call.
 */
final class SkipListStore implements KvStore {
    private ConcurrentSkipListMap<ByteBuffer, byte[]> map;

    @Override
    public String name() {
        return Stores.SKIPLIST;
    }

    @Override
    public void open(Path dir, StoreSettings settings) {
        map = new ConcurrentSkipListMap<>(KeyBytes.UNSIGNED_ORDER);
    }

    @Override
    public void put(String key, byte[] value) {
        map.put(ByteBuffer.wrap(KeyBytes.utf8(key)), value);
    }

    @Override
    public int readInto(ByteBuffer key, ByteBuffer dst) {
        return KeyBytes.copyInto(map.get(key), dst);
    }

    @Override
    public byte[] getBytes(String key) {
        byte[] value = map.get(ByteBuffer.wrap(KeyBytes.utf8(key)));
        return value == null ? null : value.clone();
    }

    @Override
    public boolean ordered() {
        return true;
    }

    @Override
    public List<String> listPage(String prefix, int limit) {
        byte[] prefixBytes = KeyBytes.utf8(prefix);
        List<String> page = new ArrayList<>(limit);
        for (Map.Entry<ByteBuffer, byte[]> entry : map.tailMap(ByteBuffer.wrap(prefixBytes), true).entrySet()) {
            byte[] key = entry.getKey().array();
            if (page.size() == limit || !KeyBytes.startsWith(key, prefixBytes)) {
                break;
            }
            page.add(KeyBytes.string(key));
        }
        return page;
    }

    @Override
    public void sync() {
        // Nothing to make durable: the map lives on the heap only.
    }

    @Override
    public boolean persistent() {
        return false;
    }

    @Override
    public void close() {
        map = null;
    }
}
