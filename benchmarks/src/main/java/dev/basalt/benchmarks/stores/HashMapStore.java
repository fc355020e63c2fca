package dev.basalt.benchmarks.stores;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The on-heap ceiling: a {@link ConcurrentHashMap} with no persistence, sized for the expected
 * keys up front. Keys are heap {@link ByteBuffer}s so that {@link #readInto} looks up the
 * caller's key buffer by content without allocating; values are the arrays given to
 * {@link #put}. {@link #getBytes} returns a copy, as Basalt does. Not ordered; sync is a no-op.
 *
 * <p>Threads: the map is concurrent; open and close run on one thread before and after every other call.
 */
final class HashMapStore implements KvStore {
    private ConcurrentHashMap<ByteBuffer, byte[]> map;

    @Override
    public String name() {
        return Stores.CHM;
    }

    @Override
    public void open(Path dir, StoreSettings settings) {
        map = new ConcurrentHashMap<>((int) Math.min(Integer.MAX_VALUE / 2, settings.expectedKeys() * 2));
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
        return false;
    }

    @Override
    public List<String> listPage(String prefix, int limit) {
        throw new UnsupportedOperationException("chm keeps no key order; list needs an ordered store");
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
