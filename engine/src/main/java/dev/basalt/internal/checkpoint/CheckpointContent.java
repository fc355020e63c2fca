package dev.basalt.internal.checkpoint;

import dev.basalt.internal.env.DirectMemory;
import dev.basalt.internal.index.HashIndex;
import dev.basalt.internal.listing.KeyListing;
import dev.basalt.internal.log.CoveredLog;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * What a checkpoint holds, as the engine hands it to {@link CheckpointFile#write} and gets it back
 * from {@link CheckpointFile#read}.
 *
 * @param storeId          the store the checkpoint belongs to (its {@code STORE} file)
 * @param hashSeed         the seed every index was built with; the loaded indexes need the same one
 * @param maxSequence      the highest sequence number in the log; the next write follows it
 * @param liveExpiringKeys live keys with an expiration, across namespaces (the expiry ledger's count)
 * @param damagedRanges    damaged ranges the log is known to hold (skipped by the replay that found them)
 * @param log              every segment and where its data ends, the active one last
 * @param liveBytes        per segment of {@code log}, in its order: bytes of records an index points at
 * @param minSequences     per segment of {@code log}: the lowest sequence it holds
 * @param namespaces       the live namespaces, in name order
 * @param expiry           every queued expiry entry, each naming its namespace by position in {@code namespaces}
 * @param mappings         on read: every part of the file the structures above keep mapped ({@link #unmap})
 */
public record CheckpointContent(long storeId, long hashSeed, long maxSequence, long liveExpiringKeys,
        long damagedRanges, CoveredLog log,
        long[] liveBytes, long[] minSequences, List<Namespace> namespaces, ExpiryEntries expiry,
        List<ByteBuffer> mappings) {

    /** What a checkpoint writer hands over: structures in memory, nothing mapped. */
    public CheckpointContent(long storeId, long hashSeed, long maxSequence, long liveExpiringKeys,
            long damagedRanges, CoveredLog log,
            long[] liveBytes, long[] minSequences, List<Namespace> namespaces, ExpiryEntries expiry) {
        this(storeId, hashSeed, maxSequence, liveExpiringKeys, damagedRanges, log, liveBytes, minSequences,
                namespaces, expiry, List.of());
    }

    /**
     * Closes every namespace's index and listing and unmaps what they kept mapped: for content
     * that nobody took over (a discarded or checked checkpoint, a written copy).
     */
    public void free() {
        for (Namespace ns : namespaces) {
            ns.index().close();
            ns.listing().close();
        }
        unmap();
    }

    /**
     * Unmaps every part of the file that a structure read from it may still hold: a slot table
     * a growth replaced (readers could still be on it, so it is left to the store's close), the
     * hint entries of a segment sealed since, the structures of a store whose open failed.
     * Unmapping twice is harmless. Only when no reader and no writer can touch them any more.
     */
    public void unmap() {
        mappings.forEach(DirectMemory::free);
    }

    /**
     * One namespace's structures. On write they are read; on read they are new and owned by the
     * caller. {@code unlisted}: keys the index may hold that the listing does not yet.
     */
    public record Namespace(String name, HashIndex index, KeyListing listing, UnlistedKeys unlisted) {
        /** A namespace whose listing holds every key its index does. */
        public Namespace(String name, HashIndex index, KeyListing listing) {
            this(name, index, listing, UnlistedKeys.NONE);
        }

        /** The same structures, with {@code keys} owed to the listing. */
        public Namespace withUnlisted(UnlistedKeys keys) {
            return new Namespace(name, index, listing, keys);
        }
    }

    /** The expiry queue's entries; visited once on write, replayed by the caller on read. */
    public interface ExpiryEntries {
        /** Hands every entry to {@code sink}. */
        void forEach(ExpirySink sink);
    }

    /** One expiry entry. */
    @FunctionalInterface
    public interface ExpirySink {
        void accept(int namespace, long expirationEpochSeconds, long keyHash, long location);
    }
}
