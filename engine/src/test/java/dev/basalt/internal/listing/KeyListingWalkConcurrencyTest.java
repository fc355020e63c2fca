package dev.basalt.internal.listing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.internal.store.ReadEpochs;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * Descending {@link KeyListing#walk}s, page by page, while one writer inserts, removes and
 * reclaims by the documented protocol: each page is one read epoch, and resumes strictly before
 * the last key of the previous page, as {@code BinaryNamespace} iterators do. A descending step
 * seeks from the key just visited, which may be a removed node's; this checks that such seeks
 * stay safe and exact: keys strictly descending and well formed, every key present throughout
 * (even ids) seen exactly once per pass. Bounded by counts; the timeout only guards a hang.
 * Keys are those of {@link KeyListingConcurrencyTest}.
 */
class KeyListingWalkConcurrencyTest {
    private static final int STABLE = 2_000;
    private static final int ID_LIMIT = 2 * STABLE;
    private static final int PHASES = 20;
    private static final int OPS_PER_PHASE = 1_000;
    private static final int[] PAGE_SIZES = {1, 7, 128};

    private final KeyListing listing = new KeyListing();
    private final ReadEpochs epochs = new ReadEpochs();
    private final AtomicReference<String> firstViolation = new AtomicReference<>();
    private final AtomicInteger passes = new AtomicInteger();
    private volatile boolean writerDone;

    @Test
    void descendingPagesSeeStableKeysExactlyOnceInStrictOrderWhileTheWriterChurnsAndReclaims() throws Exception {
        for (int id = 0; id < ID_LIMIT; id += 2) {
            Scans.insert(listing, KeyListingConcurrencyTest.key(id));
        }
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<?> reader = threads.submit(this::read);
            Future<?> writer = threads.submit(this::churn);
            writer.get(5, TimeUnit.MINUTES);
            reader.get(5, TimeUnit.MINUTES);
        } finally {
            threads.shutdownNow();
        }
        try {
            assertThat(firstViolation.get()).isNull();
            assertThat(passes.get()).as("descending passes").isGreaterThan(PHASES);
            listing.verifyInvariants();
        } finally {
            listing.close();
        }
    }

    private void churn() {
        SplittableRandom random = new SplittableRandom(99);
        boolean[] present = new boolean[ID_LIMIT];
        try {
            for (int phase = 0; phase < PHASES && firstViolation.get() == null; phase++) {
                for (int op = 1; op <= OPS_PER_PHASE; op++) {
                    int id = 2 * random.nextInt(STABLE) + 1;
                    if (present[id]) {
                        Scans.remove(listing, KeyListingConcurrencyTest.key(id));
                    } else {
                        Scans.insert(listing, KeyListingConcurrencyTest.key(id));
                    }
                    present[id] = !present[id];
                    if (op % 250 == 0) {
                        epochs.awaitReaders(); // the reclaim protocol: no remove until reclaim
                        listing.reclaim();
                    }
                }
                int target = phase + 1;
                while (passes.get() < target && firstViolation.get() == null) {
                    Thread.onSpinWait(); // let a pass overlap each phase's writes
                }
            }
        } finally {
            writerDone = true;
        }
    }

    private void read() {
        for (int pass = 0; pass < 100_000 && firstViolation.get() == null; pass++) {
            boolean last = writerDone;
            readPass(PAGE_SIZES[pass % PAGE_SIZES.length]);
            passes.incrementAndGet();
            if (last) {
                return;
            }
        }
    }

    private void readPass(int pageSize) {
        UnsafeBuffer from = new UnsafeBuffer(new byte[64]);
        int[] fromLength = {0};
        int[] lastId = {Integer.MAX_VALUE};
        int[] stableSeen = {0};
        while (firstViolation.get() == null) {
            int token = epochs.enter();
            int counted;
            try {
                counted = listing.walk(from, 0, fromLength[0], false, null, 0, 0, false, true, pageSize,
                        new KeyBatch(1 + pageSize % 16), Scans.eachKey((buffer, offset, length) -> {
                    int id = length >= Integer.BYTES ? buffer.getInt(offset, ByteOrder.BIG_ENDIAN) : -1;
                    byte[] actual = new byte[length];
                    buffer.getBytes(offset, actual);
                    check(id >= 0 && id < ID_LIMIT && Arrays.equals(actual, KeyListingConcurrencyTest.key(id)),
                            "malformed key", id);
                    check(id < lastId[0], "not strictly descending after id " + lastId[0], id);
                    if (id % 2 == 0 && id < lastId[0]) {
                        stableSeen[0]++;
                    }
                    lastId[0] = id;
                    from.putBytes(0, buffer, offset, length);
                    fromLength[0] = length;
                    return true;
                }));
            } finally {
                epochs.exit(token);
            }
            if (counted == 0) {
                break;
            }
        }
        check(stableSeen[0] == STABLE, "stable keys seen " + stableSeen[0] + " of " + STABLE, -1);
    }

    private void check(boolean condition, String what, int id) {
        if (!condition) {
            firstViolation.compareAndSet(null, what + " (id " + id + ")");
        }
    }
}
