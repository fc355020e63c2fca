package dev.basalt;

import dev.basalt.internal.env.Limits;
import dev.basalt.internal.store.BatchEntry;
import dev.basalt.internal.store.Keys;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;
import org.agrona.ExpandableDirectByteBuffer;
import tools.jackson.databind.ObjectMapper;

/**
 * Every argument check of a namespace's writes, made before anything is written: the key, the
 * expiration against the store's clock, the metadata's size, the value's size, and a write
 * batch's entries. Package-private: the rules users see are in {@link KvNamespace}'s Javadoc.
 */
final class PutArguments {
    private static final int CHUNK_BYTES = 64 * 1024;

    private final BasaltOptions options;
    private final ObjectMapper mapper;
    private final LongSupplier nowEpochSeconds;
    /** What {@link #warmKeys} read, kept so that its reads are not dropped; never read. */
    private long keysWarmed;

    PutArguments(BasaltOptions options, ObjectMapper mapper, LongSupplier nowEpochSeconds) {
        this.options = options;
        this.mapper = mapper;
        this.nowEpochSeconds = nowEpochSeconds;
    }

    /** A put's key, metadata and expiration, checked. */
    record Checked(byte[] key, byte[] metadata, long expiration) {
    }

    /** A stream's bytes gathered off-heap, within the value limit. */
    record Spooled(ExpandableDirectByteBuffer buffer, int length) {
    }

    Checked check(String key, PutOptions putOptions) {
        Objects.requireNonNull(putOptions, "options");
        return check(Keys.encode(key), putOptions);
    }

    /** A put's options checked, for a key already encoded. */
    private Checked check(byte[] key, PutOptions putOptions) {
        long expiration = expiration(putOptions);
        return new Checked(key, metadata(putOptions), expiration);
    }

    /** The options' expiration in epoch seconds (or none), checked against the clock now. */
    long expiration(PutOptions putOptions) {
        return putOptions.resolveExpirationEpochSeconds(nowEpochSeconds.getAsLong(), options.minExpirationTtlSeconds());
    }

    /** The options' metadata as compact JSON within its limit, or null for none. */
    byte[] metadata(PutOptions putOptions) {
        return putOptions.metadataJson(mapper);
    }

    /**
     * Reads {@code value} to its end into direct memory, at most maxValueSize + 1 bytes: a longer
     * stream is refused without reading the rest, and nothing is stored.
     */
    Spooled spool(String key, InputStream value) {
        long limit = options.maxValueSizeBytes();
        ExpandableDirectByteBuffer spool = new ExpandableDirectByteBuffer(CHUNK_BYTES);
        int length = 0;
        byte[] chunk = new byte[CHUNK_BYTES];
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
        return new Spooled(spool, length);
    }

    /**
     * A batch's entries, each checked as its put or delete would be; errors name the entry. A
     * repeated key is found by its encoded bytes, which the check has just read: a map of the
     * caller's strings hashed each one first, a cache miss per key in a large batch, and was
     * more of a batched load's time than the append (issue 14, {@code docs/benchmarks.md}).
     */
    List<BatchEntry> check(WriteBatch batch) {
        List<WriteBatch.Entry> entries = batch.entries();
        if (entries.isEmpty() || entries.size() > Limits.MAX_BATCH_ENTRIES) {
            throw new IllegalArgumentException("batch has " + entries.size() + " entries; it must be 1.."
                    + Limits.MAX_BATCH_ENTRIES);
        }
        keysWarmed += warmKeys(entries);
        DistinctKeys seen = new DistinctKeys(entries.size());
        List<BatchEntry> checked = new ArrayList<>(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            WriteBatch.Entry entry = entries.get(i);
            byte[] key = encodedKey(entry, i);
            int earlier = seen.indexOf(key, i);
            if (earlier != i) {
                throw new IllegalArgumentException("batch entry [" + i + "] (key \"" + entry.key()
                        + "\") repeats the key of entry [" + earlier + "]; a batch takes each key at most once");
            }
            try {
                checked.add(check(entry, key));
            } catch (IllegalArgumentException bad) {
                throw named(entry, i, bad);
            }
        }
        return checked;
    }

    /**
     * Reads every entry's key length, nothing depending on one read but the sum: a batch's
     * strings made long before and scattered in the heap cost a cache miss each at their first
     * read, and in a loop that does only this the misses overlap, where the check's loop, with
     * an encoding and a lookup between two keys, waits for each in turn.
     */
    private static long warmKeys(List<WriteBatch.Entry> entries) {
        long chars = 0;
        for (int i = 0; i < entries.size(); i++) {
            String key = entries.get(i).key();
            chars += key == null ? 0 : key.length();
        }
        return chars;
    }

    private static byte[] encodedKey(WriteBatch.Entry entry, int i) {
        try {
            return Keys.encode(entry.key());
        } catch (IllegalArgumentException bad) {
            throw named(entry, i, bad);
        }
    }

    private static IllegalArgumentException named(WriteBatch.Entry entry, int i, IllegalArgumentException bad) {
        return new IllegalArgumentException("batch entry [" + i + "] (key \"" + entry.key() + "\"): "
                + bad.getMessage(), bad);
    }

    private BatchEntry check(WriteBatch.Entry entry, byte[] key) {
        if (entry.isDelete()) {
            return BatchEntry.delete(key);
        }
        Checked checked = check(key, entry.options());
        options.checkValueSize(entry.value().length);
        return BatchEntry.put(key, checked.metadata(), checked.expiration(), entry.value());
    }

    /**
     * The encoded keys of one batch, by their first entry: an open-addressing table of entry
     * numbers, two to four times the batch's size (at most 10,000 entries: 32,768 slots, 128 KB),
     * probed linearly.
     */
    private static final class DistinctKeys {
        private final byte[][] keys;
        private final int[] entryPlusOne;
        private final int mask;
        private final int shift;

        DistinctKeys(int entries) {
            int slots = Integer.highestOneBit(Math.max(2, entries) * 2 - 1) << 1;
            keys = new byte[entries][];
            entryPlusOne = new int[slots];
            mask = slots - 1;
            shift = Integer.SIZE - Integer.numberOfTrailingZeros(slots);
        }

        /**
         * The first entry with {@code key}: {@code entry} itself when no entry before it had the
         * key, which is then noted.
         */
        int indexOf(byte[] key, int entry) {
            for (int slot = Arrays.hashCode(key) * 0x9E3779B9 >>> shift; ; slot = slot + 1 & mask) {
                int found = entryPlusOne[slot] - 1;
                if (found < 0) {
                    entryPlusOne[slot] = entry + 1;
                    keys[entry] = key;
                    return entry;
                }
                if (Arrays.equals(keys[found], key)) {
                    return found;
                }
            }
        }
    }
}
