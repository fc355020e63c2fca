package dev.basalt.internal.store;

import dev.basalt.internal.compaction.CompactionHost;
import dev.basalt.internal.compaction.LiveKeys;
import dev.basalt.internal.compaction.SegmentUsage;
import dev.basalt.internal.env.Limits;
import dev.basalt.internal.log.Locations;
import dev.basalt.internal.log.LogFormat;
import dev.basalt.internal.log.Records;
import dev.basalt.internal.log.SegmentLog;
import java.util.Arrays;
import org.agrona.DirectBuffer;
import org.agrona.collections.IntArrayList;

/**
 * The engine as the compactor sees it: the few operations of {@link CompactionHost}, each
 * delegating to the part that owns it. The pass gets one of these and nothing else of the engine.
 */
final class EngineCompactionHost implements CompactionHost {
    private final SegmentLog log;
    private final SegmentUsage usage;
    private final WritePath writes;
    private final Namespaces namespaces;
    private final ReadEpochs epochs;
    private final OpenState open;
    private final Reads reads;
    private final Object fileLock;
    private final long segmentSizeBytes;

    EngineCompactionHost(SegmentLog log, SegmentUsage usage, WritePath writes, Namespaces namespaces,
            ReadEpochs epochs, OpenState open, Reads reads, Object fileLock, long segmentSizeBytes) {
        this.log = log;
        this.usage = usage;
        this.writes = writes;
        this.namespaces = namespaces;
        this.epochs = epochs;
        this.open = open;
        this.reads = reads;
        this.fileLock = fileLock;
        this.segmentSizeBytes = segmentSizeBytes;
    }

    @Override
    public SegmentLog log() {
        return log;
    }

    @Override
    public SegmentUsage usage() {
        return usage;
    }

    @Override
    public void lockStep() {
        writes.lockForBackgroundStep();
        if (open.isClosed()) {
            writes.unlock();
            open.checkOpen();
        }
    }

    @Override
    public void unlockStep() {
        writes.unlock();
    }

    @Override
    public boolean writerWaiting() {
        return writes.threadsQueued();
    }

    @Override
    public long firstSegmentWithPendingUpdate() {
        return writes.firstSegmentWithPendingUpdate();
    }

    /**
     * The namespace of the previous record, on the pass's thread like every call here: records
     * of one namespace follow each other, and the name lookup decodes a String per call, which
     * was a third of a pass's CPU and most of its garbage.
     */
    private NamespaceState lastNamespace;

    @Override
    public LiveKeys liveKeys(DirectBuffer name, int offset, int length) {
        return namespaceNamed(name, offset, length);
    }

    /** The live namespace of this name, or null; the last one found is kept ({@link #lastNamespace}). */
    private NamespaceState namespaceNamed(DirectBuffer name, int offset, int length) {
        NamespaceState last = lastNamespace;
        // Not dropped (so not replaced by a namespace of the same name either) and the same name;
        // the flag is volatile, so this holds without the lock too.
        if (last != null && !last.dropped() && sameBytes(last.nameBytes(), name, offset, length)) {
            return last;
        }
        lastNamespace = namespaces.get(name, offset, length);
        return lastNamespace;
    }

    private static boolean sameBytes(byte[] bytes, DirectBuffer buffer, int offset, int length) {
        if (bytes.length != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (bytes[i] != buffer.getByte(offset + i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Inside one read epoch, so that neither a namespace drop nor the store's close frees an
     * index this reads; the namespace of each record is found without the lock and kept while
     * the next records share its name.
     */
    @Override
    public void markSuperseded(DirectBuffer segment, long segmentId, IntArrayList offsets, int from, int to,
            long nowEpochSeconds, boolean[] superseded) {
        Arrays.fill(superseded, 0, to - from, false);
        int token = epochs.enter();
        try {
            if (open.isClosed()) {
                return;
            }
            for (int i = from; i < to; i++) {
                int offset = offsets.getInt(i);
                long expiration = Records.expirationEpochSeconds(segment, offset);
                if (Records.type(segment, offset) != LogFormat.TYPE_PUT
                        || (expiration != Limits.NO_EXPIRATION && expiration <= nowEpochSeconds)) {
                    continue;
                }
                int nameOffset = Records.namespaceOffset(segment, offset);
                int nameLength = Records.namespaceLength(segment, offset);
                NamespaceState ns = namespaceNamed(segment, nameOffset, nameLength);
                if (ns == null || ns.dropped()) {
                    continue;
                }
                superseded[i - from] = ns.certainlySupersededAt(segment, Records.keyOffset(segment, offset),
                        Records.keyLength(segment, offset), Locations.of(segmentId, offset));
            }
        } finally {
            epochs.exit(token);
        }
    }

    @Override
    public void awaitReaders() {
        epochs.awaitReaders();
    }

    @Override
    public void changeFiles(Runnable change) {
        synchronized (fileLock) {
            open.checkOpen();
            change.run();
        }
    }

    @Override
    public long nowEpochSeconds() {
        return reads.nowEpochSeconds();
    }

    @Override
    public long segmentSizeBytes() {
        return segmentSizeBytes;
    }
}
