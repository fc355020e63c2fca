package dev.basalt;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Puts and deletes of one namespace written as one unit by {@link KvNamespace#write}: after a
 * crash either every entry is there or none is, in every durability mode, and one fsync covers
 * the whole batch in {@code SYNC_EACH_WRITE} and {@code GROUP_COMMIT}. The counterpart of a
 * Workers KV bulk write (REST "write multiple key-value pairs"), with atomicity added.
 *
 * <p>Limits: 1..10,000 entries, each key at most once; every entry follows the rules of
 * {@code put} and {@code delete} (key 1..512 bytes of UTF-8, value up to maxValueSize, metadata up
 * to 1024 bytes of JSON, expiration at least minExpirationTtl ahead); and the batch's records
 * together must fit in one log segment. {@code write} checks all of it before anything is
 * written, and an error names the entry by index and key, the limit and the figure.
 *
 * <p>A batch is a plain builder: not thread-safe, reusable after a write (it is not cleared), and
 * it keeps its own copies of the values given to it.
 */
public final class WriteBatch {
    /** One entry as given; checked only when the batch is written. */
    record Entry(String key, byte[] value, PutOptions options) {
        boolean isDelete() {
            return value == null;
        }
    }

    private final List<Entry> entries = new ArrayList<>();

    private WriteBatch() {
    }

    /**
     * An empty batch.
     *
     * @return an empty batch
     */
    public static WriteBatch create() {
        return new WriteBatch();
    }

    /**
     * Adds a put of {@code value} as UTF-8 text, with no expiration or metadata.
     *
     * @param key the key
     * @param value the value
     * @return this batch
     */
    public WriteBatch put(String key, String value) {
        return put(key, value, PutOptions.none());
    }

    /**
     * Adds a put of a copy of {@code value}.
     *
     * @param key the key
     * @param value the value
     * @return this batch
     */
    public WriteBatch put(String key, byte[] value) {
        return put(key, value, PutOptions.none());
    }

    /**
     * Adds a put of text with expiration and metadata.
     *
     * @param key the key
     * @param value the value
     * @param options the read or put options
     * @return this batch
     */
    public WriteBatch put(String key, String value, PutOptions options) {
        Objects.requireNonNull(value, "value");
        return add(key, ValueCodec.utf8(value), options);
    }

    /**
     * Adds a put of a copy of {@code value} with expiration and metadata.
     *
     * @param key the key
     * @param value the value
     * @param options the read or put options
     * @return this batch
     */
    public WriteBatch put(String key, byte[] value, PutOptions options) {
        Objects.requireNonNull(value, "value");
        return add(key, value.clone(), options);
    }

    /**
     * Adds a delete of {@code key} (an absent key is no error).
     *
     * @param key the key
     * @return this batch
     */
    public WriteBatch delete(String key) {
        return add(key, null, PutOptions.none());
    }

    /**
     * Entries added so far.
     *
     * @return the number of entries added
     */
    public int size() {
        return entries.size();
    }

    List<Entry> entries() {
        return Collections.unmodifiableList(entries);
    }

    private WriteBatch add(String key, byte[] value, PutOptions options) {
        Objects.requireNonNull(options, "options");
        entries.add(new Entry(key, value, options));
        return this;
    }

    @Override
    public String toString() {
        return "WriteBatch[" + entries.size() + " entries]";
    }
}
