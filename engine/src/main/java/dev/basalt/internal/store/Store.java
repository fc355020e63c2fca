package dev.basalt.internal.store;

import dev.basalt.BasaltOptions;
import dev.basalt.Durability;
import dev.basalt.BasaltStats;
import dev.basalt.CompactionResult;
import dev.basalt.internal.checkpoint.CheckpointContent;
import dev.basalt.internal.compaction.CompactionPass;
import dev.basalt.internal.compaction.CompactionHost;
import dev.basalt.internal.compaction.GarbageRate;
import dev.basalt.internal.compaction.SegmentUsage;
import dev.basalt.internal.env.ChronicleSettings;
import dev.basalt.internal.env.CopySpace;
import dev.basalt.internal.events.RecoveryEvent;
import dev.basalt.internal.env.DirectoryLock;
import dev.basalt.internal.env.DurableFiles;
import dev.basalt.internal.env.FileIo;
import dev.basalt.internal.env.JvmFlags;
import dev.basalt.internal.index.HashIndex;
import dev.basalt.internal.listing.Cursors;
import dev.basalt.internal.log.LogFormat;
import dev.basalt.internal.log.RecoveryReport;
import dev.basalt.internal.log.SegmentLog;
import dev.basalt.internal.log.StoreFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;

/**
 * The engine behind the public API for one open directory: opens and recovers it, starts and
 * stops its threads, and wires the parts together. The work itself is done by the parts:
 * {@link WritePath} (appends, group commit), {@link Reads} (lock-free reads in read epochs),
 * {@link NamespaceState} (each namespace's index, listing and expiry entries), {@link ExpirySweep},
 * and the compactor in {@code internal.compaction}, which reaches the engine only through
 * {@link EngineCompactionHost}.
 *
 * <p>Threads: callers read and write on their own threads; {@link BackgroundThreads} runs the
 * expiry sweep and the periodic fsync on one thread and background compaction on another, and
 * {@link #close()} stops both before it releases anything.
 */
public final class Store implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Store.class.getName());

    private final BasaltOptions options;
    /** The one monotonic clock of this store: agents' intervals and compaction's pacing. */
    private final NanoClock nanoClock = new SystemNanoClock();
    private final CheckpointSchedule checkpointSchedule = new CheckpointSchedule(nanoClock);
    private final DirectoryLock lock;
    private final SegmentLog log;
    private final RecoveryReport report = new RecoveryReport();
    private final ReadEpochs epochs = new ReadEpochs();
    private final SegmentUsage usage = new SegmentUsage();
    private final Cursors cursors;
    private final Checkpoints checkpoints;
    /** Why the open replayed the log; null when a checkpoint covered it and nothing was replayed. */
    private final String replayedBecause;
    /** Damaged ranges an earlier open found, carried by the checkpoint this open loaded (else 0). */
    private final long inheritedDamage;
    /** Records the open replayed: all of the log's, or those after the checkpoint it loaded. */
    private final long recordsReplayed;
    private final OpenState open;
    private final Namespaces namespaces;
    private final WorkAhead workAhead = new WorkAhead();
    private final ExpiryLedger ledger;
    private final WritePath writes;
    private final Reads reads;
    private final ExpirySweep sweep;
    private final CompactionRuns compactions;
    /** A dropped namespace's memory is released inside it: a checkpoint may be copying it without the append lock. */
    private final Object namespaceMemory = new Object();
    /** Held by a pass around its file changes and by close around the release of the directory. */
    private final Object compactionFiles = new Object();
    private final BackgroundThreads background;
    private final ListingRelayouts relayouts;
    private final ListingCatchUp listingCatchUp;

    private Store(Path dir, BasaltOptions options, FileIo io) {
        this.options = options;
        DurableFiles.createDirectory(io, dir);
        this.lock = DirectoryLock.acquire(io, dir, LogFormat.LOCK_FILE);
        Checkpoints loading = null;
        try {
            long storeId = StoreFile.readOrCreate(io, lock.directory());
            this.cursors = new Cursors(Cursors.loadOrCreateKey(io, lock.directory()));
            this.checkpoints = loading = new Checkpoints(io, lock.directory(), storeId);
            RecoveryEvent recoveryEvent = new RecoveryEvent(); // JFR, off by default
            recoveryEvent.begin();
            CheckpointContent checkpoint = checkpoints.load();
            // The loaded indexes hash under the seed they were built with; a fresh store draws one.
            long hashSeed = checkpoint != null ? checkpoint.hashSeed() : new SecureRandom().nextLong();
            this.log = SegmentLog.create(io, lock.directory(), storeId, options.segmentSizeBytes(),
                    options.mappedAppends());
            this.open = new OpenState(log);
            this.namespaces = new Namespaces(log, hashSeed, usage, workAhead::indexGrowthNear);
            this.ledger = new ExpiryLedger(namespaces);
            namespaces.useExpiryLedger(ledger);
            Recovery recovery = new Recovery(hashSeed, usage);
            recovery.attach(log);
            recovery.offer(checkpoint);
            this.replayedBecause = log.recover(recovery, report, checkpoint == null ? null : checkpoint.log());
            if (replayedBecause != null && checkpoint != null) {
                checkpoints.discard(checkpoint, replayedBecause, !report.corruptRecords().isEmpty());
            }
            inheritedDamage = recovery.checkpointUsed() ? checkpoint.damagedRanges() : 0;
            recovery.install(namespaces, ledger, report);
            this.recordsReplayed = recovery.recordsReplayed();
            long maxSequence = recovery.maxSequence();
            recoveryEvent.finish(lock.directory().toString(), log.segmentCount(), liveKeys(),
                    report.corruptRecords().size(), report.tornTailBytes(), recordsReplayed, replayedBecause);
            DiskReserve reserve = new DiskReserve(io, lock.directory(), options.diskReserveBytes());
            this.reads = new Reads(log, epochs, options.clock(), open);
            this.writes = new WritePath(log, usage, options.durability(), reserve, open, reads, maxSequence);
            this.sweep = new ExpirySweep(writes, namespaces, ledger, epochs, open, reads);
            this.compactions = new CompactionRuns(open, log, this::compactionHost, checkpointSchedule, nanoClock,
                    options.compactionBytesPerSecond(),
                    new GarbageRate(log::appendedBytes, usage::totalLiveBytes, nanoClock));
            this.listingCatchUp = new ListingCatchUp(namespaces, writes, epochs, namespaceMemory);
            BackgroundCheckpoint checkpointing = new BackgroundCheckpoint(options.checkpointIntervalBytes(), nanoClock,
                    checkpointSchedule, checkpoints, namespaces, writes, log, open,
                    this::captureCheckpointLocked, namespaceMemory, listingCatchUp::listOwedNewKeys);
            this.relayouts = new ListingRelayouts(namespaces, writes, epochs, open, log, namespaceMemory,
                    ListingRelayouts.MIN_KEYS, nanoClock);
            this.background = BackgroundThreads.start(options, nanoClock, sweep::sweepDue, this::periodicForce,
                    compactions::background, () -> relayouts.excluding(checkpointing::runIfDue), log::writeSealedHints,
                    relayouts::step, listingCatchUp::step);
            if (options.durability() == Durability.PERIODIC) {
                log.ahead().onForceStepAppended(workAhead::logGrew);
            }
            log.ahead().onPrepareWanted(workAhead::logAheadWanted);
            workAhead.start(namespaces, log);
            for (RecoveryReport.Damage damage : report.corruptRecords()) {
                LOG.log(System.Logger.Level.WARNING, "recovery skipped damaged records: " + damage);
            }
        } catch (RuntimeException e) {
            if (loading != null) {
                loading.unmapLoaded(); // no reader ever saw what it mapped
            }
            lock.close();
            throw e;
        }
    }

    /** Opens (creating if absent) the store in {@code dir}; the options are already validated. */
    public static Store open(Path dir, BasaltOptions options) {
        return open(dir, options, FileIo.real());
    }

    /**
     * Opens the store with every file operation going through {@code io} (tests inject faults
     * here). Checks the JVM's flags and sets Chronicle's defaults first, for every opener alike.
     */
    public static Store open(Path dir, BasaltOptions options, FileIo io) {
        JvmFlags.check();
        ChronicleSettings.apply();
        return new Store(dir, options, io);
    }

    /** Why this open replayed the whole log ("no checkpoint", or why not it); null when a checkpoint covered it. */
    public String replayedBecause() {
        return replayedBecause;
    }

    /** Records this open replayed from the log: every one, or only those after the checkpoint. */
    public long recordsReplayed() {
        return recordsReplayed;
    }

    /** Listings laid out in key order again since the open ({@link ListingRelayouts}). */
    public long listingRelayouts() {
        return relayouts.completed();
    }

    /** Rounds of a relayout that caught up on the writers' changes without the lock. */
    public long listingRelayoutRoundsWithoutLock() {
        return relayouts.roundsWithoutLock();
    }

    /** Relayouts dropped because the writers outran them ({@link ListingRelayouts}). */
    public long listingRelayoutsAbandoned() {
        return relayouts.abandoned();
    }

    /** True while some listing the open left behind is still catching up ({@link ListingCatchUp}). */
    public boolean listingsBehind() {
        return namespaces.anyListingBehind();
    }

    /** One step of the background catch-up of listings, on the caller's thread even while paused; for tests. */
    public int catchUpListingsOneStep() {
        return listingCatchUp.stepNow();
    }

    /** Listings the open left behind that were built again by a merge rather than key by key ({@link ListingMerge}). */
    public long listingsMerged() {
        return listingCatchUp.merged();
    }

    /**
     * Stops the background catch-up of listings in every store of this JVM until the handle is
     * closed, a background checkpoint's listing of owed keys included (the close still catches its
     * listing up first, a list or a range scan all but an open's backlog, which they merge in).
     * For tests that change keys while a listing is behind.
     */
    public static AutoCloseable pauseListingCatchUps() {
        return ListingCatchUp.pauseForTests();
    }

    /**
     * Until the handle is closed, an open that rebuilds a namespace from the whole log leaves its
     * listing to the catch-up after the open whatever its size (normally only above
     * 65,536 keys), sorting its keys in batches of 97 (normally 262,144). JVM-wide; for tests.
     */
    public static AutoCloseable deferAllListingsAtOpen() {
        return ListingCatchUp.deferAllListingsForTests();
    }

    /** The relayouts themselves, for tests in this package that drive them step by step. */
    ListingRelayouts relayouts() {
        return relayouts;
    }

    /**
     * Lays every namespace's listing out in key order now, on the caller's thread, beside the
     * writers and the background thread ({@link ListingRelayouts#relayoutAll}). For tests.
     */
    public void relayoutListingsNow() {
        relayouts.relayoutAll();
    }

    // ---------------------------------------------------------------- namespaces

    /** The write path, for tests in this package that hold its lock. */
    WritePath writes() {
        return writes;
    }

    /** The live namespace of this name, created (durably) if absent. Name already validated. */
    public NamespaceState namespace(String name) {
        open.checkOpen();
        NamespaceState existing = namespaces.get(name);
        if (existing != null) {
            return existing;
        }
        writes.lock();
        try {
            open.checkOpen();
            existing = namespaces.get(name);
            if (existing != null) {
                return existing;
            }
            NamespaceState created = namespaces.create(name, new HashIndex(1024));
            writes.appendNamespaceRecord(LogFormat.TYPE_NAMESPACE_CREATE, created);
            namespaces.publish(created);
            return created;
        } finally {
            writes.unlock();
        }
    }

    /** Names of the live namespaces, sorted. */
    public List<String> namespaceNames() {
        open.checkOpen();
        return namespaces.sortedNames();
    }

    /** Drops a namespace and its data; returns false when there is none of that name. */
    public boolean dropNamespace(String name) {
        NamespaceState dropped;
        writes.lock();
        try {
            open.checkOpen();
            dropped = namespaces.get(name);
            if (dropped == null) {
                return false;
            }
            writes.appendNamespaceRecord(LogFormat.TYPE_NAMESPACE_DROP, dropped);
            dropped.drop();
            namespaces.remove(dropped);
        } finally {
            writes.unlock();
        }
        epochs.awaitReaders();
        synchronized (namespaceMemory) {
            dropped.release();
        }
        return true;
    }

    // ---------------------------------------------------------------- writes

    /** Stores a put; returns once it is durable per the durability mode. Arguments validated. */
    public void put(NamespaceState ns, byte[] key, byte[] metadata, long expirationEpochSeconds, DirectBuffer value,
            int valueOffset, int valueLength) {
        writes.put(ns, key, metadata, expirationEpochSeconds, value, valueOffset, valueLength);
    }

    /**
     * Stores a put of the key in {@code key[keyOffset, keyOffset + keyLength)}: the caller's bytes, read before
     * this returns. Allocation-free under PERIODIC and SYNC_EACH_WRITE. Arguments validated.
     */
    public void put(NamespaceState ns, DirectBuffer key, int keyOffset, int keyLength, byte[] metadata,
            long expirationEpochSeconds, DirectBuffer value, int valueOffset, int valueLength) {
        writes.put(ns, key, keyOffset, keyLength, metadata, expirationEpochSeconds, value, valueOffset, valueLength);
    }

    /** Stores a delete (a tombstone); absent keys are no error. */
    public void delete(NamespaceState ns, byte[] key) {
        writes.delete(ns, key);
    }

    /** Stores a write batch as one unit: after a crash all of it is there or none. Entries validated. */
    public void writeBatch(NamespaceState ns, List<BatchEntry> entries) {
        writes.writeBatch(ns, entries);
    }

    /** Forces every acknowledged write to stable storage. */
    public void sync() {
        open.checkOpen();
        writes.sync();
    }

    // ---------------------------------------------------------------- reads

    /** Epoch seconds now, rounded down, from the injected clock. Allocation-free for system clocks. */
    public long nowEpochSeconds() {
        return reads.nowEpochSeconds();
    }

    /** Hands the key's live record (body checksum verified) to {@code reader} in a read epoch; null when not live. */
    public <T> T read(NamespaceState ns, DirectBuffer key, int keyOffset, int keyLength, RecordView.Reader<T> reader) {
        return reads.read(ns, key, keyOffset, keyLength, reader);
    }

    /** The hot path: copies the value of the key in {@code key[position, limit)} into {@code dst}. */
    public int read(NamespaceState ns, ByteBuffer key, ByteBuffer dst) {
        return reads.readInto(ns, key, dst);
    }

    /** The key's live record with its segment held until released; null when not live. */
    public RetainedValue retain(NamespaceState ns, DirectBuffer key, int keyOffset, int keyLength) {
        return reads.retain(ns, key, keyOffset, keyLength);
    }

    /**
     * Visits, in ascending unsigned byte order, the live keys that start with {@code prefix} and come strictly
     * after {@code afterKey} (null: from the start), until {@code maxKeys} were visited. O(log n + page).
     */
    public int list(NamespaceState ns, byte[] prefix, byte[] afterKey, int maxKeys, RecordView.Visitor visitor) {
        OwedKeys owed = listingCatchUp.finishForPage(ns);
        return reads.list(ns, owed, prefix, afterKey, maxKeys, visitor);
    }

    /**
     * Visits, in unsigned byte order, the live records of the keys between two bounds, in either
     * direction, until {@code maxKeys} were visited; inside one read epoch (the visitor copies out
     * what it keeps). For the binary-key surface ({@code BinaryNamespace}).
     */
    public int scanRange(NamespaceState ns, byte[] start, boolean startInclusive, byte[] end, boolean endInclusive,
            boolean descending, int maxKeys, RecordView.Visitor visitor) {
        OwedKeys owed = listingCatchUp.finishForPage(ns);
        return reads.scanRange(ns, owed, start, startInclusive, end, endInclusive, descending, maxKeys, visitor);
    }

    /** Encodes and checks this store's list cursors. */
    public Cursors cursors() {
        return cursors;
    }

    // ---------------------------------------------------------------- expiry and compaction

    /** The expiry sweep the background agent drives; tests drive it with a "now" of their own. */
    public ExpirySweep expiry() {
        return sweep;
    }

    /**
     * Runs one compaction pass now over the sealed segments whose dead fraction reaches
     * {@code deadFractionThreshold} (0: any dead bytes), paced at the configured rate.
     */
    public CompactionResult compact(double deadFractionThreshold, CompactionPass.ProgressListener progress) {
        return compactions.compact(deadFractionThreshold, progress);
    }

    /** {@link #compact(double, CompactionPass.ProgressListener)} at a given rate (0: unpaced, offline). */
    public CompactionResult compact(double deadFractionThreshold, CompactionPass.ProgressListener progress,
            long bytesPerSecond) {
        return compactions.compact(deadFractionThreshold, progress, bytesPerSecond);
    }

    /** The engine as a pass sees it, new per pass; public for tests (background compaction off). */
    public CompactionHost compactionHost() {
        return new EngineCompactionHost(log, usage, writes, namespaces, epochs, open, reads, compactionFiles,
                options.segmentSizeBytes());
    }

    /**
     * The state for a checkpoint, copied into {@code copy} from {@code preCopies}, or not (both null, at close);
     * under the append lock. Group
     * commit's pending updates are not in the index yet: the checkpoint covers the log only up to the first of
     * them. Null when none can be taken now.
     */
    private CheckpointContent captureCheckpointLocked(CopySpace copy, PreCopies preCopies) {
        try {
            return checkpoints.capture(log, writes.firstPendingLocation(), writes.lastSequence(),
                    namespaces.hashSeed(), damagedRanges(), namespaces, ledger, usage, copy, preCopies);
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "no checkpoint taken (the next open replays more of the log): " + e);
            return null;
        }
    }

    private void periodicForce() {
        if (!log.failed()) {
            log.force();
        }
    }

    // ---------------------------------------------------------------- state

    public BasaltStats stats() {
        open.checkOpen();
        long indexBytes = ledger.offHeapBytes();
        for (NamespaceState ns : namespaces.all()) {
            indexBytes += ns.offHeapBytes();
        }
        return new BasaltStats(liveKeys(), usage.totalLiveBytes(), log.totalBytes(), log.segmentCount(), indexBytes,
                sweep.expiredAndPurged(), compactions.passesRun(), compactions.bytesReclaimed(), damagedRanges(),
                namespaces.count(), log.syncsRun());
    }

    private long damagedRanges() {
        return inheritedDamage + report.corruptRecords().size();
    }

    private long liveKeys() {
        long keys = 0;
        for (NamespaceState ns : namespaces.all()) {
            keys += ns.size();
        }
        return keys;
    }

    /** Idempotent: waits for background work, syncs, and releases every file, map and block. */
    @Override
    public void close() {
        if (!open.close()) {
            return;
        }
        boolean flushed = false;
        try {
            background.stop();
            workAhead.stop();
            if (!log.failed()) {
                writes.flush();
                flushed = !log.failed();
            }
        } finally {
            // A pass on another thread changes files only inside this lock and checks the closed
            // flag there, so it never writes into a directory this store no longer owns; it keeps
            // its victims mapped through its own references, so unmapping here is safe.
            synchronized (compactionFiles) {
                releaseEverything(flushed);
            }
        }
    }

    private void releaseEverything(boolean flushed) {
        listingCatchUp.finishAll(); // the checkpoint below takes whole listings only
        epochs.awaitReaders();
        if (flushed) {
            // Under the append lock: a compaction pass started by a caller may still be copying.
            writes.lock();
            try {
                long lockedAt = nanoClock.nanoTime();
                CheckpointContent state = captureCheckpointLocked(null, null);
                if (state != null && checkpoints.writeTemporary(state, nanoClock.nanoTime() - lockedAt, true)) {
                    checkpoints.publish(state.log(), log);
                }
            } finally {
                writes.unlock();
            }
        }
        for (NamespaceState ns : namespaces.all()) {
            ns.markDropped();
            ns.release();
        }
        namespaces.clear();
        ledger.close();
        log.close();
        checkpoints.unmapLoaded();
        lock.close();
    }
}
