package dev.basalt.internal.store;

import dev.basalt.internal.checkpoint.CheckpointContent;
import dev.basalt.internal.checkpoint.CheckpointFile;
import dev.basalt.internal.checkpoint.CheckpointRejected;
import dev.basalt.internal.compaction.SegmentUsage;
import dev.basalt.internal.env.FileIo;
import dev.basalt.internal.events.CheckpointEvent;
import dev.basalt.internal.log.CoveredLog;
import dev.basalt.internal.log.SegmentLog;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How the store uses its checkpoint ({@code internal.checkpoint}): read at open, installed when
 * the log turns out to hold nothing it does not cover, and written again at every clean close.
 * A checkpoint that is rejected, or that the log has moved past, is logged with the reason,
 * deleted and replaced by the full replay of the log; it is never the only copy of anything.
 *
 * <p>Threads: at open, alone; at close, after every writer and background thread stopped.
 */
final class Checkpoints {
    private static final System.Logger LOG = System.getLogger(Checkpoints.class.getName());

    private final FileIo io;
    private final Path dir;
    private final long storeId;

    /** Bytes of the last checkpoint written; 0 before the first. */
    private volatile long lastSizeBytes;

    Checkpoints(FileIo io, Path dir, long storeId) {
        this.io = io;
        this.dir = dir;
        this.storeId = storeId;
    }

    /** The directory's checkpoint, verified; null when there is none or it was rejected (then deleted). */
    CheckpointContent load() {
        try {
            return CheckpointFile.read(io, dir, storeId);
        } catch (CheckpointRejected e) {
            LOG.log(System.Logger.Level.WARNING, "checkpoint " + CheckpointFile.path(dir)
                    + " ignored, the log is replayed instead: " + e.getMessage());
            delete();
            return null;
        }
    }

    /**
     * The checkpoint could not be used (the reason says why): frees it and deletes the file. The
     * reason is a warning, unless the replay found damage that explains it and warns about it
     * itself (each damaged range is warned about once).
     */
    void discard(CheckpointContent checkpoint, String reason, boolean damageWarnedByTheReplay) {
        for (CheckpointContent.Namespace ns : checkpoint.namespaces()) {
            ns.index().close();
            ns.listing().close();
        }
        LOG.log(damageWarnedByTheReplay ? System.Logger.Level.INFO : System.Logger.Level.WARNING,
                "checkpoint " + CheckpointFile.path(dir) + " not used, the log is replayed instead: " + reason);
        delete();
    }

    /**
     * Writes the state as it stands as the directory's checkpoint: the structures are copied to
     * the temporary file here, under the append lock the caller holds; {@link #publish} makes it
     * the checkpoint. A failure is logged and leaves the older checkpoint, which is still correct
     * to load (the open replays the log after it).
     *
     * <p>{@code firstUnapplied} is the location of the oldest record group commit has appended
     * but not applied to the indexes yet (-1: none): the checkpoint then covers the log only up
     * to it, and the open replays it and everything after. The records after it that are
     * applied (namespace records, compaction's copies) are replayed again, which changes nothing.
     *
     * @return true when the temporary file was written and may be published
     */
    boolean writeTemporary(SegmentLog log, long firstUnapplied, long maxSequence, long hashSeed, long damagedRanges,
            Namespaces namespaces, ExpiryLedger ledger, SegmentUsage usage) {
        CheckpointEvent event = new CheckpointEvent(); // JFR, off by default
        event.begin();
        try {
            CoveredLog covered = log.coveredLog(firstUnapplied);
            if (covered == null) {
                return false; // the unapplied records are in a segment already sealed: next time
            }
            long[] liveBytes = new long[covered.segmentIds().length];
            long[] minSequences = new long[liveBytes.length];
            for (int i = 0; i < liveBytes.length; i++) {
                liveBytes[i] = usage.liveBytes((int) covered.segmentIds()[i]);
                minSequences[i] = usage.minSequence((int) covered.segmentIds()[i]);
            }
            List<NamespaceState> states = new ArrayList<>(namespaces.all());
            states.sort((a, b) -> a.name().compareTo(b.name()));
            List<CheckpointContent.Namespace> images = new ArrayList<>();
            int[] positionById = new int[states.stream().mapToInt(NamespaceState::id).max().orElse(0) + 1];
            java.util.Arrays.fill(positionById, -1);
            for (NamespaceState state : states) {
                positionById[state.id()] = images.size();
                images.add(state.image());
            }
            CheckpointContent content = new CheckpointContent(storeId, hashSeed, maxSequence,
                    ledger.liveExpiringKeys(), damagedRanges, covered, liveBytes, minSequences, images, sink ->
                            ledger.forEachEntry((expiration, namespaceId, keyHash, location) -> {
                                // An entry of a dropped namespace is stale: it would purge nothing.
                                if (namespaceId < positionById.length && positionById[namespaceId] >= 0) {
                                    sink.accept(positionById[namespaceId], expiration, keyHash, location);
                                }
                                return false;
                            }));
            lastSizeBytes = CheckpointFile.writeTemporary(io, dir, content);
            long keys = 0;
            for (NamespaceState state : states) {
                keys += state.size();
            }
            event.finish(dir.toString(), lastSizeBytes, states.size(), keys);
            return true;
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "no checkpoint written (the next open replays more of the log): "
                    + e);
            return false;
        }
    }

    long lastSizeBytes() {
        return lastSizeBytes;
    }

    /** Publishes what {@link #writeTemporary} wrote; any thread, writers running. */
    void publish() {
        try {
            CheckpointFile.publish(io, dir);
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "checkpoint not published (the next open replays more of the log): "
                    + e);
        }
    }

    private void delete() {
        try {
            CheckpointFile.delete(io, dir);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot delete checkpoint " + CheckpointFile.path(dir) + ": " + e);
        }
    }
}
