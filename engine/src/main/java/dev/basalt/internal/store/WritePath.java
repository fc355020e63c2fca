package dev.basalt.internal.store;

import dev.basalt.Durability;
import dev.basalt.internal.compaction.SegmentUsage;
import dev.basalt.internal.env.CrashPoint;
import dev.basalt.internal.env.CrashPoints;
import dev.basalt.internal.env.Limits;
import dev.basalt.internal.log.Locations;
import dev.basalt.internal.log.LogFormat;
import dev.basalt.internal.log.BatchRecords;
import dev.basalt.internal.log.RecordEncoder;
import dev.basalt.internal.log.SegmentLog;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The write path: one append lock serialises appends and every change to the namespaces'
 * structures (one writer at a time, as the index and the listing require); the durability mode
 * decides when an appended record is applied and acknowledged.
 *
 * <p>Invariant: an index points only at records that are durable per the mode. SYNC_EACH_WRITE
 * forces before applying; PERIODIC applies at once (the agent forces every interval); in
 * GROUP_COMMIT an update waits in {@code pending} until the fsync that covers its record, which
 * whichever writer leads the group runs ({@link GroupCommit}).
 *
 * <p>Allocation: a put applied at once (PERIODIC, SYNC_EACH_WRITE) creates no object here, in
 * the log or in the namespace's structures, so the allocation-free put stays at 0 B/op; group
 * commit keeps an {@link Update} (with the key) per put until its fsync.
 */
final class WritePath {
    private final SegmentLog log;
    private final SegmentUsage usage;
    private final Durability durability;
    private final DiskReserve diskReserve;
    private final OpenState open;
    private final Reads reads;
    /** How long a writer spins for the append lock before it parks ({@link #lockForWrite}). */
    private static final long SPIN_NANOS = 20_000;

    private final ReentrantLock appendLock = new ReentrantLock();
    /** The writer's view of a key given as an array; under the lock only. */
    private final UnsafeBuffer ownedKeyView = new UnsafeBuffer(0, 0);
    /** Updates waiting for their group commit, in append (so sequence) order; under the lock. */
    private final ArrayDeque<Update> pending = new ArrayDeque<>();
    private final GroupCommit groupCommit;
    /**
     * Background steps waiting for the append lock (a compaction step, a listing catch-up's
     * hold); writers step aside while any does ({@link #lockForBackgroundStep}). A count, not a
     * flag: several threads may wait at once (compaction's, the background thread, a list's).
     */
    private final AtomicInteger stepsWaiting = new AtomicInteger();
    /**
     * What a batch's look-ahead loaded, kept so that its loads are not dropped; never read. A
     * batch's keys' home slots are loaded before the lock, their misses overlapping, instead of
     * one after another as the batch is indexed under it. Written racily by concurrent writers.
     */
    private long slotsTouched;
    /** Under the lock. */
    private long lastSequence;
    private volatile long appendedSequence;

    WritePath(SegmentLog log, SegmentUsage usage, Durability durability, DiskReserve diskReserve, OpenState open,
            Reads reads, long recoveredSequence) {
        this.log = log;
        this.reads = reads;
        this.usage = usage;
        this.durability = durability;
        this.diskReserve = diskReserve;
        this.open = open;
        this.lastSequence = recoveredSequence;
        this.appendedSequence = recoveredSequence;
        this.groupCommit = new GroupCommit(this::syncAllAndApply, recoveredSequence);
    }

    /** The sequence of the newest record; under the lock, or once writers stopped. */
    long lastSequence() {
        return lastSequence;
    }

    /**
     * Stores a put; returns once it is durable per the durability mode. Arguments validated.
     * The key array is the engine's own (group commit keeps it until the update is applied).
     */
    void put(NamespaceState ns, byte[] key, byte[] metadata, long expirationEpochSeconds, DirectBuffer value,
            int valueOffset, int valueLength) {
        write(ns, LogFormat.TYPE_PUT, null, 0, key.length, key, metadata, expirationEpochSeconds, value,
                valueOffset, valueLength);
    }

    /**
     * Stores a put of the key in {@code key[keyOffset, keyOffset + keyLength)}, the caller's
     * bytes: they are read before this returns and copied only where the mode keeps the key
     * (group commit). Under PERIODIC and SYNC_EACH_WRITE nothing is allocated on this path.
     */
    void put(NamespaceState ns, DirectBuffer key, int keyOffset, int keyLength, byte[] metadata,
            long expirationEpochSeconds, DirectBuffer value, int valueOffset, int valueLength) {
        write(ns, LogFormat.TYPE_PUT, key, keyOffset, keyLength, null, metadata, expirationEpochSeconds, value,
                valueOffset, valueLength);
    }

    /** Stores a delete (a tombstone); absent keys are no error. */
    void delete(NamespaceState ns, byte[] key) {
        write(ns, LogFormat.TYPE_TOMBSTONE, null, 0, key.length, key, null, Limits.NO_EXPIRATION, null, 0, 0);
    }

    /**
     * One record: the key is either {@code key[keyOffset, +keyLength)} (the caller's bytes) or,
     * when {@code key} is null, the engine's own array {@code ownedKey}.
     *
     * <p>Why the hash is taken under the lock: an array key is seen through {@link #ownedKeyView},
     * which is the writer's and so only ours under the lock, and a view per call would be an
     * object per put. Hashing 16 bytes is one multiply (512 bytes, 32), next to a write system
     * call in the same critical section.
     */
    private void write(NamespaceState ns, byte type, DirectBuffer key, int keyOffset, int keyLength,
            byte[] ownedKey, byte[] metadata, long expirationEpochSeconds, DirectBuffer value, int valueOffset,
            int valueLength) {
        long sequence;
        lockForWrite(ns, key, keyOffset, keyLength, ownedKey);
        try {
            if (key == null) {
                ownedKeyView.wrap(ownedKey);
                key = ownedKeyView;
                keyOffset = 0;
            }
            long keyHash = ns.hash(key, keyOffset, keyLength);
            open.checkWritable(ns);
            if (type == LogFormat.TYPE_PUT) {
                diskReserve.beforePut(LogFormat.recordLength(ns.nameBytes().length, keyLength,
                        metadata == null ? 0 : metadata.length, valueLength, expirationEpochSeconds, false));
            }
            sequence = ++lastSequence;
            CrashPoints.hit(CrashPoint.WRITE_BEFORE_APPEND);
            long location = log.append(type, sequence, expirationEpochSeconds, ns.nameBytes(), key, keyOffset,
                    keyLength, metadata, value, valueOffset, valueLength);
            CrashPoints.hit(CrashPoint.WRITE_AFTER_APPEND);
            usage.noteRecord(Locations.segmentId(location), sequence, type, expirationEpochSeconds);
            appendedSequence = sequence;
            switch (durability) {
                case SYNC_EACH_WRITE:
                    log.force();
                    ns.apply(type, keyHash, key, keyOffset, keyLength, location);
                    return;
                case PERIODIC:
                    ns.apply(type, keyHash, key, keyOffset, keyLength, location);
                    return;
                default:
                    byte[] kept = ownedKey != null ? ownedKey : copy(key, keyOffset, keyLength);
                    pending.addLast(new Update(sequence, ns, keyHash, kept, location, type));
            }
        } finally {
            appendLock.unlock();
        }
        groupCommit.awaitDurable(sequence);
    }

    private static byte[] copy(DirectBuffer buffer, int offset, int length) {
        byte[] bytes = new byte[length];
        buffer.getBytes(offset, bytes);
        return bytes;
    }

    /**
     * Stores a write batch as one unit: its records are appended contiguously, marked so that
     * recovery replays all of them or none, and acknowledged together per the durability mode
     * (one fsync for the batch in SYNC_EACH_WRITE and GROUP_COMMIT). Entries validated, keys
     * distinct.
     */
    void writeBatch(NamespaceState ns, List<BatchEntry> entries) {
        int count = entries.size();
        long[] hashes = new long[count];
        long putBytes = 0;
        for (int i = 0; i < count; i++) {
            BatchEntry entry = entries.get(i);
            hashes[i] = ns.hash(new UnsafeBuffer(entry.key()), 0, entry.key().length);
            putBytes += entry.isPut() ? entry.recordLength(ns.nameBytes().length, count > 1) : 0;
        }
        slotsTouched += reads.touchHomeSlots(ns, hashes, count);
        long last;
        lockForWrite();
        try {
            open.checkWritable(ns);
            if (putBytes > 0) {
                diskReserve.beforePut(putBytes);
            }
            long first = lastSequence + 1;
            long[] locations = log.appendBatch(new EncodedBatch(ns, entries), first);
            CrashPoints.hit(CrashPoint.BATCH_WRITTEN);
            last = first + count - 1;
            lastSequence = last;
            appendedSequence = last;
            for (int i = 0; i < count; i++) {
                BatchEntry entry = entries.get(i);
                usage.noteRecord(Locations.segmentId(locations[i]), first + i, entry.type(),
                        entry.expirationEpochSeconds());
                Update update = new Update(first + i, ns, hashes[i], entry.key(), locations[i], entry.type());
                if (durability == Durability.GROUP_COMMIT) {
                    pending.addLast(update);
                } else {
                    if (durability == Durability.SYNC_EACH_WRITE && i == 0) {
                        log.force();
                    }
                    ns.apply(update);
                }
            }
        } finally {
            appendLock.unlock();
        }
        if (durability == Durability.GROUP_COMMIT) {
            groupCommit.awaitDurable(last);
        }
    }

    /** A batch's entries as the log encodes them, in the namespace {@code ns}. */
    private record EncodedBatch(NamespaceState ns, List<BatchEntry> entries) implements BatchRecords {
        @Override
        public int size() {
            return entries.size();
        }

        @Override
        public int length(int i) {
            return entries.get(i).recordLength(ns.nameBytes().length, entries.size() > 1);
        }

        @Override
        public int encode(int i, RecordEncoder encoder, long sequence, int mask, int batchFollowing,
                short batchFlags) {
            BatchEntry e = entries.get(i);
            return encoder.encode(e.type(), sequence, e.expirationEpochSeconds(), ns.nameBytes(), e.key(),
                    e.metadata(), e.value(), e.valueOffset(), e.valueLength(), mask, batchFollowing, batchFlags);
        }
    }

    /**
     * Appends a namespace record and forces it at once, whatever the mode: namespace records
     * are rare and structural. Caller holds the append lock.
     */
    void appendNamespaceRecord(byte type, NamespaceState ns) {
        long sequence = ++lastSequence;
        long location = log.append(type, sequence, Limits.NO_EXPIRATION, ns.nameBytes(), null, null, null, 0, 0);
        CrashPoints.hit(CrashPoint.NAMESPACE_RECORD_APPENDED);
        usage.noteRecord(Locations.segmentId(location), sequence, type, Limits.NO_EXPIRATION);
        appendedSequence = sequence;
        log.force();
        CrashPoints.hit(CrashPoint.NAMESPACE_RECORD_FORCED);
    }

    void lock() {
        appendLock.lock();
    }

    void unlock() {
        appendLock.unlock();
    }

    /**
     * The append lock for a put, a delete or a batch. A background step next in line goes first
     * ({@link #lockForBackgroundStep}). Then the writer spins for up to {@value #SPIN_NANOS} ns
     * before it parks: the other holders' critical sections are short (a compaction step copies
     * one record, an expiry batch purges a few keys), while a park and its wake-up cost tens to
     * hundreds of microseconds on the project's busy 2-vCPU VMs (issue 14: alternating
     * sustained-overwrite runs were level or faster with the spin, their worst seconds better).
     */
    /**
     * {@link #lockForWrite()} for a write of one key (the caller's bytes, or {@code ownedKey}
     * when {@code key} is null). When the lock is not free at once, the key is first looked up
     * as a read would ({@link Reads#touch}), so that the cache misses of its index slot and of
     * the record that slot names (read under the lock to confirm the key and to count it
     * superseded: most of a put's time at 1 M keys) are taken while the holder works, not inside
     * this writer's own turn. Two writers then overlap their misses instead of queuing them. A
     * lone writer, which finds the lock free, does nothing more than before.
     */
    private void lockForWrite(NamespaceState ns, DirectBuffer key, int keyOffset, int keyLength, byte[] ownedKey) {
        if (stepsWaiting.get() == 0 && appendLock.tryLock()) {
            return;
        }
        if (key != null) {
            reads.touch(ns, key, keyOffset, keyLength);
        } else {
            reads.touch(ns, ownedKey);
        }
        lockForWrite();
    }

    private void lockForWrite() {
        if (stepsWaiting.get() != 0) {
            stepAsideForBackgroundStep();
        }
        if (!spinForLock()) {
            appendLock.lock();
        }
    }

    /** Tries the append lock for up to {@value #SPIN_NANOS} ns without parking; true when taken. */
    private boolean spinForLock() {
        long deadline = System.nanoTime() + SPIN_NANOS;
        do {
            if (appendLock.tryLock()) {
                return true;
            }
            Thread.onSpinWait();
        } while (System.nanoTime() < deadline);
        return false;
    }

    /**
     * Waits while a background step is about to take the lock: it spins for it too
     * ({@link #lockForBackgroundStep}), so this is normally the time of one compare-and-set on
     * the other core. Yields only past the spin, when the step's thread has lost its CPU.
     */
    private void stepAsideForBackgroundStep() {
        long deadline = System.nanoTime() + SPIN_NANOS;
        while (stepsWaiting.get() != 0) {
            if (System.nanoTime() < deadline) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
    }

    /**
     * The append lock for a background step: a compaction step, or a hold of the listing
     * catch-up ({@code ListingCatchUp}). The lock is not fair (fairness would cost every
     * write a hand-off), so under a steady stream of writers a parked compaction thread can lose
     * the race at every release: the endurance run saw 250 segments of garbage pile up in four
     * seconds of PERIODIC writes with no pass getting through. While this waits, writers yield
     * before taking the lock, so the compaction gets it at the next release; its steps are
     * short, so writers wait about one step.
     *
     * <p>The step spins for the lock as a writer does before it parks. A parked step made every
     * writer's release a wake-up (a futex call and an interrupt to the other core), and the
     * writer yielded in a system call until the step ran: with a pass copying 2.3 records per
     * put, that hand-off was most of a put's cost under sustained overwrite (issue 14,
     * docs/benchmarks.md).
     *
     * <p>The listing catch-up needs the same: once it looks up a hold's keys before it takes the
     * lock, a writer that spins for the lock takes it back at every release, the owed keys pile
     * up and the writers insert them one by one in their arrival order, the slowest way there is
     * (issue 14, docs/benchmarks.md).
     */
    void lockForBackgroundStep() {
        stepsWaiting.incrementAndGet();
        try {
            if (!spinForLock()) {
                appendLock.lock();
            }
        } finally {
            stepsWaiting.decrementAndGet();
        }
    }

    /**
     * Whether a thread is parked waiting for the append lock: a compaction step, holding the
     * lock for one record at a time, lets it through before taking the lock again (the lock is
     * not fair, so without this the pass would take it back before a woken writer runs).
     */
    boolean threadsQueued() {
        return appendLock.hasQueuedThreads();
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

    /** The location of the oldest appended record whose index update is pending, or -1; under the lock. */
    long firstPendingLocation() {
        Update first = pending.peekFirst();
        return first == null ? -1 : first.location();
    }

    /** Waits until every record appended so far is durable and applied (group commit); not under the lock. */
    void awaitApplied() {
        if (durability == Durability.GROUP_COMMIT) {
            groupCommit.awaitDurable(appendedSequence);
        }
    }

    /** Forces every acknowledged write to stable storage. */
    void sync() {
        if (durability == Durability.GROUP_COMMIT) {
            groupCommit.awaitDurable(appendedSequence);
        }
        log.force();
    }

    /** At close: every appended record durable and applied. */
    void flush() {
        if (durability == Durability.GROUP_COMMIT) {
            groupCommit.awaitDurable(appendedSequence);
        }
        appendLock.lock();
        try {
            log.force();
        } finally {
            appendLock.unlock();
        }
    }

    /** Group commit's sync: force, then apply every update the force covered, in order. */
    private long syncAllAndApply() {
        long covered = appendedSequence;
        log.force();
        CrashPoints.hit(CrashPoint.GROUP_COMMIT_BEFORE_APPLY);
        appendLock.lock();
        try {
            while (!pending.isEmpty() && pending.peekFirst().sequence() <= covered) {
                Update update = pending.pollFirst();
                if (!update.namespace().dropped()) {
                    update.namespace().apply(update);
                }
            }
        } finally {
            appendLock.unlock();
        }
        CrashPoints.hit(CrashPoint.GROUP_COMMIT_AFTER_APPLY);
        return covered;
    }
}
