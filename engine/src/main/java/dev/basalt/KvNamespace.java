package dev.basalt;

import dev.basalt.internal.log.Locations;
import dev.basalt.internal.log.Records;
import dev.basalt.internal.log.Segment;
import dev.basalt.internal.store.Keys;
import dev.basalt.internal.store.NamespaceState;
import dev.basalt.internal.store.Store;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A namespace of keys and values with the Workers KV API, backed by the store's log.
 *
 * <p>Basics: {@code put} stores a value (text, bytes, a buffer or a stream) with optional
 * expiration and JSON metadata; {@code get} reads it back as text, JSON, a mapped type, bytes
 * or a stream; {@code delete} removes it. A completed write is seen by every read that starts
 * after it (a local store has no propagation delay); a read sees the whole old or the whole new
 * value, never a mix. Every method is thread-safe; reads never wait for writers.
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
    private final ValueCodec codec;
    private final BasaltOptions options;

    KvNamespace(Basalt owner, Store store, NamespaceState state, ValueCodec codec, BasaltOptions options) {
        this.owner = owner;
        this.store = store;
        this.state = state;
        this.codec = codec;
        this.options = options;
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
        Objects.requireNonNull(type, "type");
        byte[] keyBytes = Keys.encode(key);
        if (type.kind() == ValueType.Kind.STREAM) {
            return type.javaType().cast(stream(keyBytes));
        }
        return store.readRecord(state, new UnsafeBuffer(keyBytes), 0, keyBytes.length,
                (segment, offset) -> codec.decode(type, segment, Records.valueOffset(segment, offset),
                        Records.valueLength(segment, offset), key));
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
        Set<String> distinct = bulkKeys(keys, type);
        Map<String, T> values = new LinkedHashMap<>();
        for (String key : distinct) {
            values.put(key, get(key, type));
        }
        return Collections.unmodifiableMap(values);
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
     * The value as {@code type} with its metadata (a fresh copy); both null when absent.
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
        Objects.requireNonNull(type, "type");
        byte[] keyBytes = Keys.encode(key);
        if (type.kind() == ValueType.Kind.STREAM) {
            ValueWithMetadata<T> found = withRetainedRecord(keyBytes, (segment, offset) -> new ValueWithMetadata<>(
                    type.javaType().cast(valueStream(segment, offset)),
                    codec.metadata(segment.buffer(), Records.metadataOffset(segment.buffer(), offset),
                            Records.metadataLength(segment.buffer(), offset))));
            return found != null ? found : new ValueWithMetadata<>(null, null);
        }
        ValueWithMetadata<T> found = store.readRecord(state, new UnsafeBuffer(keyBytes), 0, keyBytes.length,
                (segment, offset) -> new ValueWithMetadata<>(
                        codec.decode(type, segment, Records.valueOffset(segment, offset),
                                Records.valueLength(segment, offset), key),
                        codec.metadata(segment, Records.metadataOffset(segment, offset),
                                Records.metadataLength(segment, offset))));
        return found != null ? found : new ValueWithMetadata<>(null, null);
    }

    /**
     * Bulk {@link #getWithMetadata(String, ValueType)}: 1..100 distinct keys, not STREAM.
     *
     * <p>Workers KV: {@code env.NS.getWithMetadata([keys], type)} at most 100 keys.
     *
     * @param <T> the Java type of the value
     * @param keys 1..100 distinct keys, each 1..512 bytes of UTF-8 (Workers KV's bulk limit)
     * @param type how the value is decoded: {@link ValueType#TEXT}, {@link ValueType#JSON},
     *     {@link ValueType#BYTES}, {@link ValueType#STREAM} or {@link ValueType#json(Class)}
     * @return a map in request order; an absent or expired key maps to a result whose value and metadata are null
     */
    public <T> Map<String, ValueWithMetadata<T>> getWithMetadata(Collection<String> keys, ValueType<T> type) {
        Set<String> distinct = bulkKeys(keys, type);
        Map<String, ValueWithMetadata<T>> values = new LinkedHashMap<>();
        for (String key : distinct) {
            values.put(key, getWithMetadata(key, type));
        }
        return Collections.unmodifiableMap(values);
    }

    private static Set<String> bulkKeys(Collection<String> keys, ValueType<?> type) {
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(type, "type");
        if (type.kind() == ValueType.Kind.STREAM) {
            throw new IllegalArgumentException("bulk get does not accept " + type
                    + "; use TEXT, JSON, json(Class) or BYTES");
        }
        Set<String> distinct = new LinkedHashSet<>(keys);
        if (distinct.isEmpty() || distinct.size() > Limits.MAX_BULK_KEYS) {
            throw new IllegalArgumentException("bulk get has " + distinct.size() + " distinct keys; it must be 1.."
                    + Limits.MAX_BULK_KEYS);
        }
        for (String key : distinct) {
            Keys.encode(key);
        }
        return distinct;
    }

    private InputStream stream(byte[] keyBytes) {
        return withRetainedRecord(keyBytes, KvNamespace::valueStream);
    }

    /**
     * Runs {@code reader} on the key's live record with its segment retained (the stream it
     * builds releases it); null, retaining nothing, when the key is not live.
     */
    private <R> R withRetainedRecord(byte[] keyBytes, java.util.function.BiFunction<Segment, Integer, R> reader) {
        long[] location = new long[1];
        Segment segment = store.retainSegmentOf(state, new UnsafeBuffer(keyBytes), 0, keyBytes.length, location);
        return segment == null ? null : reader.apply(segment, Locations.offset(location[0]));
    }

    private static ValueStream valueStream(Segment segment, int recordOffset) {
        UnsafeBuffer b = segment.buffer();
        return new ValueStream(segment, Records.valueOffset(b, recordOffset), Records.valueLength(b, recordOffset));
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
     * <p>Workers KV: {@code env.NS.put(key, value, {expiration, expirationTtl, metadata})}; limits: the
     * key 512 bytes, the value 25 MiB, metadata 1024 bytes, expirations at least 60 s ahead.
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
     * <p>Workers KV: {@code env.NS.put(key, value, {expiration, expirationTtl, metadata})}; limits: the
     * key 512 bytes, the value 25 MiB, metadata 1024 bytes, expirations at least 60 s ahead.
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
     * <p>Workers KV: {@code env.NS.put(key, value, {expiration, expirationTtl, metadata})}; limits: the
     * key 512 bytes, the value 25 MiB, metadata 1024 bytes, expirations at least 60 s ahead.
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
     * <p>Workers KV: {@code env.NS.put(key, value, {expiration, expirationTtl, metadata})}; limits: the
     * key 512 bytes, the value 25 MiB, metadata 1024 bytes, expirations at least 60 s ahead.
     *
     * @param key the key: 1..512 bytes of UTF-8, not "", "." or ".."
     * @param value the value, at most maxValueSize bytes (default 25 MiB, 26,214,400)
     * @param options expiration, expirationTtl and metadata ({@link PutOptions#none()} for none)
     */
    public void put(String key, String value, PutOptions options) {
        Objects.requireNonNull(value, "value");
        byte[] bytes = ValueCodec.utf8(value);
        write(key, new UnsafeBuffer(bytes), 0, bytes.length, options);
    }

    /**
     * {@link #put(String, byte[])} with expiration and metadata.
     *
     * <p>Workers KV: {@code env.NS.put(key, value, {expiration, expirationTtl, metadata})}; limits: the
     * key 512 bytes, the value 25 MiB, metadata 1024 bytes, expirations at least 60 s ahead.
     *
     * @param key the key: 1..512 bytes of UTF-8, not "", "." or ".."
     * @param value the value, at most maxValueSize bytes (default 25 MiB, 26,214,400)
     * @param options expiration, expirationTtl and metadata ({@link PutOptions#none()} for none)
     */
    public void put(String key, byte[] value, PutOptions options) {
        Objects.requireNonNull(value, "value");
        write(key, new UnsafeBuffer(value), 0, value.length, options);
    }

    /**
     * {@link #put(String, ByteBuffer)} with expiration and metadata.
     *
     * <p>Workers KV: {@code env.NS.put(key, value, {expiration, expirationTtl, metadata})}; limits: the
     * key 512 bytes, the value 25 MiB, metadata 1024 bytes, expirations at least 60 s ahead.
     *
     * @param key the key: 1..512 bytes of UTF-8, not "", "." or ".."
     * @param value the value, at most maxValueSize bytes (default 25 MiB, 26,214,400)
     * @param options expiration, expirationTtl and metadata ({@link PutOptions#none()} for none)
     */
    public void put(String key, ByteBuffer value, PutOptions options) {
        Objects.requireNonNull(value, "value");
        UnsafeBuffer view = new UnsafeBuffer(value, value.position(), value.remaining());
        write(key, view, 0, value.remaining(), options);
    }

    /**
     * {@link #put(String, InputStream)} with expiration and metadata. Reads at most
     * maxValueSize + 1 bytes; a longer stream stores nothing. The value is gathered off-heap.
     *
     * <p>Workers KV: {@code env.NS.put(key, value, {expiration, expirationTtl, metadata})}; limits: the
     * key 512 bytes, the value 25 MiB, metadata 1024 bytes, expirations at least 60 s ahead.
     *
     * @param key the key: 1..512 bytes of UTF-8, not "", "." or ".."
     * @param value the value, at most maxValueSize bytes (default 25 MiB, 26,214,400)
     * @param options expiration, expirationTtl and metadata ({@link PutOptions#none()} for none)
     */
    public void put(String key, InputStream value, PutOptions options) {
        Objects.requireNonNull(value, "value");
        Validated validated = validate(key, options);
        long limit = this.options.maxValueSizeBytes();
        ExpandableDirectByteBuffer spool = new ExpandableDirectByteBuffer(64 * 1024);
        int length = 0;
        byte[] chunk = new byte[64 * 1024];
        try {
            while (true) {
                int wanted = (int) Math.min(chunk.length, limit + 1 - length);
                if (wanted <= 0) {
                    break;
                }
                int n = value.read(chunk, 0, wanted);
                if (n < 0) {
                    break;
                }
                spool.putBytes(length, chunk, 0, n);
                length += n;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading the value stream of key \"" + key + "\" failed", e);
        }
        if (length > limit) {
            throw new IllegalArgumentException("value is more than " + limit + " bytes; the limit is " + limit);
        }
        store.put(state, validated.key, validated.metadata, validated.expiration, spool, 0, length);
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

    private void write(String key, DirectBuffer value, int offset, int length, PutOptions options) {
        Validated validated = validate(key, options);
        long limit = this.options.maxValueSizeBytes();
        if (length > limit) {
            throw new IllegalArgumentException("value is " + length + " bytes; the limit is " + limit);
        }
        store.put(state, validated.key, validated.metadata, validated.expiration, value, offset, length);
    }

    private record Validated(byte[] key, byte[] metadata, long expiration) {
    }

    /** Every argument check before anything is written. */
    private Validated validate(String key, PutOptions options) {
        Objects.requireNonNull(options, "options");
        byte[] keyBytes = Keys.encode(key);
        long expiration = options.resolveExpirationEpochSeconds(store.nowEpochSeconds(),
                this.options.minExpirationTtlSeconds());
        byte[] metadata = options.metadataJson(codec.mapper());
        return new Validated(keyBytes, metadata, expiration);
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
        Objects.requireNonNull(options, "options");
        byte[] prefix = ValueCodec.utf8(options.prefix());
        String cursor = options.cursor();
        byte[] after = cursor == null || cursor.isEmpty() ? null : store.cursors().decode(cursor, name(), prefix);
        int limit = options.limit();
        java.util.List<KeyInfo> keys = new java.util.ArrayList<>(Math.min(limit + 1, 64));
        byte[][] lastKey = new byte[1][];
        store.list(state, prefix, after, limit + 1, (segment, offset) -> {
            if (keys.size() == limit) {
                return; // the extra key only says there is another page
            }
            int keyOffset = Records.keyOffset(segment, offset);
            int keyLength = Records.keyLength(segment, offset);
            lastKey[0] = ValueCodec.copy(segment, keyOffset, keyLength);
            long expiration = Records.expirationEpochSeconds(segment, offset);
            keys.add(new KeyInfo(new String(lastKey[0], java.nio.charset.StandardCharsets.UTF_8),
                    expiration == PutOptions.NO_EXPIRATION ? null : expiration,
                    codec.metadata(segment, Records.metadataOffset(segment, offset),
                            Records.metadataLength(segment, offset))));
        });
        boolean complete = keys.size() < limit || !hasMore(prefix, lastKey[0]);
        return new ListResult(keys, complete, complete ? null : store.cursors().encode(name(), prefix, lastKey[0]));
    }

    private boolean hasMore(byte[] prefix, byte[] after) {
        return after != null && store.list(state, prefix, after, 1, (segment, offset) -> { }) > 0;
    }

    @Override
    public String toString() {
        return "KvNamespace[" + name() + " of " + owner + "]";
    }
}
