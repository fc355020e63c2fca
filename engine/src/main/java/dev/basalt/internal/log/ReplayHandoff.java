package dev.basalt.internal.log;

import dev.basalt.internal.env.OpenHelpers;
import java.io.IOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Runs the log's side of a replay (reading hint files, scanning segments, verifying checksums,
 * building hints) on a thread of its own, {@code basalt-open-replay}, while the opening thread
 * hands what it finds to the real sink (the indexes): the two halves of an open after a kill each
 * take about half of it, and the machines Basalt runs on have a second core.
 *
 * <p>The sink sees the records, the checkpoint's trust and the tail's estimate in exactly the
 * order it would see them without the handoff. Each call is copied into a batch (a record's
 * namespace and key bytes too: a hint file's buffer does not outlive its read), and full batches
 * pass through a queue. The sink's side announces each run of up to {@link RecoverySink#RUN}
 * records from the batch ({@link #expect}, {@link #fetchExpected}); the log's side announces
 * nothing, which halves what it copies, and it is that side that limits the pace at 1 M keys (its
 * checksums and scan take more than the indexing). The log calls
 * {@link #settle} before it unmaps memory the records delivered so far point into (the sink
 * reads records by location), and that waits until the sink has taken every one of them.
 *
 * <p>Failures: whatever the log's side throws is thrown to the opening thread once the sink has
 * taken everything before it; a sink that throws stops the log's side at its next call (with
 * {@link Aborted}), and the sink's exception is thrown once that thread has ended. Either way,
 * nothing of the log's is released while the sink may still read it.
 *
 * <p>Threads: the recording calls and {@link #settle} on the log's thread; {@link #run} on the
 * opening thread.
 */
final class ReplayHandoff implements RecoverySink {
    /** The log's side of a replay, run on the handoff's thread with the handoff as its sink. */
    interface Replay {
        String run(RecoverySink sink) throws IOException;
    }

    /** Thrown on the log's thread when the sink failed: there is no one left to replay to. */
    static final class Aborted extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Aborted() {
            super("the replay's sink failed", null, false, false);
        }
    }

    static final int EVENTS_PER_BATCH = 2048;
    /**
     * How far the log's side may run ahead, about 130,000 records (some 10 MB of batches at most,
     * allocated as needed): the sink stops for tens of milliseconds at times (an index growing),
     * and with four batches the log's side stopped with it, so each waited on the other: the
     * replay of a 1 M-key open after a kill took a sixth less time instead of a third.
     */
    static final int BATCHES_IN_FLIGHT = 64;
    private static final long WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final long SETTLE_PARK_NANOS = TimeUnit.MICROSECONDS.toNanos(50);

    private final BlockingQueue<Batch> full = new ArrayBlockingQueue<>(BATCHES_IN_FLIGHT + 1);
    private final BlockingQueue<Batch> free = new ArrayBlockingQueue<>(BATCHES_IN_FLIGHT + 2);
    private Batch filling = new Batch();
    /** Batches handed to the sink's side, and batches it finished; only the log's thread writes the first. */
    private long handed;
    private volatile long finished;
    private volatile boolean aborted;
    private String result;
    private Throwable failure;

    private ReplayHandoff() {
        free.add(new Batch());
    }

    /**
     * Runs {@code replay} on the handoff's thread, delivering to {@code sink} on this one, and
     * returns what {@code replay} returned, or throws what it or the sink threw.
     */
    static String run(RecoverySink sink, Replay replay) throws IOException {
        ReplayHandoff handoff = new ReplayHandoff();
        Thread logSide = OpenHelpers.start("basalt-open-replay", () -> handoff.produce(replay));
        Throwable sinkFailure = null;
        boolean ended = false;
        try {
            ended = handoff.deliverTo(sink, logSide);
        } catch (RuntimeException | Error e) {
            sinkFailure = e;
            handoff.aborted = true;
            handoff.full.clear(); // unblocks the log's side; it stops at its next call
        }
        OpenHelpers.joinUninterruptibly(logSide);
        if (sinkFailure != null) {
            if (handoff.failure != null && !(handoff.failure instanceof Aborted)) {
                sinkFailure.addSuppressed(handoff.failure);
            }
            throw rethrown(sinkFailure);
        }
        if (!ended && handoff.failure == null) {
            throw new IllegalStateException("the replay's thread ended without finishing the replay");
        }
        if (handoff.failure instanceof IOException) {
            throw (IOException) handoff.failure;
        }
        if (handoff.failure != null) {
            throw rethrown(handoff.failure);
        }
        return handoff.result;
    }

    private void produce(Replay replay) {
        try {
            result = replay.run(this);
        } catch (Throwable t) {
            failure = t;
        }
        try {
            room(0).add(Batch.END);
            handOver();
        } catch (Aborted e) {
            // The sink's side stopped: it waits for no end.
        }
    }

    /**
     * The opening thread: hands every call to {@code sink} until the log's side ended: true when
     * its last batch said so, false when that thread died without one and nothing is left.
     */
    private boolean deliverTo(RecoverySink sink, Thread logSide) {
        while (true) {
            Batch batch = nextBatch(logSide);
            if (batch == null) {
                return false;
            }
            boolean ended = batch.deliverTo(sink);
            batch.clear();
            free.offer(batch);
            finished++;
            if (ended) {
                return true;
            }
        }
    }

    @Override
    public void checkpointTrusted() {
        room(0).add(Batch.CHECKPOINT_TRUSTED);
    }

    @Override
    public void tailAhead(long records) {
        room(0).addTail(records);
    }

    @Override
    public void accept(long location, byte type, long sequence, long expirationEpochSeconds, int recordLength,
            DirectBuffer names, int namesOffset, int namespaceLength, int keyLength, boolean checked) {
        room(namespaceLength + keyLength).addAccept(location, type, sequence, expirationEpochSeconds, recordLength,
                names, namesOffset, namespaceLength, keyLength, checked);
    }

    /**
     * Waits until the sink took every call made so far, or failed: either way it no longer reads
     * what they point into. Returns without throwing, as it runs in the log's cleanup too.
     */
    @Override
    public void settle() {
        if (!aborted) {
            try {
                handOver();
            } catch (Aborted e) {
                return;
            }
        }
        while (!aborted && finished < handed) {
            java.util.concurrent.locks.LockSupport.parkNanos(SETTLE_PARK_NANOS);
        }
    }

    /** The batch to record the next call in, with room for {@code nameBytes}; hands the current one over when full. */
    private Batch room(int nameBytes) {
        if (aborted) {
            throw new Aborted();
        }
        if (filling.isFull(nameBytes)) {
            handOver();
        }
        return filling;
    }

    private void handOver() {
        if (filling.isEmpty()) {
            return;
        }
        enqueue(filling);
        filling = takeFree();
    }

    /**
     * Queues {@code batch} for the sink's side, waiting while the queue is full; {@link Aborted}
     * if that side stopped.
     */
    private void enqueue(Batch batch) {
        boolean interrupted = false;
        try {
            while (true) {
                if (aborted) {
                    throw new Aborted();
                }
                try {
                    if (full.offer(batch, WAIT_NANOS, TimeUnit.NANOSECONDS)) {
                        handed++;
                        return;
                    }
                } catch (InterruptedException e) {
                    interrupted = true; // the sink's side waits for this batch: it is delivered all the same
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private Batch takeFree() {
        Batch batch = free.poll();
        return batch != null ? batch : new Batch();
    }

    /** The next full batch; null once the log's side is gone without an end and none is left. */
    private Batch nextBatch(Thread logSide) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    Batch batch = full.poll(WAIT_NANOS, TimeUnit.NANOSECONDS);
                    if (batch != null) {
                        return batch;
                    }
                    if (!logSide.isAlive() && full.isEmpty()) {
                        return null;
                    }
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static RuntimeException rethrown(Throwable t) {
        if (t instanceof Error) {
            throw (Error) t;
        }
        if (t instanceof RuntimeException) {
            return (RuntimeException) t;
        }
        return new IllegalStateException(t);
    }

    /** Recorded sink calls, in order; the names of each accept and expect copied in. */
    private static final class Batch {
        static final byte ACCEPT = 0;
        static final byte CHECKPOINT_TRUSTED = 1;
        static final byte TAIL = 2;
        static final byte END = 3;
        private static final int NAME_BYTES = 64 * 1024;

        private final byte[] kinds = new byte[EVENTS_PER_BATCH];
        private final long[] locations = new long[EVENTS_PER_BATCH];
        private final long[] sequences = new long[EVENTS_PER_BATCH];
        private final long[] expirations = new long[EVENTS_PER_BATCH];
        private final int[] lengths = new int[EVENTS_PER_BATCH];
        private final byte[] types = new byte[EVENTS_PER_BATCH];
        private final boolean[] checked = new boolean[EVENTS_PER_BATCH];
        private final int[] namespaceLengths = new int[EVENTS_PER_BATCH];
        private final int[] keyLengths = new int[EVENTS_PER_BATCH];
        private final int[] nameStarts = new int[EVENTS_PER_BATCH];
        private final UnsafeBuffer names = new UnsafeBuffer(new byte[NAME_BYTES]);
        private int events;
        private int nameEnd;

        boolean isEmpty() {
            return events == 0;
        }

        /** Whether one more call, with {@code nameBytes} of names, does not fit (one always fits an empty batch). */
        boolean isFull(int nameBytes) {
            if (events == 0) {
                if (nameBytes > names.capacity()) {
                    names.wrap(new byte[nameBytes]);
                }
                return false;
            }
            return events == EVENTS_PER_BATCH || nameEnd + nameBytes > names.capacity();
        }

        void add(byte kind) {
            kinds[events++] = kind;
        }

        void addTail(long records) {
            locations[events] = records;
            add(TAIL);
        }

        void addAccept(long location, byte type, long sequence, long expiration, int length, DirectBuffer from,
                int offset, int namespaceLength, int keyLength, boolean isChecked) {
            copyNames(from, offset, namespaceLength, keyLength);
            locations[events] = location;
            types[events] = type;
            sequences[events] = sequence;
            expirations[events] = expiration;
            lengths[events] = length;
            checked[events] = isChecked;
            add(ACCEPT);
        }

        private void copyNames(DirectBuffer from, int offset, int namespaceLength, int keyLength) {
            int bytes = namespaceLength + keyLength;
            from.getBytes(offset, names, nameEnd, bytes);
            nameStarts[events] = nameEnd;
            namespaceLengths[events] = namespaceLength;
            keyLengths[events] = keyLength;
            nameEnd += bytes;
        }

        /**
         * Replays the calls into {@code sink}, each run of up to {@link RecoverySink#RUN} records
         * announced and fetched before it is accepted; true when the last call ended the replay.
         */
        boolean deliverTo(RecoverySink sink) {
            int i = 0;
            while (i < events) {
                switch (kinds[i]) {
                    case ACCEPT:
                        int runEnd = i + 1;
                        while (runEnd < events && runEnd - i < RecoverySink.RUN && kinds[runEnd] == ACCEPT) {
                            runEnd++;
                        }
                        for (int r = i; r < runEnd; r++) {
                            sink.expect(locations[r], names, nameStarts[r], namespaceLengths[r], keyLengths[r]);
                        }
                        sink.fetchExpected();
                        for (int r = i; r < runEnd; r++) {
                            sink.accept(locations[r], types[r], sequences[r], expirations[r], lengths[r], names,
                                    nameStarts[r], namespaceLengths[r], keyLengths[r], checked[r]);
                        }
                        i = runEnd;
                        continue;
                    case CHECKPOINT_TRUSTED:
                        sink.checkpointTrusted();
                        break;
                    case TAIL:
                        sink.tailAhead(locations[i]);
                        break;
                    default:
                        return true;
                }
                i++;
            }
            return false;
        }

        void clear() {
            events = 0;
            nameEnd = 0;
        }
    }
}
