package dev.basalt.internal.store;

import dev.basalt.BasaltException;
import dev.basalt.BasaltOptions;
import dev.basalt.BasaltStats;
import dev.basalt.Durability;
import dev.basalt.internal.env.CrashPoint;
import dev.basalt.internal.env.CrashPoints;
import dev.basalt.internal.env.DirectoryLock;
import dev.basalt.internal.env.DurableFiles;
import dev.basalt.internal.env.FileIo;
import dev.basalt.CompactionResult;
import dev.basalt.internal.compaction.CompactionAgent;
import dev.basalt.internal.compaction.IoPacer;
import dev.basalt.internal.compaction.VictimPolicy;
import dev.basalt.internal.events.CompactionPassEvent;
import dev.basalt.internal.events.ExpiryBatchEvent;
import dev.basalt.internal.events.RecoveryEvent;
import dev.basalt.internal.expiry.ExpiryAgent;
import dev.basalt.internal.expiry.ExpiryQueue;
import dev.basalt.internal.index.HashIndex;
import dev.basalt.internal.index.KeyHash;
import dev.basalt.internal.listing.Cursors;
import dev.basalt.internal.log.Locations;
import dev.basalt.internal.log.LogFormat;
import dev.basalt.internal.log.Records;
import dev.basalt.internal.log.RecoveryReport;
import dev.basalt.internal.log.Segment;
import dev.basalt.internal.log.SegmentLog;
import dev.basalt.internal.log.StoreFile;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.CompositeAgent;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The engine behind the public API: wires the log, the per-namespace hash indexes and the
 * durability machinery and the expiry timer queue, and owns every thread and file of one open
 * directory.
 *
 * <p>Threads: callers read and write on their own threads. Appends, index mutations and
 * namespace changes are serialised by {@code appendLock} (one writer at a time, as the indexes
 * require); reads take no lock and run inside a read epoch, so nothing they touch is released
 * under them. The expiry sweep and the periodic fsync (PERIODIC mode) run as Agrona agents on
 * one engine-owned thread that {@link #close()} stops; the sweep takes the append lock for one
 * bounded batch at a time, because it mutates the indexes and the timer queue.
 *
 * <p>Invariant: an index points only at records that are durable per the durability mode; in
 * GROUP_COMMIT an index update waits in {@code pending} until the fsync that covers its record.
 */
public final class Store implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Store.class.getName());

    /** Receives each live record a listing finds; runs inside a read epoch. */
    @FunctionalInterface
    public interface ListedRecord {
        void accept(UnsafeBuffer segment, int recordOffset);
    }

    /** Reads a record found live in the log; runs inside a read epoch. */
    @FunctionalInterface
    public interface RecordReader<T> {
        T read(UnsafeBuffer segment, int recordOffset);
    }

    final BasaltOptions options;
    private final Clock clock;
    private final DirectoryLock lock;
    final SegmentLog log;
    private final RecoveryReport report;
    final long hashSeed = new SecureRandom().nextLong();
    final ReadEpochs epochs = new ReadEpochs();
    final SegmentUsage usage = new SegmentUsage();
    private final Cursors cursors;
    final ConcurrentHashMap<String, NamespaceState> namespaces = new ConcurrentHashMap<>();
    final ReentrantLock appendLock = new ReentrantLock();
    private final ArrayDeque<Update> pending = new ArrayDeque<>();
    private final GroupCommit groupCommit;
    final ExpiryQueue expiryQueue = new ExpiryQueue();
    private final AgentRunner background;
    /** Null when background compaction is off. */
    private final AgentRunner compactionRunner;
    /**
     * Set while a compaction pass waits for the append lock; writers step aside until it has
     * it ({@link #lockForCompaction}).
     */
    private volatile boolean compactionWaiting;
    /** Namespaces by {@link NamespaceState#id()}, for timer-queue entries; under the append lock. */
    private NamespaceState[] namespacesById = new NamespaceState[8];
    private int nextNamespaceId;
    /** Live keys whose current record has an expiration; bounds the timer queue's stale entries. */
    private long liveExpiringKeys;
    private volatile long expiredAndPurged;
    private final Object compactionLock = new Object();
    /** Held by a pass around its file changes and by close around the release of the directory. */
    final Object compactionFiles = new Object();
    private volatile long compactionsRun;
    private volatile long bytesReclaimed;
    private volatile java.util.function.Consumer<CompactionPass.Phase> compactionPhaseHook = phase -> { };
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Under the append lock. */
    private final DiskReserve diskReserve;
    private final ThreadLocal<UnsafeBuffer> keyViews = ThreadLocal.withInitial(() -> new UnsafeBuffer(new byte[0]));
    private long lastSequence;
    private volatile long appendedSequence;
    private volatile long liveBytes;

    private Store(Path dir, BasaltOptions options, FileIo io) {
        this.options = options;
        this.clock = options.clock();
        DurableFiles.createDirectory(io, dir);
        this.lock = DirectoryLock.acquire(io, dir, LogFormat.LOCK_FILE);
        try {
            long storeId = StoreFile.readOrCreate(io, lock.directory());
            this.cursors = new Cursors(Cursors.loadOrCreateKey(io, lock.directory()));
            Recovery recovery = new Recovery(hashSeed, usage);
            this.report = new RecoveryReport();
            this.log = SegmentLog.create(io, lock.directory(), storeId, options.segmentSizeBytes());
            this.diskReserve = new DiskReserve(io, lock.directory(), options.diskReserveBytes());
            recovery.attach(log);
            RecoveryEvent recoveryEvent = new RecoveryEvent(); // JFR, off by default (issue #17)
            recoveryEvent.begin();
            log.recover(recovery, report);
            install(recovery);
            recoveryEvent.finish(lock.directory().toString(), log.segmentCount(),
                    namespaces.values().stream().mapToLong(ns -> ns.index().size()).sum(),
                    report.corruptRecords().size(), report.tornTailBytes());
            this.lastSequence = recovery.maxSequence();
            this.appendedSequence = lastSequence;
            this.groupCommit = new GroupCommit(this::syncAllAndApply, lastSequence);
            this.background = startBackground();
            this.compactionRunner = startCompaction();
            for (RecoveryReport.Damage damage : report.corruptRecords()) {
                LOG.log(System.Logger.Level.WARNING, "recovery skipped damaged records: " + damage);
            }
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /** Opens (creating if absent) the store in {@code dir}; the options are already validated. */
    public static Store open(Path dir, BasaltOptions options) {
        return open(dir, options, FileIo.real());
    }

    /** Opens the store with every file operation going through {@code io} (tests inject faults here). */
    public static Store open(Path dir, BasaltOptions options, FileIo io) {
        return new Store(dir, options, io);
    }

    private void install(Recovery recovery) {
        long bytes = 0;
        for (Recovery.Replayed replayed : recovery.namespaces().values()) {
            if (!replayed.exists()) {
                if (replayed.index != null) {
                    replayed.index.close();
                }
                continue;
            }
            HashIndex index = replayed.index != null ? replayed.index : new HashIndex(1024);
            replayed.index = index;
            recovery.sweepTombstonesAndDamage(replayed, report);
            NamespaceState state = register(replayed.name, index);
            long[] sum = new long[1];
            index.forEach((keyHash, location) -> {
                int length = recordLength(location);
                sum[0] += length;
                usage.addLive(Locations.segmentId(location), length);
                queueExpiry(state, keyHash, location);
                insertIntoListing(state, location);
            });
            bytes += sum[0];
            namespaces.put(replayed.name, state);
        }
        liveBytes = bytes;
    }

    /**
     * One engine-owned thread runs the expiry sweep and, in PERIODIC mode, the fsync agent;
     * background compaction has a thread of its own, so that a long pass never holds up the
     * periodic fsync (the PERIODIC promise is about a second of exposure) or the expiry sweep.
     */
    private AgentRunner startBackground() {
        SystemNanoClock nanoClock = new SystemNanoClock();
        // The agent's own reading of the clock is ignored: "now" is read under the append lock,
        // so no write can slip in between that reading and the purge (with a clock that moved
        // back, a stale "now" could purge a key written in that window).
        Agent expiry = new ExpiryAgent((agentNow, maxEntries) -> sweepDue(maxEntries), clock, nanoClock,
                options.expiryBatchSize(), options.expiryPace().toNanos());
        List<Agent> agents = new ArrayList<>();
        agents.add(expiry);
        long idleMs = Math.max(1, Math.min(50, options.expiryPace().toMillis() / 4));
        if (options.durability() == Durability.PERIODIC) {
            long intervalNs = options.periodicSyncInterval().toNanos();
            agents.add(new PeriodicSyncAgent(this::periodicForce, nanoClock, intervalNs));
            idleMs = Math.max(1, Math.min(idleMs, TimeUnit.NANOSECONDS.toMillis(intervalNs) / 10));
        }
        Agent agent = agents.size() == 1 ? expiry : new CompositeAgent(agents);
        // Backoff rather than a fixed sleep: between the batches of an expiry burst the agent
        // idles only briefly, so a burst is not held to one batch per sleep.
        return startAgent(agent, "basalt-background", TimeUnit.MILLISECONDS.toNanos(idleMs));
    }

    /** The background compaction's own thread, or null when background compaction is off. */
    private AgentRunner startCompaction() {
        if (!options.backgroundCompaction()) {
            return null;
        }
        Agent compaction = new CompactionAgent(this::backgroundCompaction, new SystemNanoClock(),
                TimeUnit.SECONDS.toNanos(1));
        return startAgent(compaction, "basalt-compaction", TimeUnit.MILLISECONDS.toNanos(50));
    }

    private static AgentRunner startAgent(Agent agent, String threadName, long maxIdleNanos) {
        AgentRunner runner = new AgentRunner(new BackoffIdleStrategy(10, 20, TimeUnit.MICROSECONDS.toNanos(1),
                maxIdleNanos),
                error -> LOG.log(System.Logger.Level.ERROR, "background work failed: " + error, error),
                null, agent);
        AgentRunner.startOnThread(runner, r -> {
            Thread thread = new Thread(r, threadName);
            thread.setDaemon(true);
            return thread;
        });
        return runner;
    }

    private NamespaceState register(String name, HashIndex index) {
        int id = nextNamespaceId++;
        if (id >= namespacesById.length) {
            namespacesById = java.util.Arrays.copyOf(namespacesById, namespacesById.length * 2);
        }
        NamespaceState state = new NamespaceState(id, name, index, log);
        namespacesById[id] = state;
        return state;
    }

    // ---------------------------------------------------------------- expiry

    /** Queues the record's expiration, if it has one. Caller holds the append lock (or is recovery). */
    private void queueExpiry(NamespaceState ns, long keyHash, long location) {
        long expiration = expirationAt(location);
        if (expiration == LogFormat.NO_EXPIRATION) {
            return;
        }
        expiryQueue.add(expiration, ns.id(), keyHash, location);
        liveExpiringKeys++;
        // Overwrites and deletes leave stale entries behind; once they outnumber the live ones,
        // drop them all in one O(n) pass, so the queue stays under twice the live TTL'd keys
        // (plus a floor that keeps small stores from rebuilding often).
        if (expiryQueue.size() > 2 * Math.max(liveExpiringKeys, 4096)) {
            expiryQueue.removeIf((exp, nsId, hash, loc) -> !isCurrent(nsId, hash, loc));
        }
    }

    private void insertIntoListing(NamespaceState ns, long location) {
        UnsafeBuffer segment = log.segment(Locations.segmentId(location)).buffer();
        int offset = Locations.offset(location);
        ns.listing().insert(segment, Records.keyOffset(segment, offset), Records.keyLength(segment, offset));
    }

    private void removeFromListing(NamespaceState ns, long location) {
        UnsafeBuffer segment = log.segment(Locations.segmentId(location)).buffer();
        int offset = Locations.offset(location);
        ns.listing().remove(segment, Records.keyOffset(segment, offset), Records.keyLength(segment, offset));
    }

    /**
     * Lets the listings reuse the memory of removed keys once no reader can be on them (the
     * KeyListing reclaim protocol: every reader that started before the removals has left, and
     * no removal happens in between, which holding the append lock guarantees). Amortised: runs
     * only when a listing holds more than {@link #RECLAIM_THRESHOLD_BYTES} of removed nodes.
     */
    private void reclaimListings() {
        boolean due = false;
        for (NamespaceState ns : namespaces.values()) {
            due |= ns.listing().removedBytesPending() > RECLAIM_THRESHOLD_BYTES;
        }
        if (!due) {
            return;
        }
        epochs.awaitReaders();
        for (NamespaceState ns : namespaces.values()) {
            ns.listing().reclaim();
        }
    }

    private static final long RECLAIM_THRESHOLD_BYTES = 1L << 20;

    private boolean isCurrent(int namespaceId, long keyHash, long location) {
        NamespaceState ns = namespaceId < namespacesById.length ? namespacesById[namespaceId] : null;
        return ns != null && !ns.dropped() && ns.index().holds(keyHash, location);
    }

    long sequenceAt(long location) {
        Segment segment = log.segment(Locations.segmentId(location));
        return Records.sequence(segment.buffer(), Locations.offset(location));
    }

    private long expirationAt(long location) {
        Segment segment = log.segment(Locations.segmentId(location));
        return Records.expirationEpochSeconds(segment.buffer(), Locations.offset(location));
    }

    /**
     * One bounded batch of background expiry: purges due keys from their index only if it still
     * points at the very record that expired (a newer put of the key survives the sweep).
     */
    public int sweepExpired(long nowEpochSeconds, int maxEntries) {
        appendLock.lock();
        try {
            return sweepLocked(nowEpochSeconds, maxEntries);
        } finally {
            appendLock.unlock();
        }
    }

    /** The background agent's batch: "now" is read under the lock. */
    private int sweepDue(int maxEntries) {
        appendLock.lock();
        try {
            return sweepLocked(nowEpochSeconds(), maxEntries);
        } finally {
            appendLock.unlock();
        }
    }

    /** One batch; caller holds the append lock. */
    private int sweepLocked(long nowEpochSeconds, int maxEntries) {
        if (closed.get()) {
            return 0;
        }
        ExpiryBatchEvent batchEvent = new ExpiryBatchEvent(); // JFR, off by default (issue #17)
        batchEvent.begin();
        long[] purged = new long[1];
        int handled = expiryQueue.pollDue(nowEpochSeconds, maxEntries, (expiration, nsId, keyHash, location) -> {
            if (isCurrent(nsId, keyHash, location)) {
                NamespaceState ns = namespacesById[nsId];
                countLive(location, -1);
                ns.index().removeIfAt(keyHash, location);
                removeFromListing(ns, location);
                liveExpiringKeys--;
                purged[0]++;
                CrashPoints.hit(CrashPoint.EXPIRY_PURGED);
            }
        });
        expiredAndPurged += purged[0];
        reclaimListings();
        batchEvent.finish(handled, purged[0], nowEpochSeconds);
        return handled;
    }

    private void periodicForce() {
        if (!log.failed()) {
            log.force();
        }
    }

    // ---------------------------------------------------------------- namespaces

    /** The live namespace of this name, created (durably) if absent. Name already validated. */
    public NamespaceState namespace(String name) {
        checkOpen();
        NamespaceState existing = namespaces.get(name);
        if (existing != null) {
            return existing;
        }
        appendLock.lock();
        try {
            checkOpen();
            existing = namespaces.get(name);
            if (existing != null) {
                return existing;
            }
            NamespaceState created = register(name, new HashIndex(1024));
            appendDurably(LogFormat.TYPE_NAMESPACE_CREATE, created);
            namespaces.put(name, created);
            return created;
        } finally {
            appendLock.unlock();
        }
    }

    /** Names of the live namespaces, sorted. */
    public List<String> namespaceNames() {
        checkOpen();
        List<String> names = new ArrayList<>(namespaces.keySet());
        names.sort(null);
        return names;
    }

    /** Drops a namespace and its data; returns false when there is none of that name. */
    public boolean dropNamespace(String name) {
        NamespaceState dropped;
        appendLock.lock();
        try {
            checkOpen();
            dropped = namespaces.get(name);
            if (dropped == null) {
                return false;
            }
            appendDurably(LogFormat.TYPE_NAMESPACE_DROP, dropped);
            dropped.markDropped();
            namespaces.remove(name);
            namespacesById[dropped.id()] = null;
            dropped.index().forEach((keyHash, location) -> countLive(location, -1));
            liveExpiringKeys -= expiringKeysOf(dropped.index());
        } finally {
            appendLock.unlock();
        }
        epochs.awaitReaders();
        dropped.index().close();
        dropped.listing().close();
        return true;
    }

    private long expiringKeysOf(HashIndex index) {
        long[] count = new long[1];
        index.forEach((keyHash, location) -> count[0] += expirationAt(location) != LogFormat.NO_EXPIRATION ? 1 : 0);
        return count[0];
    }

    /** Adds ({@code sign} 1) or removes (-1) a record from the live figures. Under the append lock. */
    void countLive(long location, int sign) {
        long length = sign * (long) recordLength(location);
        liveBytes += length;
        usage.addLive(Locations.segmentId(location), length);
    }

    /** Namespace records are rare and structural: forced at once, whatever the durability mode. */
    private void appendDurably(byte type, NamespaceState ns) {
        long sequence = ++lastSequence;
        long location = log.append(type, sequence, LogFormat.NO_EXPIRATION, ns.nameBytes(), null, null, null, 0, 0);
        CrashPoints.hit(CrashPoint.NAMESPACE_RECORD_APPENDED);
        usage.noteSequence(Locations.segmentId(location), sequence);
        appendedSequence = sequence;
        log.force();
        CrashPoints.hit(CrashPoint.NAMESPACE_RECORD_FORCED);
    }

    // ---------------------------------------------------------------- writes

    /**
     * The append lock for a compaction step. The lock is not fair (fairness would cost every
     * write a hand-off), so under a steady stream of writers a parked compaction thread can lose
     * the race at every release: the endurance run saw 250 segments of garbage pile up in four
     * seconds of PERIODIC writes with no pass getting through. While this waits, writers yield
     * before taking the lock, so the compaction gets it at the next release; its batches are
     * short, so writers wait about one batch.
     */
    void lockForCompaction() {
        compactionWaiting = true;
        try {
            appendLock.lock();
        } finally {
            compactionWaiting = false;
        }
    }

    /** Stores a put; returns once it is durable per the durability mode. Arguments validated. */
    public void put(NamespaceState ns, byte[] key, byte[] metadata, long expirationEpochSeconds, DirectBuffer value,
            int valueOffset, int valueLength) {
        write(ns, LogFormat.TYPE_PUT, key, metadata, expirationEpochSeconds, value, valueOffset, valueLength);
    }

    /** Stores a delete (a tombstone); absent keys are no error. */
    public void delete(NamespaceState ns, byte[] key) {
        write(ns, LogFormat.TYPE_TOMBSTONE, key, null, LogFormat.NO_EXPIRATION, null, 0, 0);
    }

    private void write(NamespaceState ns, byte type, byte[] key, byte[] metadata, long expirationEpochSeconds,
            DirectBuffer value, int valueOffset, int valueLength) {
        long keyHash = KeyHash.hash(hashSeed, new UnsafeBuffer(key), 0, key.length);
        long sequence;
        while (compactionWaiting) {
            Thread.yield(); // a compaction batch is next in line: see lockForCompaction
        }
        appendLock.lock();
        try {
            checkWritable(ns);
            if (type == LogFormat.TYPE_PUT) {
                diskReserve.beforePut(LogFormat.recordLength(ns.nameBytes().length, key.length,
                        metadata == null ? 0 : metadata.length, valueLength));
            }
            sequence = ++lastSequence;
            CrashPoints.hit(CrashPoint.WRITE_BEFORE_APPEND);
            long location = log.append(type, sequence, expirationEpochSeconds, ns.nameBytes(), key, metadata, value,
                    valueOffset, valueLength);
            CrashPoints.hit(CrashPoint.WRITE_AFTER_APPEND);
            usage.noteSequence(Locations.segmentId(location), sequence);
            appendedSequence = sequence;
            Update update = new Update(sequence, ns, keyHash, key, location, type);
            switch (options.durability()) {
                case SYNC_EACH_WRITE:
                    log.force();
                    apply(update);
                    return;
                case PERIODIC:
                    apply(update);
                    return;
                default:
                    pending.addLast(update);
            }
        } finally {
            appendLock.unlock();
        }
        groupCommit.awaitDurable(sequence);
    }

    /**
     * The lowest segment id holding a record whose index update waits for group commit
     * (Long.MAX_VALUE when none). Pending updates are in append order, so the first is lowest.
     * Caller holds the append lock.
     */
    long firstSegmentWithPendingUpdate() {
        Update first = pending.peekFirst();
        return first == null ? Long.MAX_VALUE : Locations.segmentId(first.location());
    }

    /** Group commit's sync: force, then apply every update the force covered, in order. */
    private long syncAllAndApply() {
        long covered = appendedSequence;
        log.force();
        CrashPoints.hit(CrashPoint.GROUP_COMMIT_BEFORE_APPLY);
        appendLock.lock();
        try {
            while (!pending.isEmpty() && pending.peekFirst().sequence() <= covered) {
                apply(pending.pollFirst());
            }
        } finally {
            appendLock.unlock();
        }
        CrashPoints.hit(CrashPoint.GROUP_COMMIT_AFTER_APPLY);
        return covered;
    }

    /** Applies one durable record to its namespace's index. Caller holds the append lock. */
    private void apply(Update update) {
        NamespaceState ns = update.namespace();
        if (ns.dropped()) {
            return;
        }
        UnsafeBuffer key = new UnsafeBuffer(update.key());
        long previous;
        // A list filters every listed key through the index, so the listing may hold a key the
        // index lacks for a moment, and a list never shows it. An overwrite leaves the listing
        // alone (O(1) instead of a skip-list insert).
        if (update.type() == LogFormat.TYPE_PUT) {
            previous = ns.index().put(update.keyHash(), key, 0, key.capacity(), update.location(), ns.writerMatcher());
            if (previous == HashIndex.NO_LOCATION) {
                ns.listing().insert(key, 0, key.capacity());
            }
            countLive(update.location(), 1);
        } else {
            ns.listing().remove(key, 0, key.capacity());
            previous = ns.index().remove(update.keyHash(), key, 0, key.capacity(), ns.writerMatcher());
        }
        if (previous != HashIndex.NO_LOCATION) {
            countLive(previous, -1);
            if (expirationAt(previous) != LogFormat.NO_EXPIRATION) {
                liveExpiringKeys--;
            }
        }
        if (update.type() == LogFormat.TYPE_PUT) {
            queueExpiry(ns, update.keyHash(), update.location());
        }
    }

    int recordLength(long location) {
        Segment segment = log.segment(Locations.segmentId(location));
        return Records.length(segment.buffer(), Locations.offset(location));
    }

    // ---------------------------------------------------------------- compaction

    /**
     * Runs one compaction pass now over the sealed segments whose dead fraction reaches
     * {@code deadFractionThreshold} (0 compacts every segment with any dead bytes).
     */
    public CompactionResult compact(double deadFractionThreshold, CompactionPass.ProgressListener progress) {
        return compact(deadFractionThreshold, progress, options.compactionBytesPerSecond());
    }

    /** {@link #compact(double, CompactionPass.ProgressListener)} at a given rate (0: unpaced, offline). */
    public CompactionResult compact(double deadFractionThreshold, CompactionPass.ProgressListener progress,
            long bytesPerSecond) {
        checkOpen();
        synchronized (compactionLock) {
            checkOpen();
            if (log.failed()) {
                // A compaction rewrites the log: after a failed fsync it is refused like a write,
                // even when it would find nothing to do (found by the I/O-error loop, which saw
                // compact() return normally after the log's fsync had failed).
                log.force(); // throws the recorded failure
            }
            CompactionPassEvent passEvent = new CompactionPassEvent(); // JFR, off by default (issue #17)
            passEvent.begin();
            CompactionResult result = new CompactionPass(this, compactionPhaseHook, progress,
                    IoPacer.parking(bytesPerSecond, new SystemNanoClock()))
                    .run(new VictimPolicy(deadFractionThreshold));
            passEvent.finish(log.directory().toString(), result.segmentsCompacted(), result.recordsCopied(),
                    result.bytesCopied(), result.tombstonesKept(), result.recordsDropped(), result.bytesReclaimed());
            if (result.segmentsCompacted() > 0) {
                compactionsRun++;
                bytesReclaimed += result.bytesReclaimed();
            }
            return result;
        }
    }

    private int backgroundCompaction() {
        if (closed.get() || log.failed()) {
            return 0;
        }
        try {
            return compact(VictimPolicy.DEFAULT_DEAD_FRACTION, (done, total) -> { }).segmentsCompacted();
        } catch (BasaltException e) {
            LOG.log(System.Logger.Level.WARNING, "background compaction skipped: " + e.getMessage());
            return 0;
        } catch (IllegalStateException e) {
            if (closed.get()) {
                return 0; // close() stopped the pass between batches, as it should
            }
            throw e;
        }
    }

    /** For crash tests: called at each step of every compaction pass; may throw to stop it there. */
    public void compactionPhaseHook(java.util.function.Consumer<CompactionPass.Phase> hook) {
        this.compactionPhaseHook = hook;
    }

    /** Forces every acknowledged write to stable storage. */
    public void sync() {
        checkOpen();
        long target = appendedSequence;
        if (options.durability() == Durability.GROUP_COMMIT) {
            groupCommit.awaitDurable(target);
        }
        log.force();
    }

    // ---------------------------------------------------------------- reads

    /** Epoch seconds now, rounded down, from the injected clock. Allocation-free for system clocks. */
    public long nowEpochSeconds() {
        return Math.floorDiv(clock.millis(), 1000L);
    }

    /**
     * Finds the live record of a key and hands it to {@code reader} inside a read epoch; null
     * when the key is absent, deleted or expired. Verifies the record's body checksum.
     */
    public <T> T readRecord(NamespaceState ns, DirectBuffer key, int keyOffset, int keyLength, RecordReader<T> reader) {
        int token = epochs.enter();
        try {
            checkReadable(ns);
            long location = locate(ns, key, keyOffset, keyLength);
            if (location == HashIndex.NO_LOCATION) {
                return null;
            }
            Segment segment = log.segment(Locations.segmentId(location));
            return reader.read(segment.buffer(), Locations.offset(location));
        } finally {
            epochs.exit(token);
        }
    }

    /**
     * The hot path: copies the value of the key in {@code key[position, limit)} into {@code dst}.
     * See {@code KvNamespace.read} for the contract. No lock, no allocation, no exception for
     * key bytes no key can have.
     */
    public int read(NamespaceState ns, ByteBuffer key, ByteBuffer dst) {
        int token = epochs.enter();
        try {
            checkReadable(ns);
            UnsafeBuffer keyView = keyViews.get();
            int keyLength = key.remaining();
            if (keyLength < 1 || keyLength > Keys.MAX_KEY_BYTES) {
                return -1;
            }
            keyView.wrap(key, key.position(), keyLength);
            if (!Keys.isLegal(keyView, 0, keyLength)) {
                return -1;
            }
            long location = locate(ns, keyView, 0, keyLength);
            if (location == HashIndex.NO_LOCATION) {
                return -1;
            }
            UnsafeBuffer segment = log.segment(Locations.segmentId(location)).buffer();
            int offset = Locations.offset(location);
            int valueLength = Records.valueLength(segment, offset);
            if (valueLength > dst.remaining()) {
                return valueLength;
            }
            int position = dst.position();
            segment.getBytes(Records.valueOffset(segment, offset), dst, position, valueLength);
            dst.position(position + valueLength);
            return valueLength;
        } finally {
            epochs.exit(token);
        }
    }

    /**
     * The location of the key's live put (checksum verified), or NO_LOCATION when absent,
     * deleted or expired at the clock's current second. Inside a read epoch.
     */
    private long locate(NamespaceState ns, DirectBuffer key, int keyOffset, int keyLength) {
        long keyHash = KeyHash.hash(hashSeed, key, keyOffset, keyLength);
        long location = ns.index().get(keyHash, key, keyOffset, keyLength, ns.matcher());
        if (location == HashIndex.NO_LOCATION) {
            return location;
        }
        Segment segment = log.segment(Locations.segmentId(location));
        UnsafeBuffer b = segment.buffer();
        int offset = Locations.offset(location);
        if (Records.type(b, offset) != LogFormat.TYPE_PUT) {
            return HashIndex.NO_LOCATION;
        }
        long expiration = Records.expirationEpochSeconds(b, offset);
        if (expiration != LogFormat.NO_EXPIRATION && expiration <= nowEpochSeconds()) {
            return HashIndex.NO_LOCATION;
        }
        if (!Records.bodyIsIntact(b, offset, segment.mask())) {
            throw new BasaltException("corrupt record in " + segment.path() + " at offset " + offset
                    + ": body checksum mismatch");
        }
        return location;
    }

    /**
     * Visits, in ascending unsigned byte order, the live keys that start with {@code prefix} and
     * come strictly after {@code afterKey} (null: from the start of the prefix range), until
     * {@code maxKeys} were visited. O(log n + page): a seek in the listing, then one index
     * lookup per key to skip keys deleted or expired at the clock's current second. Metadata and
     * expiration are read from the record headers and bodies; values are read only to verify
     * the checksum of a record that has metadata ({@code metadataIsIntact}).
     */
    public int list(NamespaceState ns, byte[] prefix, byte[] afterKey, int maxKeys, ListedRecord visitor) {
        int token = epochs.enter();
        try {
            checkReadable(ns);
            UnsafeBuffer prefixBuffer = new UnsafeBuffer(prefix);
            UnsafeBuffer after = afterKey == null ? null : new UnsafeBuffer(afterKey);
            long now = nowEpochSeconds();
            return ns.listing().scan(after, 0, afterKey == null ? 0 : afterKey.length, false, prefixBuffer, 0,
                    prefix.length, maxKeys, (key, offset, length) -> {
                        long keyHash = KeyHash.hash(hashSeed, key, offset, length);
                        long location = ns.index().get(keyHash, key, offset, length, ns.matcher());
                        if (location == HashIndex.NO_LOCATION) {
                            return false;
                        }
                        Segment file = log.segment(Locations.segmentId(location));
                        UnsafeBuffer segment = file.buffer();
                        int at = Locations.offset(location);
                        long expiration = Records.expirationEpochSeconds(segment, at);
                        if (Records.type(segment, at) != LogFormat.TYPE_PUT
                                || (expiration != LogFormat.NO_EXPIRATION && expiration <= now)
                                || !metadataIsIntact(file, at)) {
                            return false;
                        }
                        visitor.accept(segment, at);
                        return true;
                    });
        } finally {
            epochs.exit(token);
        }
    }

    /**
     * True when a listed record's metadata can be trusted: it has none, or its body checksum
     * verifies. A record indexed from a hint file has had only its header checked (at open), and
     * metadata lives in the body, so without this a listing could return damaged metadata that
     * {@code get} would refuse. A damaged record is left out of the page, as if absent (its
     * {@code get} fails with the file and offset), so that one bad record does not make the rest
     * of the namespace unlistable. The key and the expiration need no such check: the expiration
     * is in the verified header, and a damaged key no longer matches its index entry. The cost
     * is one CRC32C of the record (value included) per listed key that has metadata.
     */
    private static boolean metadataIsIntact(Segment segment, int offset) {
        return Records.metadataLength(segment.buffer(), offset) == 0
                || Records.bodyIsIntact(segment.buffer(), offset, segment.mask());
    }

    /** Encodes and checks this store's list cursors. */
    public Cursors cursors() {
        return cursors;
    }

    /**
     * Retains the segment of a live record so that a value stream can outlive its read epoch;
     * returns null when the key is not live. The caller releases the segment.
     */
    public Segment retainSegmentOf(NamespaceState ns, DirectBuffer key, int keyOffset, int keyLength, long[] location) {
        int token = epochs.enter();
        try {
            checkReadable(ns);
            long found = locate(ns, key, keyOffset, keyLength);
            if (found == HashIndex.NO_LOCATION) {
                return null;
            }
            Segment segment = log.segment(Locations.segmentId(found));
            if (!segment.retain()) {
                throw new IllegalStateException("the store is closed");
            }
            location[0] = found;
            return segment;
        } finally {
            epochs.exit(token);
        }
    }

    // ---------------------------------------------------------------- state

    public BasaltStats stats() {
        checkOpen();
        long keys = 0;
        long indexBytes = 0;
        for (NamespaceState ns : namespaces.values()) {
            keys += ns.index().size();
            indexBytes += ns.index().offHeapBytes() + ns.listing().offHeapBytes();
        }
        indexBytes += expiryQueue.offHeapBytes();
        return new BasaltStats(keys, liveBytes, log.totalBytes(), log.segmentCount(), indexBytes, expiredAndPurged,
                compactionsRun, bytesReclaimed,
                report.corruptRecords().size(), namespaces.size(), log.syncsRun());
    }

    void checkOpen() {
        if (closed.get()) {
            throw new IllegalStateException("the Basalt store is closed");
        }
    }

    private void checkReadable(NamespaceState ns) {
        checkOpen();
        if (ns.dropped()) {
            throw new IllegalStateException("namespace " + ns.name() + " was dropped");
        }
    }

    private void checkWritable(NamespaceState ns) {
        checkReadable(ns);
        if (log.failed()) {
            log.force(); // throws the recorded failure
        }
    }

    /** Idempotent: waits for background work, syncs, and releases every file, map and block. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            if (compactionRunner != null) {
                compactionRunner.close();
            }
            background.close();
            if (!log.failed()) {
                if (options.durability() == Durability.GROUP_COMMIT) {
                    groupCommit.awaitDurable(appendedSequence);
                }
                appendLock.lock();
                try {
                    log.force();
                } finally {
                    appendLock.unlock();
                }
            }
        } finally {
            // A pass on another thread changes files only inside this lock and checks the closed
            // flag there, so it never writes into a directory this store no longer owns; it keeps
            // its victims mapped through its own references, so unmapping here is safe.
            synchronized (compactionFiles) {
                releaseEverything();
            }
        }
    }

    private void releaseEverything() {
        epochs.awaitReaders();
        for (NamespaceState ns : namespaces.values()) {
            ns.markDropped();
            ns.index().close();
            ns.listing().close();
        }
        namespaces.clear();
        expiryQueue.close();
        log.close();
        lock.close();
    }
}
