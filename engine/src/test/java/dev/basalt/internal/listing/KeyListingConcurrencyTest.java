package dev.basalt.internal.listing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.internal.store.ReadEpochs;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * One writer inserts and removes keys, and reclaims removed nodes by the documented protocol
 * (the store's {@link ReadEpochs}), while two readers page through the listing. Loops are
 * bounded by counts; the only timeout is a guard against a hang, not a timing assertion.
 *
 * <p>Keys are {@code [id, 4 bytes big-endian][filler]} of 4..32 bytes, the length and filler a
 * function of the id, so a reader can tell any key it sees from garbage (a node reused too
 * early would show up as a malformed key or broken order). Even ids below {@code 2 * STABLE}
 * are present throughout; odd ones churn; "ghost" ids were inserted, removed and reclaimed
 * before the readers started, so their memory is reused by churn keys and they must never be
 * seen.
 */
class KeyListingConcurrencyTest {
    private static final int STABLE = 3_000;
    private static final int ID_LIMIT = 2 * STABLE;
    private static final int GHOSTS = 1_000;
    private static final int PHASES = 40;
    private static final int OPS_PER_PHASE = 2_000;
    private static final int OPS_PER_RECLAIM = 500;
    private static final int READERS = 2;
    private static final int[] PAGE_SIZES = {1, 3, 64, 1000};
    private static final int LOOKUPS_PER_EPOCH = 512;

    private final KeyListing listing = new KeyListing();
    private final ReadEpochs epochs = new ReadEpochs();
    private final AtomicReference<String> firstViolation = new AtomicReference<>();
    private final AtomicInteger[] readerPasses = {new AtomicInteger(), new AtomicInteger()};
    private final AtomicInteger readersStopped = new AtomicInteger();
    private volatile boolean writerDone;

    @Test
    void readersSeeStableKeysExactlyOnceInStrictOrderWhileTheWriterChurnsAndReclaims() throws Exception {
        final Writer writer = new Writer();
        writer.prepare();
        final ExecutorService threads = Executors.newFixedThreadPool(READERS + 1);
        try {
            final List<Future<?>> readers = new ArrayList<>();
            for (int r = 0; r < READERS; r++) {
                final int reader = r;
                readers.add(threads.submit(() -> read(reader)));
            }
            final Future<?> writing = threads.submit(writer::churn);
            writing.get(5, TimeUnit.MINUTES); // hang guard only
            for (Future<?> reader : readers) {
                reader.get(5, TimeUnit.MINUTES);
            }
        } finally {
            threads.shutdownNow();
        }
        try {
            assertThat(firstViolation.get()).isNull();
            for (AtomicInteger passes : readerPasses) {
                assertThat(passes.get()).as("reader passes overlapping the writer").isGreaterThanOrEqualTo(PHASES);
            }
            assertThat(writer.reclaimedBytes).as("bytes reclaimed while readers ran").isPositive();
            listing.verifyInvariants();
            int present = 0;
            for (int id = 0; id < ID_LIMIT; id++) {
                present += writer.present[id] ? 1 : 0;
                assertThat(Scans.contains(listing, key(id))).as("id " + id).isEqualTo(writer.present[id]);
            }
            assertThat(listing.size()).isEqualTo(present);
        } finally {
            listing.close();
        }
    }

    /** The only thread that mutates the listing. */
    private final class Writer {
        private final boolean[] present = new boolean[ID_LIMIT];
        private final SplittableRandom random = new SplittableRandom(2024);
        private long reclaimedBytes;

        void prepare() {
            for (int id = 0; id < ID_LIMIT; id += 2) {
                insert(id);
            }
            for (int id = ID_LIMIT; id < ID_LIMIT + GHOSTS; id++) {
                check(Scans.insert(listing, key(id)), "ghost insert", id);
            }
            for (int id = ID_LIMIT; id < ID_LIMIT + GHOSTS; id++) {
                check(Scans.remove(listing, key(id)), "ghost remove", id);
            }
            epochs.awaitReaders();
            listing.reclaim();
        }

        void churn() {
            try {
                for (int phase = 0; phase < PHASES && firstViolation.get() == null; phase++) {
                    for (int op = 1; op <= OPS_PER_PHASE; op++) {
                        final int id = 2 * random.nextInt(STABLE) + 1;
                        if (present[id]) {
                            check(Scans.remove(listing, key(id)), "remove", id);
                            present[id] = false;
                        } else {
                            insert(id);
                        }
                        if (op % OPS_PER_RECLAIM == 0) {
                            epochs.awaitReaders(); // the reclaim protocol; no remove until reclaim
                            reclaimedBytes += listing.reclaim();
                        }
                    }
                    awaitReaderPasses(phase + 1);
                }
            } finally {
                writerDone = true;
            }
        }

        private void insert(int id) {
            check(Scans.insert(listing, key(id)), "insert", id);
            present[id] = true;
        }

        /** Lets each reader finish a pass per phase, so passes overlap every phase's writes. */
        private void awaitReaderPasses(int passes) {
            for (AtomicInteger readerPass : readerPasses) {
                while (readerPass.get() < passes && readersStopped.get() == 0) {
                    Thread.onSpinWait();
                }
            }
        }
    }

    private void read(int reader) {
        try {
            final SplittableRandom random = new SplittableRandom(reader);
            final int maxPasses = 100_000; // bounded even if the writer stalls
            for (int pass = 0; pass < maxPasses && firstViolation.get() == null; pass++) {
                final boolean lastPass = writerDone; // one full pass after the writer finished
                final int pageSize = PAGE_SIZES[pass % PAGE_SIZES.length];
                final int block = pass % 2 == 0 ? -1 : random.nextInt(ID_LIMIT >>> 8);
                readPass(pageSize, block);
                if (pass % 4 == 3) {
                    lookUpPass(random.nextInt(1, 64));
                }
                readerPasses[reader].incrementAndGet();
                if (lastPass) {
                    return;
                }
            }
        } finally {
            readersStopped.incrementAndGet();
        }
    }

    /**
     * Pages through every key (block -1) or those with the 3-byte prefix of ids
     * {@code block * 256 .. block * 256 + 255}, checking order, form and the stable keys.
     */
    private void readPass(int pageSize, int block) {
        final byte[] prefix = block < 0 ? new byte[0] : Scans.bytes(0, 0, block);
        final PassChecker checker = new PassChecker(prefix);
        final UnsafeBuffer prefixBuffer = new UnsafeBuffer(prefix);
        final KeyBatch batch = new KeyBatch(1 + Math.floorMod(block, 16)); // 16 for the whole namespace
        while (firstViolation.get() == null) {
            final int token = epochs.enter();
            final int counted;
            try {
                counted = listing.scan(checker.last, 0, checker.lastLength, false,
                    prefixBuffer, 0, prefix.length, pageSize, batch, Scans.eachKey(checker));
            } finally {
                epochs.exit(token);
            }
            if (counted == 0) {
                break;
            }
        }
        int expectedStable = 0;
        for (int id = 0; id < ID_LIMIT; id += 2) {
            expectedStable += Scans.startsWith(key(id), prefix) ? 1 : 0;
        }
        check(checker.stableSeen == expectedStable,
            "stable keys seen " + checker.stableSeen + " of " + expectedStable, block);
    }

    /**
     * Looks every {@code stride}-th id up in ascending order with {@link AscendingLookups}, a
     * sequence of {@code LOOKUPS_PER_EPOCH} per read epoch: stable ids must be found, ghosts never.
     */
    private void lookUpPass(int stride) {
        final AscendingLookups lookups = new AscendingLookups();
        int id = 0;
        while (id < ID_LIMIT + GHOSTS && firstViolation.get() == null) {
            final int token = epochs.enter();
            try {
                lookups.start(listing);
                for (int n = 0; n < LOOKUPS_PER_EPOCH && id < ID_LIMIT + GHOSTS; n++, id += stride) {
                    final UnsafeBuffer key = new UnsafeBuffer(key(id));
                    final boolean found = lookups.contains(key, 0, key.capacity());
                    if (id >= ID_LIMIT) {
                        check(!found, "ghost found by an ascending lookup", id);
                    } else if (id % 2 == 0) {
                        check(found, "stable key missed by an ascending lookup", id);
                    }
                }
            } finally {
                epochs.exit(token);
            }
        }
    }

    /** Checks each key as it is visited; remembers the last one so the next page resumes after it. */
    private final class PassChecker implements Scans.PerKey {
        private final byte[] prefix;
        private final UnsafeBuffer last = new UnsafeBuffer(new byte[64]);
        private int lastLength;
        private int lastId = -1;
        private int stableSeen;

        PassChecker(byte[] prefix) {
            this.prefix = prefix;
        }

        @Override
        public boolean visit(DirectBuffer buffer, int offset, int length) {
            if (length < Integer.BYTES || length > 32) {
                check(false, "key of " + length + " bytes", lastId);
                return true;
            }
            final int id = buffer.getInt(offset, ByteOrder.BIG_ENDIAN);
            final byte[] expected = id >= 0 && id < ID_LIMIT + GHOSTS ? key(id) : null;
            final byte[] actual = new byte[length];
            buffer.getBytes(offset, actual);
            check(expected != null && java.util.Arrays.equals(expected, actual), "malformed key", id);
            check(id < ID_LIMIT, "a ghost (removed before the readers started) was seen", id);
            check(id > lastId, "not strictly ascending after id " + lastId, id);
            check(Scans.startsWith(actual, prefix), "key outside the prefix", id);
            if (id % 2 == 0 && id < ID_LIMIT && id > lastId) {
                stableSeen++;
            }
            lastId = id;
            last.putBytes(0, buffer, offset, length);
            lastLength = length;
            return true;
        }
    }

    /** Key of an id: 4..32 bytes, so nodes of many sizes are freed and reused. */
    static byte[] key(int id) {
        final int length = Integer.BYTES + id % 29;
        final UnsafeBuffer key = new UnsafeBuffer(new byte[length]);
        key.putInt(0, id, ByteOrder.BIG_ENDIAN);
        for (int j = Integer.BYTES; j < length; j++) {
            key.putByte(j, (byte) (id * 31 + j));
        }
        return key.byteArray();
    }

    private void check(boolean condition, String what, int id) {
        if (!condition) {
            firstViolation.compareAndSet(null, what + " (id " + id + ")");
        }
    }
}
