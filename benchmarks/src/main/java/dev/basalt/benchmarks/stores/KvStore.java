package dev.basalt.benchmarks.stores;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * The one small surface every store of the peer benchmarks sits behind, so that a JMH class
 * measures the same operation on Basalt and on each peer in one run. Keys are ASCII strings
 * such as {@code "user:00000001234"}; values are byte arrays.
 *
 * <p>Life cycle: {@link #open} once, then any mix of the data methods from any number of
 * threads (every implementation is thread-safe for that), then {@link #close} once from one
 * thread after every other thread stopped. An adapter instance is not reused after close.
 *
 * <p>Each implementation's Javadoc names the settings it opens its engine with and why: each
 * follows its engine's own documentation for a persistent key-value store, and maps
 * {@link StoreSettings#durability()} to the engine's matching sync setting.
 */
public interface KvStore extends AutoCloseable {
    /** Returned by {@link #readInto} for an absent key, as Basalt's {@code read} does. */
    int ABSENT = -1;

    /** The store's name, as in the JMH {@code store} parameter ({@link Stores#NAMES}). */
    String name();

    /** Opens (or creates) the store in {@code dir}, which belongs to this store alone. */
    void open(Path dir, StoreSettings settings);

    /**
     * Opens {@code dir} as left by a process that was killed while the store was open. The
     * default is {@link #open}: most engines recover on every open. Stores whose
     * documentation asks for an explicit recovery call after a crash override it.
     */
    default void openAfterCrash(Path dir, StoreSettings settings) {
        open(dir, settings);
    }

    /** Stores {@code value} under {@code key}, replacing any value, at the opened durability. */
    void put(String key, byte[] value);

    /**
     * Stores {@code value} under {@code key} with a time to live. Stores without expiry ignore
     * the TTL (their Javadoc says so): the mixed benchmark then measures their plain put.
     */
    default void putWithTtl(String key, byte[] value, long ttlSeconds) {
        put(key, value);
    }

    /**
     * A bulk load: every entry of {@code source}, then one sync. Stores with a cheaper bulk
     * path (one transaction per batch) override it; the result is the same as {@link #put}
     * in a loop followed by {@link #sync}.
     */
    default void load(LoadSource source) {
        for (int i = 0; i < source.count(); i++) {
            put(source.key(i), source.value(i));
        }
        sync();
    }

    /**
     * The store's best read into a caller's buffer: the key bytes are {@code key}'s
     * position..limit (not consumed); the value is copied at {@code dst}'s position, which
     * advances. Returns the value's length, or {@link #ABSENT}. When the value does not fit,
     * copies nothing and returns its length. This is the hot path each store is fastest at.
     */
    int readInto(ByteBuffer key, ByteBuffer dst);

    /** The value as a Workers KV user asks for it with {@code arrayBuffer}: a copy, or null. */
    byte[] getBytes(String key);

    /** The value as text (UTF-8), as Workers KV's {@code get(key)} returns it, or null. */
    default String getText(String key) {
        byte[] value = getBytes(key);
        return value == null ? null : new String(value, StandardCharsets.UTF_8);
    }

    /** Whether the store keeps keys in order, so that {@link #listPage} is a range scan. */
    boolean ordered();

    /**
     * Up to {@code limit} keys starting with {@code prefix}, in ascending unsigned byte order.
     * Unordered stores throw {@link UnsupportedOperationException}.
     */
    List<String> listPage(String prefix, int limit);

    /** Forces everything written so far to stable storage (a no-op for in-memory stores). */
    void sync();

    /**
     * Completed fsyncs of the store's log since open, or {@link #SYNCS_UNKNOWN} when the
     * engine does not count them. Used to report puts per fsync under group commit.
     */
    default long syncCount() {
        return SYNCS_UNKNOWN;
    }

    /** Returned by {@link #syncCount()} when the engine keeps no fsync count. */
    long SYNCS_UNKNOWN = -1;

    /** Whether the store keeps its data in files that survive the process. */
    default boolean persistent() {
        return true;
    }

    /** Closes the store cleanly: flushes, syncs and releases files. Idempotent. */
    @Override
    void close();

    /** The entries of a bulk load, by index; {@link KvStore#load} reads them in index order. */
    interface LoadSource {
        int count();

        String key(int index);

        byte[] value(int index);
    }
}
