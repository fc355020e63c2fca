package dev.basalt.benchmarks.stores;

import dev.basalt.Durability;

/**
 * What a benchmark asks of a store when it opens it. Immutable.
 *
 * <p>Durability is given in Basalt's terms; each peer maps it to its nearest setting:
 * {@link Durability#PERIODIC} means "no sync per write" (the OS page cache holds the write,
 * as RocksDB with {@code sync=false}, LMDB with {@code MDB_NOSYNC}, Xodus with durable writes
 * off, MapDB without a commit per write); {@link Durability#SYNC_EACH_WRITE} and
 * {@link Durability#GROUP_COMMIT} mean "a put returns after its data was fsynced" (RocksDB
 * {@code sync=true}, which groups concurrent writers itself; LMDB and Xodus with a synced
 * commit per put; MapDB with a write-ahead log and {@code commit()} per put).
 *
 * @param durability when a put may return, in Basalt's terms
 * @param expectedKeys how many keys the benchmark loads, for stores that size themselves up
 *     front (Chronicle Map's entry count, LMDB's map size)
 * @param valueBytes the usual value size, for the same reason
 * @param backgroundWork whether the store should run its background work at the pace it would
 *     in production during the run: for Basalt, small segments so compaction really runs while
 *     measured, and TTLs as low as one second so expiry runs too (mixed benchmark)
 */
public record StoreSettings(Durability durability, long expectedKeys, int valueBytes, boolean backgroundWork) {
    /** Largest value any benchmark writes (the 4 KiB variant), for stores that need a bound. */
    public static final int MAX_VALUE_BYTES = 4096;

    public StoreSettings {
        if (durability == null) {
            throw new IllegalArgumentException("durability is null");
        }
        if (expectedKeys < 1) {
            throw new IllegalArgumentException("expectedKeys is " + expectedKeys + "; it must be at least 1");
        }
        if (valueBytes < 0 || valueBytes > MAX_VALUE_BYTES) {
            throw new IllegalArgumentException(
                    "valueBytes is " + valueBytes + "; the range is 0.." + MAX_VALUE_BYTES);
        }
    }

    /** Whether a put must be on stable storage when it returns. */
    public boolean syncPerWrite() {
        return durability != Durability.PERIODIC;
    }
}
