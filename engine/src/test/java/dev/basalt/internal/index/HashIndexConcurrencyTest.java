package dev.basalt.internal.index;

import static dev.basalt.internal.index.HashIndex.NO_LOCATION;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * One writer inserts, removes, repoints and grows the index while two readers call
 * {@link HashIndex#get} for keys whose answer they know, and {@link HashIndex#mayHold} for
 * locations they know are held. Loops are bounded by counts; the
 * only timeout is a guard against a hung reader, not a timing assertion.
 *
 * <p>Keys are 8-byte ids; a location is {@code id << VERSION_BITS | version}, so the matcher
 * needs no shared map. Ids come in groups of four sharing one full 64-bit hash, so every
 * lookup also has to get past other keys' slots with an equal hash.
 */
class HashIndexConcurrencyTest {
    private static final int VERSION_BITS = 20;
    private static final int STABLE_IDS = 4_000;          // ids 0..3999; id % 4 == 3 never put
    private static final int MOVING_FIRST = 10_000;       // always present, repointed all along
    private static final int MOVING_IDS = 1_000;
    private static final int CHURN_FIRST = 100_000;       // come and go
    private static final int CHURN_IDS = 60_000;
    private static final int PHASES = 30;
    private static final int READERS = 2;

    private static final KeyMatcher ID_MATCHER = (location, key, offset, length) ->
        length == Long.BYTES && key.getLong(offset) == location >>> VERSION_BITS;

    private final HashIndex index = new HashIndex(0);
    private final AtomicReference<String> firstViolation = new AtomicReference<>();
    private final AtomicInteger[] readerRounds = {new AtomicInteger(), new AtomicInteger()};
    /** Readers that have returned (done, or stopped at the first violation or an exception). */
    private final AtomicInteger readersStopped = new AtomicInteger();
    private volatile boolean writerDone;

    @Test
    void readersNeverSeeAWrongOrMissingLocationWhileTheWriterGrowsTheTable() throws Exception {
        final Writer writer = new Writer();
        writer.putStableAndMovingKeys();
        final int capacityBefore = index.table().capacitySlots;

        final ExecutorService threads = Executors.newFixedThreadPool(READERS + 1);
        try {
            final List<Future<?>> readers = new ArrayList<>();
            for (int r = 0; r < READERS; r++) {
                final int reader = r;
                readers.add(threads.submit(() -> read(reader)));
            }
            final Future<?> writing = threads.submit(writer::churn);
            // Hang guard only: the work is bounded by counts and takes well under a second.
            writing.get(2, TimeUnit.MINUTES);
            for (Future<?> reader : readers) {
                reader.get(2, TimeUnit.MINUTES);
            }
        } finally {
            threads.shutdownNow();
            index.close();
        }

        assertThat(firstViolation.get()).isNull();
        assertThat(writer.capacityAfter).as("the table grew while readers ran").isGreaterThan(4 * capacityBefore);
        for (AtomicInteger rounds : readerRounds) {
            assertThat(rounds.get()).as("reader rounds overlapping the writer").isGreaterThanOrEqualTo(PHASES);
        }
    }

    /** Single-threaded writer; the only thread that mutates the index. */
    private final class Writer {
        private final UnsafeBuffer key = new UnsafeBuffer(new byte[Long.BYTES]);
        private final UnsafeBuffer scratch = new UnsafeBuffer(new byte[Long.BYTES]);
        private final int[] movingVersion = new int[MOVING_IDS];
        private int capacityAfter;

        void putStableAndMovingKeys() {
            for (int id = 0; id < STABLE_IDS; id++) {
                if (id % 4 != 3) {
                    put(id, 0);
                }
            }
            for (int i = 0; i < MOVING_IDS; i++) {
                put(MOVING_FIRST + i, 0);
            }
        }

        void churn() {
            try {
                final int perPhase = CHURN_IDS / PHASES;
                for (int phase = 0; phase < PHASES; phase++) {
                    for (int i = phase * perPhase; i < (phase + 1) * perPhase; i++) {
                        put(CHURN_FIRST + i, 1);
                        if (i % 3 == 0) {
                            remove(CHURN_FIRST + i / 2); // some present, some already gone
                        }
                        repointMoving(i % MOVING_IDS, i % 2 == 0);
                    }
                    awaitReaders(phase + 1);
                }
                capacityAfter = index.table().capacitySlots;
            } finally {
                writerDone = true;
            }
        }

        /** Lets each reader finish a round per phase, so reads overlap every stage of growth. */
        private void awaitReaders(int rounds) {
            for (AtomicInteger readerRound : readerRounds) {
                while (readerRound.get() < rounds && readersStopped.get() == 0) {
                    Thread.onSpinWait();
                }
            }
        }

        private void repointMoving(int i, boolean byPut) {
            final long id = MOVING_FIRST + i;
            final long current = location(id, movingVersion[i]);
            final long next = location(id, ++movingVersion[i]);
            if (byPut) {
                key.putLong(0, id);
                check(index.put(hash(scratch, id), key, 0, Long.BYTES, next, ID_MATCHER) == current, "put moving", id);
            } else {
                check(index.replace(hash(scratch, id), current, next), "replace moving", id);
            }
        }

        private void put(long id, int version) {
            key.putLong(0, id);
            index.put(hash(scratch, id), key, 0, Long.BYTES, location(id, version), ID_MATCHER);
        }

        private void remove(long id) {
            key.putLong(0, id);
            index.remove(hash(scratch, id), key, 0, Long.BYTES, ID_MATCHER);
        }
    }

    private void read(int reader) {
        try {
            readRounds(reader);
        } finally {
            readersStopped.incrementAndGet();
        }
    }

    private void readRounds(int reader) {
        final UnsafeBuffer key = new UnsafeBuffer(new byte[Long.BYTES]);
        final UnsafeBuffer scratch = new UnsafeBuffer(new byte[Long.BYTES]);
        // Bounded: stops when the writer is done, and never runs more than maxRounds.
        final int maxRounds = 1_000_000;
        for (int round = 0; round < maxRounds && firstViolation.get() == null; round++) {
            final boolean lastRound = writerDone; // one full round after the writer finished
            for (long id = 0; id < STABLE_IDS; id++) {
                final long expected = id % 4 == 3 ? NO_LOCATION : location(id, 0);
                final long actual = get(key, scratch, id);
                check(actual == expected, "stable/absent got " + actual, id);
            }
            for (long id = 0; id < STABLE_IDS; id++) {
                // Compaction's lock-free check: a held location is never reported as certainly left.
                check(id % 4 == 3 || index.mayHold(hash(scratch, id), location(id, 0)), "mayHold said no", id);
            }
            for (long id = MOVING_FIRST; id < MOVING_FIRST + MOVING_IDS; id++) {
                final long actual = get(key, scratch, id);
                check(actual != NO_LOCATION && actual >>> VERSION_BITS == id, "moving got " + actual, id);
            }
            for (long id = CHURN_FIRST + reader; id < CHURN_FIRST + CHURN_IDS; id += 97) {
                final long actual = get(key, scratch, id);
                check(actual == NO_LOCATION || actual == location(id, 1), "churn got " + actual, id);
            }
            readerRounds[reader].incrementAndGet();
            if (lastRound) {
                return;
            }
        }
    }

    private long get(UnsafeBuffer key, UnsafeBuffer scratch, long id) {
        key.putLong(0, id);
        return index.get(hash(scratch, id), key, 0, Long.BYTES, ID_MATCHER);
    }

    private void check(boolean condition, String what, long id) {
        if (!condition) {
            firstViolation.compareAndSet(null, what + " for id " + id);
        }
    }

    private static long location(long id, int version) {
        return id << VERSION_BITS | version;
    }

    /** Four consecutive ids share one hash. */
    private static long hash(UnsafeBuffer scratch, long id) {
        scratch.putLong(0, id >>> 2);
        return KeyHash.hash(KeyBook.SEED, scratch, 0, Long.BYTES);
    }
}
