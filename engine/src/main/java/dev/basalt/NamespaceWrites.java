package dev.basalt;

import dev.basalt.internal.store.Keys;
import dev.basalt.internal.store.NamespaceState;
import dev.basalt.internal.store.Store;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Objects;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A namespace's puts, from the API edge into the store: every argument is checked first, in
 * the same order for every form (value, options, key, expiration, metadata, value size), then
 * one call hands the store the key and the value as buffers. Package-private: the rules users
 * see are in {@link KvNamespace}'s Javadoc.
 *
 * <p>Allocation: callers' arrays and buffers are seen through {@link Views}, one pair of
 * reusable views per thread, so no put creates a wrapper. What a put still allocates is its
 * own: a {@code String} key's UTF-8 bytes, a text value's bytes, the metadata's JSON. The
 * {@code ByteBuffer}-keyed put without metadata allocates nothing (under PERIODIC and
 * SYNC_EACH_WRITE; group commit keeps a copy of the key until its fsync).
 *
 * <p>Threads: any; the views are per thread.
 */
final class NamespaceWrites {
    private final Store store;
    private final NamespaceState state;
    private final BasaltOptions options;
    private final PutArguments arguments;

    NamespaceWrites(Store store, NamespaceState state, BasaltOptions options, PutArguments arguments) {
        this.store = store;
        this.state = state;
        this.options = options;
        this.arguments = arguments;
    }

    /** {@code put(String, byte[], PutOptions)}; also the text put, with the text's UTF-8 bytes. */
    void put(String key, byte[] value, PutOptions putOptions) {
        Objects.requireNonNull(value, "value");
        Views views = Views.acquire();
        try {
            put(key, views.value(value), value.length, putOptions);
        } finally {
            views.release();
        }
    }

    /** {@code put(String, ByteBuffer, PutOptions)}: the buffer's remaining bytes, its position untouched. */
    void put(String key, ByteBuffer value, PutOptions putOptions) {
        Objects.requireNonNull(value, "value");
        Views views = Views.acquire();
        try {
            put(key, views.value(value), value.remaining(), putOptions);
        } finally {
            views.release();
        }
    }

    /** {@code put(String, InputStream, PutOptions)}: the stream gathered off-heap first, within the limit. */
    void put(String key, InputStream value, PutOptions putOptions) {
        Objects.requireNonNull(value, "value");
        PutArguments.Checked checked = arguments.check(key, putOptions);
        PutArguments.Spooled spooled = arguments.spool(key, value);
        store.put(state, checked.key(), checked.metadata(), checked.expiration(), spooled.buffer(), 0,
                spooled.length());
    }

    private void put(String key, DirectBuffer value, int valueLength, PutOptions putOptions) {
        Objects.requireNonNull(putOptions, "options");
        byte[] keyBytes = Keys.encode(key);
        long expiration = arguments.expiration(putOptions);
        byte[] metadata = arguments.metadata(putOptions);
        options.checkValueSize(valueLength);
        store.put(state, keyBytes, metadata, expiration, value, 0, valueLength);
    }

    /** {@code write(WriteBatch)}: every entry checked as its put or delete would be, then one append. */
    void write(WriteBatch batch) {
        Objects.requireNonNull(batch, "batch");
        store.writeBatch(state, arguments.check(batch));
    }

    /**
     * {@code put(ByteBuffer, ByteBuffer, PutOptions)}: both buffers' remaining bytes, neither
     * position moved. The key bytes are checked as a {@code String} key is, with the same
     * messages; without metadata nothing is allocated.
     */
    void put(ByteBuffer key, ByteBuffer value, PutOptions putOptions) {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(putOptions, "options");
        if (key == null) {
            throw new IllegalArgumentException("key is null"); // as for a null String key
        }
        Views views = Views.acquire();
        try {
            int keyLength = key.remaining();
            DirectBuffer keyView = views.key(key);
            Keys.check(keyView, 0, keyLength);
            long expiration = arguments.expiration(putOptions);
            byte[] metadata = arguments.metadata(putOptions);
            int valueLength = value.remaining();
            options.checkValueSize(valueLength);
            store.put(state, keyView, 0, keyLength, metadata, expiration, views.value(value), 0,
                    valueLength);
        } finally {
            views.release();
        }
    }

    /**
     * One thread's views of a caller's key and value: wrapping a buffer or an array in one of
     * them costs no object, where a {@code new UnsafeBuffer} per put cost about 40 bytes each.
     * Released after every put, so a view never keeps a caller's buffer reachable. Plain
     * {@link UnsafeBuffer}s, not a subclass: the hash and the copies that read them are shared
     * with the read path, whose call sites should keep seeing one buffer class.
     */
    private static final class Views {
        private static final ThreadLocal<Views> OF_THREAD = ThreadLocal.withInitial(Views::new);
        private static final byte[] NOTHING = new byte[0];

        private final UnsafeBuffer key = new UnsafeBuffer(NOTHING);
        private final UnsafeBuffer value = new UnsafeBuffer(NOTHING);
        /** Set while a put of this thread uses them. */
        private boolean inUse;

        /**
         * This thread's views, or fresh ones when they are in use: a put made from inside a put
         * on the same thread (by a metadata object's getter, which Jackson calls) must not
         * rewrap the outer put's key.
         */
        static Views acquire() {
            Views views = OF_THREAD.get();
            if (views.inUse) {
                views = new Views();
            }
            views.inUse = true;
            return views;
        }

        DirectBuffer value(byte[] array) {
            value.wrap(array);
            return value;
        }

        /** The bytes from position to limit, heap or direct, read-only or not; the position is not moved. */
        DirectBuffer value(ByteBuffer buffer) {
            value.wrap(buffer, buffer.position(), buffer.remaining());
            return value;
        }

        DirectBuffer key(ByteBuffer buffer) {
            key.wrap(buffer, buffer.position(), buffer.remaining());
            return key;
        }

        void release() {
            key.wrap(NOTHING);
            value.wrap(NOTHING);
            inUse = false;
        }
    }
}
