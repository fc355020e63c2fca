package dev.basalt;

import dev.basalt.internal.store.Keys;
import dev.basalt.internal.store.NamespaceState;
import dev.basalt.internal.store.Store;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;

/**
 * A namespace of keys and values with the Workers KV API, backed by the store's log.
 *
 * <p>Basics: {@code put} stores a value (text, bytes, a buffer or a stream) with optional
 * expiration and JSON metadata; {@code get} reads it back as text, JSON, a mapped type, bytes
 * or a stream; {@code delete} removes it. A completed write is seen by every read that starts
 * after it (a local store has no propagation delay); a read sees the whole old or the whole new
 * value, never a mix. Every method is thread-safe; reads never wait for writers. The pair
 * {@link #read(ByteBuffer, ByteBuffer)} and {@link #put(ByteBuffer, ByteBuffer)} allocates nothing.
 *
 * <p>Limits: keys are 1..512 bytes of UTF-8 (not "", "." or ".."); values 0..maxValueSize bytes
 * (default 25 MiB); metadata at most 1024 bytes of compact JSON; bulk reads 1..100 distinct keys.
 * Bad input is an {@link IllegalArgumentException} naming the limit and the figure, and nothing
 * is written. Expired keys are gone for every read from their expiration second on.
 *
 * <p>Caveats: a handle of a dropped namespace, or of a closed store, throws
 * {@link IllegalStateException}.
 */
public final class KvNamespace {
    private final Basalt owner;
    private final Store store;
    private final NamespaceState state;
    private final NamespaceReads reads;
    private final NamespaceWrites writes;

    KvNamespace(Basalt owner, Store store, NamespaceState state, ValueCodec codec, BasaltOptions options) {
        this.owner = owner;
        this.store = store;
        this.state = state;
        this.reads = new NamespaceReads(store, state, codec);
        this.writes = new NamespaceWrites(store, state, options,
                new PutArguments(options, codec.mapper(), store::nowEpochSeconds));
    }

    /**
     * Checks a key as every method of a namespace does, without touching a store: 1..512 bytes
     * of UTF-8, no unpaired surrogate, not "." or "..". For tools that validate a whole input
     * before they write its first entry.
     *
     * @param key the key to check
     * @return its length in UTF-8 bytes
     * @throws IllegalArgumentException naming the rule broken and the figure
     */
    public static int checkKey(String key) {
        return Keys.encode(key).length;
    }

    /**
     * The namespace's name.
     *
     * <p>Workers KV: the binding's namespace.
     *
     * @return the name this namespace was opened with
     */
    public String name() {
        return state.name();
    }

    // ------------------------------------------------------------------ reads

    /**
     * The value as UTF-8 text, or null when absent or expired.
     *
     * <p>Workers KV: {@code env.NS.get(key)} (type "text").
     *
     * @param key the key: 1..512 bytes of UTF-8, not "", "." or ".."
     * @return the value, or null when the key is absent or expired
     */
    public String get(String key) {
        return get(key, ValueType.TEXT);
    }

    /**
     * The value decoded as {@code type}, or null when absent or expired. A STREAM value must be
     * closed by the caller (or read to the end) to let the engine reclaim its segment.
     *
     * <p>Workers KV: {@code env.NS.get(key, type)}, type "text", "json", "arrayBuffer" or "stream".
     *
     * @param <T> the Java type of the value
     * @param key the key: 1..512 bytes of UTF-8, not "", "." or ".."
     * @param type how the value is decoded: {@link ValueType#TEXT}, {@link ValueType#JSON},
     *     {@link ValueType#BYTES}, {@link ValueType#STREAM} or {@link ValueType#json(Class)}
     * @return the value, or null when the key is absent or expired
     * @throws BasaltException when the stored value is not valid JSON for a JSON type
     */
    public <T> T get(String key, ValueType<T> type) {
        return reads.get(key, type);
    }

    /**
     * Bulk text read: 1..100 distinct keys; absent keys map to null; request order kept.
     *
     * <p>Workers KV: {@code env.NS.get([keys])}, at most 100 keys.
     *
     * @param keys 1..100 distinct keys, each 1..512 bytes of UTF-8 (Workers KV's bulk limit)
     * @return a map in request order, absent and expired keys mapped to null
     */
    public Map<String, String> get(Collection<String> keys) {
        return get(keys, ValueType.TEXT);
    }

    /**
     * Bulk read as {@code type} (not STREAM): 1..100 distinct keys, request order kept.
     *
     * <p>Workers KV: {@code env.NS.get([keys], type)}, at most 100 keys ("text" or "json" there).
     *
     * @param <T> the Java type of the value
     * @param keys 1..100 distinct keys, each 1..512 bytes of UTF-8 (Workers KV's bulk limit)
     * @param type how the value is decoded: {@link ValueType#TEXT}, {@link ValueType#JSON},
     *     {@link ValueType#BYTES}, {@link ValueType#STREAM} or {@link ValueType#json(Class)}
     * @return a map in request order, absent and expired keys mapped to null
     */
    public <T> Map<String, T> get(Collection<String> keys, ValueType<T> type) {
        return reads.getAll(keys, type);
    }

    /**
     * The value as text with its metadata; both null when absent or expired.
     *
     * <p>Workers KV: {@code env.NS.getWithMetadata(key, type)}.
     *
     * @param key the key: 1..512 bytes of UTF-8, not "", "." or ".."
     * @return the value and metadata; both null when the key is absent or expired
     */
    public ValueWithMetadata<String> getWithMetadata(String key) {
        return getWithMetadata(key, ValueType.TEXT);
    }

    /**
     * The value as {@code type} with its metadata (a fresh copy); both null when absent, as
     * Workers KV's {@code getWithMetadata(key)} returns {@code { value: null, metadata: null }}.
     *
     * <p>Workers KV: {@code env.NS.getWithMetadata(key, type)}.
     *
     * @param <T> the Java type of the value
     * @param key the key: 1..512 bytes of UTF-8, not "", "." or ".."
     * @param type how the value is decoded: {@link ValueType#TEXT}, {@link ValueType#JSON},
     *     {@link ValueType#BYTES}, {@link ValueType#STREAM} or {@link ValueType#json(Class)}
     * @return the value and metadata; both null when the key is absent or expired
     */
    public <T> ValueWithMetadata<T> getWithMetadata(String key, ValueType<T> type) {
        ValueWithMetadata<T> found = reads.find(key, type);
        return found != null ? found : ValueWithMetadata.absent();
    }

    /**
     * Bulk {@link #getWithMetadata(String, ValueType)}: 1..100 distinct keys, not STREAM, request
     * order kept. A key that is absent or expired maps to {@code null} itself (not to a pair of
     * nulls), as Workers KV's bulk {@code getWithMetadata(keys)} returns "keys not found having
     * null values": {@code containsKey(key)} is true and {@code get(key)} is null.
     *
     * <p>Workers KV: {@code env.NS.getWithMetadata([keys], type)}, at most 100 keys.
     *
     * @param <T> the Java type of the value
     * @param keys 1..100 distinct keys, each 1..512 bytes of UTF-8 (Workers KV's bulk limit)
     * @param type how the value is decoded: {@link ValueType#TEXT}, {@link ValueType#JSON},
     *     {@link ValueType#BYTES} or {@link ValueType#json(Class)}
     * @return a map in request order; an absent or expired key maps to null
     */
    public <T> Map<String, ValueWithMetadata<T>> getWithMetadata(Collection<String> keys, ValueType<T> type) {
        return reads.findAll(keys, type);
    }

    /**
     * The allocation-free hot path. Key bytes are {@code key.position()..limit()} (UTF-8; the
     * buffer is not consumed). Returns -1 when the key is absent or expired, or when the bytes
     * cannot be a key (empty, over 512 bytes, malformed UTF-8). When the value is longer than
     * {@code dst.remaining()} nothing is copied and its length is returned, so the caller can
     * grow {@code dst} and retry; otherwise the value is copied at {@code dst.position()}, the
     * position advances past it, and its length is returned. No lock, no heap allocation.
     *
     * <p>Workers KV: none (a Basalt addition: {@code get} without allocation).
     *
     * @param key the key as UTF-8 bytes from position to limit (not consumed)
     * @param dst where the value is copied, at its position, when it fits
     * @return the value length in bytes (copied only if it fit), or -1 when the key is absent, expired or not a key
     */
    public int read(ByteBuffer key, ByteBuffer dst) {
        return store.read(state, key, dst);
    }

    /**
     * The allocation-free write, the twin of {@link #read(ByteBuffer, ByteBuffer)}:
     * {@link #put(ByteBuffer, ByteBuffer, PutOptions)} with no expiration or metadata.
     *
     * <p>Workers KV: none (a Basalt addition: {@code put} without allocation).
     *
     * @param key the key as UTF-8 bytes from position to limit (not consumed): 1..512 bytes, not "." or ".."
     * @param value the value from position to limit (not consumed), at most maxValueSize bytes
     */
    public void put(ByteBuffer key, ByteBuffer value) {
        put(key, value, PutOptions.none());
    }

    /**
     * Stores the value bytes {@code value.position()..limit()} under the key bytes
     * {@code key.position()..limit()}, with expiration and metadata; neither buffer's position
     * moves, and heap, direct and read-only buffers all work. The key bytes follow the rules of
     * a {@code String} key (1..512 bytes of well-formed UTF-8, not "." or ".."), so the stored
     * key is the {@code String} they decode to: what {@code put(String, byte[], PutOptions)} of
     * the same key and bytes stores. Bad input is an {@link IllegalArgumentException} naming the
     * limit and the figure, as for the other puts, and nothing is written.
     *
     * <p>Allocation: none on the Java heap with {@link Durability#PERIODIC} or
     * {@link Durability#SYNC_EACH_WRITE} and no metadata (JMH {@code -prof gc}: 0 B/op). With
     * {@link Durability#GROUP_COMMIT} (the default) a put waiting for its fsync is held as a
     * small object with a copy of the key, and its wait may allocate; metadata is serialized to
     * JSON on every call. The caller may reuse both buffers as soon as this returns.
     *
     * <p>Workers KV: none (a Basalt addition: {@code put} without allocation).
     *
     * @param key the key as UTF-8 bytes from position to limit (not consumed): 1..512 bytes, not "." or ".."
     * @param value the value from position to limit (not consumed), at most maxValueSize bytes
     *     (default 25 MiB, 26,214,400)
     * @param options expiration, expirationTtl and metadata ({@link PutOptions#none()} for none)
     */
    public void put(ByteBuffer key, ByteBuffer value, PutOptions options) {
        writes.put(key, value, options);
    }

    // ------------------------------------------------------------------ writes

    /**
     * Stores {@code value} as UTF-8 text with no expiration or metadata.
     *
     * <p>Workers KV: {@code env.NS.put(key, value, {expiration, expirationTtl, metadata})}; limits: the
     * key 512 bytes, the value 25 MiB, metadata 1024 bytes, expirations at least 60 s ahead.
     *
     * @param key the key: 1..512 bytes of UTF-8, not "", "." or ".."
     * @param value the value, at most maxValueSize bytes (default 25 MiB, 26,214,400)
     */
    public void put(String key, String value) {
        put(key, value, PutOptions.none());
    }

    /**
     * Stores a copy of {@code value}.
     *
     * <p>Workers KV: {@code env.NS.put}; limits as {@link #put(String, String)}.
     *
     * @param key the key: 1..512 bytes of UTF-8, not "", "." or ".."
     * @param value the value, at most maxValueSize bytes (default 25 MiB, 26,214,400)
     */
    public void put(String key, byte[] value) {
        put(key, value, PutOptions.none());
    }

    /**
     * Stores the buffer's remaining bytes; its position is left alone.
     *
     * <p>Workers KV: {@code env.NS.put}; limits as {@link #put(String, String)}.
     *
     * @param key the key: 1..512 bytes of UTF-8, not "", "." or ".."
     * @param value the value, at most maxValueSize bytes (default 25 MiB, 26,214,400)
     */
    public void put(String key, ByteBuffer value) {
        put(key, value, PutOptions.none());
    }

    /**
     * Stores the stream's bytes up to its end; the stream is not closed.
     *
     * <p>Workers KV: {@code env.NS.put}; limits as {@link #put(String, String)}.
     *
     * @param key the key: 1..512 bytes of UTF-8, not "", "." or ".."
     * @param value the value, at most maxValueSize bytes (default 25 MiB, 26,214,400)
     */
    public void put(String key, InputStream value) {
        put(key, value, PutOptions.none());
    }

    /**
     * {@link #put(String, String)} with expiration and metadata.
     *
     * <p>Workers KV: {@code env.NS.put}; limits as {@link #put(String, String)}.
     *
     * @param key the key: 1..512 bytes of UTF-8, not "", "." or ".."
     * @param value the value, at most maxValueSize bytes (default 25 MiB, 26,214,400)
     * @param options expiration, expirationTtl and metadata ({@link PutOptions#none()} for none)
     */
    public void put(String key, String value, PutOptions options) {
        writes.put(key, ValueCodec.utf8(Objects.requireNonNull(value, "value")), options);
    }

    /**
     * {@link #put(String, byte[])} with expiration and metadata.
     *
     * <p>Workers KV: {@code env.NS.put}; limits as {@link #put(String, String)}.
     *
     * @param key the key: 1..512 bytes of UTF-8, not "", "." or ".."
     * @param value the value, at most maxValueSize bytes (default 25 MiB, 26,214,400)
     * @param options expiration, expirationTtl and metadata ({@link PutOptions#none()} for none)
     */
    public void put(String key, byte[] value, PutOptions options) {
        writes.put(key, value, options);
    }

    /**
     * {@link #put(String, ByteBuffer)} with expiration and metadata.
     *
     * <p>Workers KV: {@code env.NS.put}; limits as {@link #put(String, String)}.
     *
     * @param key the key: 1..512 bytes of UTF-8, not "", "." or ".."
     * @param value the value, at most maxValueSize bytes (default 25 MiB, 26,214,400)
     * @param options expiration, expirationTtl and metadata ({@link PutOptions#none()} for none)
     */
    public void put(String key, ByteBuffer value, PutOptions options) {
        writes.put(key, value, options);
    }

    /**
     * {@link #put(String, InputStream)} with expiration and metadata. Reads at most
     * maxValueSize + 1 bytes; a longer stream stores nothing. The value is gathered off-heap.
     *
     * <p>Workers KV: {@code env.NS.put}; limits as {@link #put(String, String)}.
     *
     * @param key the key: 1..512 bytes of UTF-8, not "", "." or ".."
     * @param value the value, at most maxValueSize bytes (default 25 MiB, 26,214,400)
     * @param options expiration, expirationTtl and metadata ({@link PutOptions#none()} for none)
     */
    public void put(String key, InputStream value, PutOptions options) {
        writes.put(key, value, options);
    }

    /**
     * Removes the key; an absent key is no error.
     *
     * <p>Workers KV: {@code env.NS.delete(key)}.
     *
     * @param key the key: 1..512 bytes of UTF-8, not "", "." or ".."
     */
    public void delete(String key) {
        store.delete(state, Keys.encode(key));
    }

    /**
     * Writes every entry of {@code batch} as one unit: after a crash, in any durability mode,
     * either all of them are there or none is; readers may see the entries appear one by one
     * while the call runs. Returns once the batch is durable per the mode (one fsync covers it).
     * The counterpart of Workers KV's bulk write, with atomicity added.
     *
     * @param batch the entries to write as one unit
     * @throws IllegalArgumentException before anything is written, naming the entry (index and
     *     key), the limit and the figure: an empty batch or more than 10,000 entries, a key given
     *     twice, any entry that {@code put} or {@code delete} would refuse, or records that do not
     *     fit together in one log segment
     */
    public void write(WriteBatch batch) {
        writes.write(batch);
    }

    // ------------------------------------------------------------------ listing

    /**
     * The first page (up to 1000 keys) of every key, in ascending unsigned UTF-8 byte order.
     *
     * <p>Workers KV: {@code env.NS.list({prefix, limit, cursor})}; limit 1..1000, prefix at most 512 bytes.
     *
     * @return the page: keys with expiration and metadata, listComplete and the cursor
     */
    public ListResult list() {
        return list(ListOptions.all());
    }

    /**
     * A page of keys in ascending unsigned UTF-8 byte order, filtered by prefix: exactly
     * {@code min(limit, remaining)} keys, each with its expiration and metadata (values are not
     * returned; a key with metadata costs one checksum of its record, and one whose record is
     * damaged is left out, as its {@code get} fails). {@code listComplete} is true on the last
     * page, and then the cursor is null;
     * otherwise the cursor continues strictly after the last key returned, also across a
     * restart of the same directory. Costs O(log n + page). Expired keys are omitted at their
     * second. Under concurrent writes keys stay strictly ascending across pages, a key present
     * and untouched for the whole listing appears exactly once, and a deleted key never
     * reappears.
     *
     * <p>Workers KV: {@code env.NS.list({prefix, limit, cursor})}; limit 1..1000, prefix at most 512 bytes.
     *
     * @param options prefix (at most 512 bytes), limit (1..1000, default 1000) and cursor
     * @return the page: keys with expiration and metadata, listComplete and the cursor
     * @throws IllegalArgumentException when the cursor is malformed, tampered with, or made for
     *     another namespace, prefix or directory
     */
    public ListResult list(ListOptions options) {
        return reads.list(options);
    }

    /**
     * Every key with the options' prefix, in ascending unsigned UTF-8 byte order, as a lazy
     * stream that reads one page of {@code options.limit()} keys (default 1000) at a time with
     * {@link #list(ListOptions)} and the previous page's cursor, starting at
     * {@code options.cursor()} if one is given. What a Worker writes as a
     * {@code do { list({prefix, cursor}) } while (!list_complete)} loop.
     *
     * <p>No page is read before the first element is asked for. Between pages the stream holds
     * only the current page and a cursor, so abandoning it midway (a {@code limit}, a
     * {@code findFirst}, an exception) is safe and closing it is an optional no-op. Under
     * concurrent writes it keeps {@code list}'s promises: strictly ascending, a key present and
     * untouched for the whole walk appears exactly once, a deleted key never reappears.
     *
     * @param options the prefix, the page size and the cursor to start after
     * @return a lazy stream of the keys, one page read at a time
     * @throws IllegalArgumentException at once, when the options' cursor is malformed or foreign
     *     (it is checked before the stream is returned)
     * @throws IllegalStateException from the stream, when a page is fetched after the namespace
     *     was dropped or the store closed
     */
    public java.util.stream.Stream<KeyInfo> listAll(ListOptions options) {
        reads.checkCursor(options);
        return KeyPages.stream(this::list, options);
    }

    /**
     * {@link #listAll(ListOptions)} of every key with {@code prefix} ({@code ""}: every key).
     *
     * @param prefix the key prefix
     * @return a lazy stream of the keys, one page read at a time
     */
    public java.util.stream.Stream<KeyInfo> listAll(String prefix) {
        return listAll(ListOptions.prefix(prefix));
    }

    /**
     * {@link #get(String, ValueType)} with Workers KV's read options ({@code get(key, { type,
     * cacheTtl })}). A local store has no edge cache, so {@code cacheTtl} is checked when the
     * {@link GetOptions} are made and has no other effect: the read sees every completed write.
     *
     * @param <T> the Java type of the value
     * @param key the key
     * @param type how the value is decoded
     * @param options the read options (cacheTtl)
     * @return the value, or null when the key is absent or expired
     */
    public <T> T get(String key, ValueType<T> type, GetOptions options) {
        Objects.requireNonNull(options, "options");
        return get(key, type);
    }

    /**
     * Bulk {@link #get(Collection, ValueType)} with read options; see {@link GetOptions}.
     *
     * @param <T> the Java type of the value
     * @param keys 1..100 distinct keys
     * @param type how the value is decoded
     * @param options the read options (cacheTtl)
     * @return a map in request order, absent and expired keys mapped to null
     */
    public <T> Map<String, T> get(Collection<String> keys, ValueType<T> type, GetOptions options) {
        Objects.requireNonNull(options, "options");
        return get(keys, type);
    }

    /**
     * {@link #getWithMetadata(String, ValueType)} with read options; see {@link GetOptions}.
     *
     * @param <T> the Java type of the value
     * @param key the key
     * @param type how the value is decoded
     * @param options the read options (cacheTtl)
     * @return the value and its metadata
     */
    public <T> ValueWithMetadata<T> getWithMetadata(String key, ValueType<T> type, GetOptions options) {
        Objects.requireNonNull(options, "options");
        return getWithMetadata(key, type);
    }

    /**
     * Bulk {@link #getWithMetadata(Collection, ValueType)} with read options (absent keys map to
     * null); see {@link GetOptions}.
     *
     * @param <T> the Java type of the value
     * @param keys 1..100 distinct keys
     * @param type how the value is decoded
     * @param options the read options (cacheTtl)
     * @return a map in request order, absent and expired keys mapped to null
     */
    public <T> Map<String, ValueWithMetadata<T>> getWithMetadata(Collection<String> keys, ValueType<T> type,
            GetOptions options) {
        Objects.requireNonNull(options, "options");
        return getWithMetadata(keys, type);
    }

    @Override
    public String toString() {
        return "KvNamespace[" + name() + " of " + owner + "]";
    }
}
