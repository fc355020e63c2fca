package dev.basalt;

import dev.basalt.internal.env.Limits;
import dev.basalt.internal.store.Keys;
import dev.basalt.internal.store.NamespaceState;
import dev.basalt.internal.store.RecordView;
import dev.basalt.internal.store.RetainedValue;
import dev.basalt.internal.store.Store;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.agrona.concurrent.UnsafeBuffer;
import tools.jackson.databind.JsonNode;

/**
 * How a namespace's reads turn the engine's record views into what the API returns: a decoded
 * value, a value with its metadata, a value stream that holds its segment, a page of keys with its
 * cursor. Package-private: the contract is in {@link KvNamespace}'s Javadoc.
 */
final class NamespaceReads {
    private final Store store;
    private final NamespaceState state;
    private final ValueCodec codec;

    NamespaceReads(Store store, NamespaceState state, ValueCodec codec) {
        this.store = store;
        this.state = state;
        this.codec = codec;
    }

    /** The value decoded as {@code type} (a stream for STREAM), or null when not live. */
    <T> T get(String key, ValueType<T> type) {
        Objects.requireNonNull(type, "type");
        byte[] keyBytes = Keys.encode(key);
        if (type.kind() == ValueType.Kind.STREAM) {
            return type.javaType().cast(stream(keyBytes, key));
        }
        return store.read(state, new UnsafeBuffer(keyBytes), 0, keyBytes.length,
                record -> codec.decode(type, record.buffer(), record.valueOffset(), record.valueLength(), key));
    }

    /** The value and its metadata, or null when the key is absent or expired. */
    <T> ValueWithMetadata<T> find(String key, ValueType<T> type) {
        Objects.requireNonNull(type, "type");
        byte[] keyBytes = Keys.encode(key);
        if (type.kind() == ValueType.Kind.STREAM) {
            RetainedValue retained = store.retain(state, new UnsafeBuffer(keyBytes), 0, keyBytes.length);
            if (retained == null) {
                return null;
            }
            JsonNode metadata;
            try {
                RecordView record = retained.record();
                metadata = codec.metadata(record.buffer(), record.metadataOffset(), record.metadataLength());
            } catch (RuntimeException e) {
                retained.release(); // no stream will ever release it
                throw e;
            }
            return new ValueWithMetadata<>(type.javaType().cast(new ValueStream(retained, state.name(), key)),
                    metadata);
        }
        return store.read(state, new UnsafeBuffer(keyBytes), 0, keyBytes.length,
                record -> new ValueWithMetadata<>(
                        codec.decode(type, record.buffer(), record.valueOffset(), record.valueLength(), key),
                        codec.metadata(record.buffer(), record.metadataOffset(), record.metadataLength())));
    }

    /** The value as a stream over its segment's map (the stream releases it); null when not live. */
    private InputStream stream(byte[] keyBytes, String key) {
        RetainedValue retained = store.retain(state, new UnsafeBuffer(keyBytes), 0, keyBytes.length);
        return retained == null ? null : new ValueStream(retained, state.name(), key);
    }

    /** Bulk {@link #get}: 1..100 distinct keys in request order, absent ones mapped to null. */
    <T> Map<String, T> getAll(Collection<String> keys, ValueType<T> type) {
        Map<String, T> values = new LinkedHashMap<>();
        for (String key : bulkKeys(keys, type)) {
            values.put(key, get(key, type));
        }
        return Collections.unmodifiableMap(values);
    }

    /** Bulk {@link #find}: 1..100 distinct keys in request order, absent ones mapped to null. */
    <T> Map<String, ValueWithMetadata<T>> findAll(Collection<String> keys, ValueType<T> type) {
        Map<String, ValueWithMetadata<T>> values = new LinkedHashMap<>();
        for (String key : bulkKeys(keys, type)) {
            values.put(key, find(key, type));
        }
        return Collections.unmodifiableMap(values);
    }

    /** A bulk read's keys, checked: 1..100 distinct, each a legal key, and not STREAM. */
    static Set<String> bulkKeys(Collection<String> keys, ValueType<?> type) {
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

    /**
     * One page of keys: asks the engine for one key more than the limit, so that a full page
     * knows whether another follows without a cursor that leads nowhere. The extra key is
     * counted and dropped; a page that found it needs no second look.
     */
    ListResult list(ListOptions options) {
        Objects.requireNonNull(options, "options");
        byte[] prefix = ValueCodec.utf8(options.prefix());
        String cursor = options.cursor();
        byte[] after = cursor == null || cursor.isEmpty() ? null
                : store.cursors().decode(cursor, state.name(), prefix);
        int limit = options.limit();
        List<KeyInfo> keys = new ArrayList<>(Math.min(limit + 1, 64));
        byte[][] lastKey = new byte[1][];
        int listed = store.list(state, prefix, after, limit + 1, record -> {
            if (keys.size() == limit) {
                return; // the extra key only says there is another page
            }
            lastKey[0] = ValueCodec.copy(record.buffer(), record.keyOffset(), record.keyLength());
            long expiration = record.expirationEpochSeconds();
            keys.add(new KeyInfo(new String(lastKey[0], StandardCharsets.UTF_8),
                    expiration == Limits.NO_EXPIRATION ? null : expiration,
                    codec.metadata(record.buffer(), record.metadataOffset(), record.metadataLength())));
        });
        boolean complete = listed <= limit;
        return new ListResult(keys, complete,
                complete ? null : store.cursors().encode(state.name(), prefix, lastKey[0]));
    }

    /** Checks the options' cursor now, so a bad one fails the call rather than a later page. */
    void checkCursor(ListOptions options) {
        Objects.requireNonNull(options, "options");
        if (options.cursor() != null && !options.cursor().isEmpty()) {
            store.cursors().decode(options.cursor(), state.name(), ValueCodec.utf8(options.prefix()));
        }
    }
}
