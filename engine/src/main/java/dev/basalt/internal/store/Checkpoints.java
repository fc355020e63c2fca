package dev.basalt.internal.store;

import dev.basalt.internal.checkpoint.CheckpointContent;
import dev.basalt.internal.checkpoint.CheckpointFile;
import dev.basalt.internal.checkpoint.CheckpointRejected;
import dev.basalt.internal.checkpoint.UnlistedKeys;
import dev.basalt.internal.compaction.SegmentUsage;
import dev.basalt.internal.env.CopySpace;
import dev.basalt.internal.env.FileIo;
import dev.basalt.internal.events.CheckpointEvent;
import dev.basalt.internal.expiry.ExpiryQueue;
import dev.basalt.internal.log.CoveredLog;
import dev.basalt.internal.log.SegmentLog;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How the store uses its checkpoint ({@code internal.checkpoint}): read at open, installed when
 * the log turns out to hold nothing it does not cover, and written again at every clean close.
 * A checkpoint that is rejected, or that the log has moved past, is logged with the reason,
 * deleted and replaced by the full replay of the log; it is never the only copy of anything.
 *
 * <p>Threads: at open, alone. A checkpoint is captured under the append lock and written after
 * it, from copies (in the background, taken mostly with the writers running:
 * {@link BackgroundCheckpoint}) or from the live structures (at close, after every writer and
 * background thread stopped).
 */
final class Checkpoints {
    private static final System.Logger LOG = System.getLogger(Checkpoints.class.getName());
    /** A checkpoint's namespaces in name order; linked here, not by the first capture under the lock. */
    private static final java.util.Comparator<NamespaceState> BY_NAME =
            java.util.Comparator.comparing(NamespaceState::name);

    private final FileIo io;
    private final Path dir;
    private final long storeId;

    /** Bytes of the last checkpoint written; 0 before the first. */
    private volatile long lastSizeBytes;
    /** The checkpoint this open loaded, whose mappings {@link #unmapLoaded} frees. */
    private CheckpointContent loaded;

    Checkpoints(FileIo io, Path dir, long storeId) {
        this.io = io;
        this.dir = dir;
        this.storeId = storeId;
    }

    /** The directory's checkpoint, verified; null when there is none or it was rejected (then deleted). */
    CheckpointContent load() {
        try {
            loaded = CheckpointFile.read(io, dir, storeId);
            return loaded;
        } catch (CheckpointRejected e) {
            LOG.log(System.Logger.Level.WARNING, "checkpoint " + CheckpointFile.path(dir)
                    + " ignored, the log is replayed instead: " + e.getMessage());
            delete();
            return null;
        }
    }

    /**
     * Unmaps what the loaded checkpoint's structures still keep mapped (slot tables a growth
     * replaced, the hint entries of a segment sealed since): at close, after every structure was
     * released, or when the open failed. Idempotent.
     */
    void unmapLoaded() {
        if (loaded != null) {
            loaded.unmap();
            loaded = null;
        }
    }

    /**
     * The checkpoint could not be used (the reason says why): frees it and deletes the file. The
     * reason is a warning, unless the replay found damage that explains it and warns about it
     * itself (each damaged range is warned about once).
     */
    void discard(CheckpointContent checkpoint, String reason, boolean damageWarnedByTheReplay) {
        loaded = null;
        checkpoint.free();
        LOG.log(damageWarnedByTheReplay ? System.Logger.Level.INFO : System.Logger.Level.WARNING,
                "checkpoint " + CheckpointFile.path(dir) + " not used, the log is replayed instead: " + reason);
        delete();
    }

    /**
     * The state as it stands, for {@link #writeTemporary}; under the append lock the caller
     * holds, with null when no checkpoint can be taken now. With {@code copy} (not null), the
     * indexes and listings are copies of their own, in memory from that space
     * ({@link #reserveCopies}): {@code preCopies} made exact, or whole copies for namespaces it
     * did not start. The file is written from them after the lock is released, and
     * {@link #writeCopy} frees them. Without a space (at close, when nothing changes any more)
     * they are the live structures themselves. With a copy, the new keys the writers owe the
     * listings are saved as they stand ({@link UnlistedKeys}); at close they are listed first.
     *
     * <p>{@code firstUnapplied} is the location of the oldest record group commit has appended
     * but not applied to the indexes yet (-1: none): the checkpoint then covers the log only up
     * to it, and the open replays it and everything after. The records after it that are
     * applied (namespace records, compaction's copies) are replayed again, which changes nothing.
     * The active segment's hint entries are not copied: the builder only appends, and the view
     * keeps the memory of the entries it covers alive however the builder grows.
     */
    CheckpointContent capture(SegmentLog log, long firstUnapplied, long maxSequence, long hashSeed,
            long damagedRanges, Namespaces namespaces, ExpiryLedger ledger, SegmentUsage usage, CopySpace copy,
            PreCopies preCopies) throws IOException {
        CoveredLog covered = log.coveredLog(firstUnapplied);
        if (covered == null) {
            return null; // the unapplied records are in a segment already sealed: next time
        }
        long[] liveBytes = new long[covered.segmentIds().length];
        long[] minSequences = new long[liveBytes.length];
        for (int i = 0; i < liveBytes.length; i++) {
            liveBytes[i] = usage.liveBytes((int) covered.segmentIds()[i]);
            minSequences[i] = usage.minSequence((int) covered.segmentIds()[i]);
        }
        if (namespaces.anyListingBehind()) {
            return null; // a listing still catching up after the open: next time
        }
        // At close the owed keys are listed; in the background they are saved as they stand, and
        // an open from the checkpoint owes them to the listing again.
        Map<NamespaceState, UnlistedKeys> unlisted = new HashMap<>();
        for (NamespaceState ns : namespaces.all()) {
            OwedNewKeys owedNewKeys = ns.owedNewKeys();
            UnlistedKeys owed = copy != null ? owedNewKeys.copyUnderLock(preCopies.owedKeysRoom(ns))
                    : owedNewKeys.listAllUnderLock(ns);
            if (owed == null) {
                return null; // another thread is listing a batch of new keys: next time
            }
            unlisted.put(ns, owed);
        }
        List<NamespaceState> states = new ArrayList<>(namespaces.all());
        states.sort(BY_NAME);
        List<CheckpointContent.Namespace> images = new ArrayList<>();
        int maxId = 0;
        for (NamespaceState state : states) {
            maxId = Math.max(maxId, state.id());
        }
        int[] positionById = new int[maxId + 1];
        java.util.Arrays.fill(positionById, -1);
        try {
            for (NamespaceState state : states) {
                positionById[state.id()] = images.size();
                images.add((copy != null ? preCopies.finish(state, copy) : NamespaceImages.image(state))
                        .withUnlisted(unlisted.get(state)));
            }
        } catch (RuntimeException | Error e) {
            if (copy != null) {
                release(images);
            }
            throw e;
        }
        ExpiryCopy expiry = new ExpiryCopy(ledger.queuedEntries(), positionById);
        ledger.forEachEntry(expiry);
        return new CheckpointContent(storeId, hashSeed, maxSequence, ledger.liveExpiringKeys(), damagedRanges,
                covered, liveBytes, minSequences, images, expiry);
    }

    /**
     * Memory for a {@link #capture} with copies, reserved before the append lock is taken: what
     * the lock then holds the writers for is the copying, not the allocation and first touch of
     * the copies' pages (which was nearly all of it). The caller closes it after the capture.
     */
    static CopySpace reserveCopies(Namespaces namespaces) {
        CopySpace space = new CopySpace();
        for (NamespaceState state : namespaces.all()) {
            NamespaceImages.reserveCopy(state, space);
        }
        return space;
    }

    /**
     * Writes a captured state to the checkpoint's temporary file; {@link #publish} makes it the
     * checkpoint. Any thread, writers running when the content is a copy. A failure is logged
     * and leaves the older checkpoint, which is still correct to load (the open replays the log
     * after it).
     *
     * @param writersWaitedNanos how long the capture stopped the writers; with
     *     {@code writersStopped} the writers wait for this write too
     * @return true when the temporary file was written and may be published
     */
    boolean writeTemporary(CheckpointContent content, long writersWaitedNanos, boolean writersStopped) {
        CheckpointEvent event = new CheckpointEvent(); // JFR, off by default
        event.begin();
        long startedAt = System.nanoTime();
        try {
            lastSizeBytes = CheckpointFile.writeTemporary(io, dir, content);
            long keys = 0;
            for (CheckpointContent.Namespace ns : content.namespaces()) {
                keys += ns.listing().size();
            }
            event.finish(dir.toString(), lastSizeBytes, content.namespaces().size(), keys,
                    writersWaitedNanos + (writersStopped ? System.nanoTime() - startedAt : 0));
            return true;
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "no checkpoint written (the next open replays more of the log): "
                    + e);
            return false;
        }
    }

    /**
     * Writes and publishes a checkpoint from copies {@link #capture} made, with the writers
     * running, then frees the copies.
     */
    void writeCopy(CheckpointContent copied, long captureNanos, SegmentLog log) {
        try {
            if (writeTemporary(copied, captureNanos, false)) {
                // What the checkpoint covers must be durable before it is published: else a power
                // loss could take records from the log that the checkpoint's indexes point at.
                log.force();
                publish(copied.log(), log);
            }
        } finally {
            copied.free();
        }
    }

    private static void release(List<CheckpointContent.Namespace> copies) {
        for (CheckpointContent.Namespace ns : copies) {
            ns.index().close();
            ns.listing().close();
        }
    }

    /**
     * The expiry entries, copied while the queue cannot change, four longs an entry, each with
     * its namespace's position in the checkpoint. An entry of a namespace dropped meanwhile is
     * stale (it would purge nothing) and left out. Sized for every queued entry up front, so the
     * copy never grows under the lock; a class of its own rather than a lambda, so the first
     * capture of a process does not link one under the lock.
     */
    static final class ExpiryCopy implements CheckpointContent.ExpiryEntries, ExpiryQueue.EntryPredicate {
        private final long[] entries;
        private final int[] positionById;
        private int used;

        ExpiryCopy(long queuedEntries, int[] positionById) {
            this.entries = new long[Math.toIntExact(4 * queuedEntries)];
            this.positionById = positionById;
        }

        @Override
        public boolean test(long expiration, int namespaceId, long keyHash, long location) {
            if (namespaceId < positionById.length && positionById[namespaceId] >= 0) {
                entries[used++] = positionById[namespaceId];
                entries[used++] = expiration;
                entries[used++] = keyHash;
                entries[used++] = location;
            }
            return false;
        }

        @Override
        public void forEach(CheckpointContent.ExpirySink sink) {
            for (int i = 0; i < used; i += 4) {
                sink.accept((int) entries[i], entries[i + 1], entries[i + 2], entries[i + 3]);
            }
        }
    }

    long lastSizeBytes() {
        return lastSizeBytes;
    }

    /**
     * Publishes what {@link #writeTemporary} wrote, whose log is {@code covered}; then the log
     * drops the hint files of the segments it covers whole ({@link SegmentLog#checkpointPublished}):
     * an open that trusts the checkpoint reads none of them, one that cannot rescans those
     * segments and writes their hints again, and keeping them cost about 58 bytes a record on
     * disk, a third of a 168-byte record at 1 M keys. Any thread, writers running.
     */
    void publish(CoveredLog covered, SegmentLog log) {
        try {
            CheckpointFile.publish(io, dir);
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "checkpoint not published (the next open replays more of the log): "
                    + e);
            return;
        }
        log.checkpointPublished(covered);
    }

    private void delete() {
        try {
            CheckpointFile.delete(io, dir);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot delete checkpoint " + CheckpointFile.path(dir) + ": " + e);
        }
    }
}
