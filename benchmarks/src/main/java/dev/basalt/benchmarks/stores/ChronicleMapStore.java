package dev.basalt.benchmarks.stores;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import net.openhft.chronicle.hash.Data;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;
import net.openhft.chronicle.map.ExternalMapQueryContext;
import net.openhft.chronicle.map.MapEntry;
import org.agrona.BufferUtil;

/**
 * Chronicle Map, one map persisted to one memory-mapped file, keys as {@link ByteBuffer}s and
 * values as {@code byte[]}.
 *
 * <p>Settings, after Chronicle Map's tutorial: {@code entries} sized for the expected keys
 * with {@value #ENTRY_HEADROOM_PERCENT} % headroom (a Chronicle Map cannot grow far past its
 * configured size), {@code averageKeySize} and {@code averageValueSize} from the data set,
 * {@code createPersistedTo} for a clean open and {@code recoverPersistedTo} after a crash, as
 * its documentation requires when the previous process may have died while the map was open.
 *
 * <p>Durability: Chronicle Map writes into a shared memory mapping and leaves write-back to
 * the OS; it has no per-write fsync. It therefore only takes part at {@code PERIODIC}
 * (opening it with a synced mode throws), and it has no expiry and no key order.
 *
 * <p>Reads: {@link #readInto} uses a query context on the caller's key buffer (no key copy)
 * and copies the value's bytes straight from the mapping into the caller's buffer
 * ({@code RandomDataInput.nativeRead} to the buffer's address), Chronicle Map's zero-copy read path.
 *
 * <p>Threads: the map locks per segment; a query context belongs to the calling thread until closed. Open and close run on one thread before and after every other call.
 */
final class ChronicleMapStore implements KvStore {
    static final String FILE = "chronicle.map";
    static final int ENTRY_HEADROOM_PERCENT = 20;
    static final double AVERAGE_KEY_BYTES = 16;

    private ChronicleMap<ByteBuffer, byte[]> map;

    @Override
    public String name() {
        return Stores.CHRONICLE_MAP;
    }

    @Override
    public void open(Path dir, StoreSettings settings) {
        checkDurability(settings);
        try {
            map = builder(settings).createPersistedTo(file(dir));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a Chronicle Map in " + dir, e);
        }
    }

    @Override
    public void openAfterCrash(Path dir, StoreSettings settings) {
        checkDurability(settings);
        try {
            map = builder(settings).recoverPersistedTo(file(dir), true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot recover the Chronicle Map in " + dir, e);
        }
    }

    private static void checkDurability(StoreSettings settings) {
        if (settings.syncPerWrite()) {
            throw new UnsupportedOperationException(
                    "chronicle-map has no fsync per write; it runs only with durability PERIODIC");
        }
    }

    private static ChronicleMapBuilder<ByteBuffer, byte[]> builder(StoreSettings settings) {
        return ChronicleMapBuilder.of(ByteBuffer.class, byte[].class)
                .name("bench")
                .entries(settings.expectedKeys() * (100 + ENTRY_HEADROOM_PERCENT) / 100 + 1_000)
                .averageKeySize(AVERAGE_KEY_BYTES)
                .averageValueSize(Math.max(1, settings.valueBytes()));
    }

    private static File file(Path dir) {
        return dir.resolve(FILE).toFile();
    }

    @Override
    public void put(String key, byte[] value) {
        map.put(ByteBuffer.wrap(KeyBytes.utf8(key)), value);
    }

    @Override
    public int readInto(ByteBuffer key, ByteBuffer dst) {
        try (ExternalMapQueryContext<ByteBuffer, byte[], ?> context = map.queryContext(key)) {
            MapEntry<ByteBuffer, byte[]> entry = context.entry();
            if (entry == null) {
                return ABSENT;
            }
            Data<byte[]> value = entry.value();
            int length = (int) value.size();
            if (length <= dst.remaining()) {
                copy(value, length, dst);
            }
            return length;
        }
    }

    /** Copies the value's bytes from the mapping to dst's position and advances it. */
    private static void copy(Data<byte[]> value, int length, ByteBuffer dst) {
        int position = dst.position();
        if (dst.isDirect()) {
            value.bytes().nativeRead(value.offset(), BufferUtil.address(dst) + position, length);
        } else {
            value.bytes().read(value.offset(), dst.array(), dst.arrayOffset() + position, length);
        }
        dst.position(position + length);
    }

    @Override
    public byte[] getBytes(String key) {
        return map.get(ByteBuffer.wrap(KeyBytes.utf8(key)));
    }

    @Override
    public boolean ordered() {
        return false;
    }

    @Override
    public List<String> listPage(String prefix, int limit) {
        throw new UnsupportedOperationException("chronicle-map keeps no key order; list needs an ordered store");
    }

    @Override
    public void sync() {
        // Chronicle Map offers no fsync; its writes are in the shared mapping, which the OS writes back.
    }

    @Override
    public void close() {
        if (map != null) {
            map.close();
            map = null;
        }
    }
}
