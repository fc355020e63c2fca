package dev.basalt.listing;

import static dev.basalt.listing.Utf8Order.UNSIGNED_UTF8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.BasaltInternals;
import dev.basalt.KeyInfo;
import dev.basalt.KvNamespace;
import dev.basalt.ListOptions;
import dev.basalt.ListResult;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The listing's memory over a namespace's and an engine's life, through the public API: a
 * reader paging while its namespace is dropped (and created again) or while the engine closes
 * sees whole, correct pages or {@link IllegalStateException}, never another namespace's keys,
 * garbage or a crash (the listing's off-heap memory is freed only after readers leave); and
 * the memory of deleted keys is reused after an expiry sweep rather than growing without
 * bound.
 */
class ListingLifecycleTest extends ListingTestBase {
    private static final int CYCLES = 100;
    private static final int KEYS_PER_CYCLE = 30;

    /** The handle the reader should page, and the prefix every key of that generation has. */
    private record Generation(KvNamespace handle, String prefix) {
    }

    @Test
    void aReaderPagingWhileItsNamespaceIsDroppedAndCreatedAgainSeesWholePagesOrIllegalStateException()
            throws Exception {
        AtomicReference<Generation> current = new AtomicReference<>();
        AtomicBoolean done = new AtomicBoolean();
        Semaphore attempts = new Semaphore(0);
        ExecutorService reader = Executors.newSingleThreadExecutor();
        try {
            Future<int[]> outcomes = reader.submit(() -> {
                int[] counts = new int[2]; // pages read, IllegalStateExceptions
                while (!done.get()) {
                    Generation generation = current.get();
                    if (generation != null) {
                        pageUntilDroppedOrComplete(generation, counts);
                    }
                    attempts.release();
                }
                return counts;
            });
            for (int cycle = 0; cycle < CYCLES; cycle++) {
                KvNamespace handle = db.namespace("CYCLE");
                String prefix = String.format("c%03d-", cycle);
                for (int i = 0; i < KEYS_PER_CYCLE; i++) {
                    handle.put(prefix + String.format("%02d", i), "v");
                }
                current.set(new Generation(handle, prefix));
                attempts.drainPermits();
                attempts.acquire(); // the reader has started at least one pass on this generation
                db.dropNamespace("CYCLE");
            }
            done.set(true);
            int[] counts = outcomes.get();
            assertThat(counts[0]).as("pages read").isPositive();
        } finally {
            done.set(true);
            reader.shutdown();
            assertThat(reader.awaitTermination(1, TimeUnit.MINUTES)).as("reader stopped").isTrue();
        }
    }

    /** One pass over a generation's handle; each page must hold only that generation's keys, ascending. */
    private static void pageUntilDroppedOrComplete(Generation generation, int[] counts) {
        ListOptions options = ListOptions.all().withLimit(4);
        String previous = null;
        try {
            while (true) {
                ListResult page = generation.handle().list(options);
                counts[0]++;
                Pages.checkShape(page, 4, "generation " + generation.prefix());
                for (KeyInfo key : page.keys()) {
                    assertThat(key.name()).as("a key of this generation").startsWith(generation.prefix());
                    if (previous != null) {
                        assertThat(UNSIGNED_UTF8.compare(previous, key.name())).isNegative();
                    }
                    previous = key.name();
                }
                if (page.listComplete()) {
                    assertThat(previous).as("the generation's last key").isEqualTo(generation.prefix()
                            + String.format("%02d", KEYS_PER_CYCLE - 1));
                    return;
                }
                options = options.withCursor(page.cursor());
            }
        } catch (IllegalStateException dropped) {
            counts[1]++;
        }
    }

    @Test
    void aReaderPagingWhileTheEngineClosesSeesWholePagesThenIllegalStateException() throws Exception {
        for (int i = 0; i < 500; i++) {
            ns.put(String.format("k%04d", i), "v");
        }
        Semaphore pages = new Semaphore(0);
        ExecutorService reader = Executors.newSingleThreadExecutor();
        try {
            Future<Integer> read = reader.submit(() -> {
                int count = 0;
                ListOptions options = ListOptions.all().withLimit(3);
                while (true) {
                    ListResult page;
                    try {
                        page = ns.list(options);
                    } catch (IllegalStateException closed) {
                        return count;
                    }
                    Pages.checkShape(page, 3, "page " + count);
                    assertThat(page.keys()).isNotEmpty();
                    count++;
                    pages.release();
                    options = page.listComplete() ? ListOptions.all().withLimit(3) : options.withCursor(page.cursor());
                }
            });
            pages.acquire(20);
            db.close();
            assertThat(read.get()).isGreaterThanOrEqualTo(20);
        } finally {
            reader.shutdown();
            assertThat(reader.awaitTermination(1, TimeUnit.MINUTES)).as("reader stopped").isTrue();
        }
    }

    @Test
    void theMemoryOfDeletedKeysIsReusedAfterAnExpirySweep() {
        int count = 8_000;
        String pad = "p".repeat(300);
        long empty = db.stats().offHeapIndexBytes();
        for (int i = 0; i < count; i++) {
            ns.put(String.format("a%06d", i) + pad, "v");
        }
        ns.list(ListOptions.all().withLimit(1)); // lists the new keys the writer left to the background thread
        long loaded = db.stats().offHeapIndexBytes();
        for (int i = 0; i < count; i++) {
            ns.delete(String.format("a%06d", i) + pad);
        }
        BasaltInternals.sweepAllDue(db, clock.epochSecond()); // the store reclaims removed listing nodes here
        for (int i = 0; i < count; i++) {
            ns.put(String.format("b%06d", i) + pad, "v");
        }
        ns.list(ListOptions.all().withLimit(1));
        long reloaded = db.stats().offHeapIndexBytes();
        assertThat(Pages.listAll(ns, "", 1000)).hasSize(count);
        // The same number of keys of the same length: the second load should fit mostly into
        // the first one's reclaimed nodes (node levels are random, so not every size matches).
        assertThat(reloaded - loaded).as("growth of a second load of %,d keys; the first took %,d bytes", count,
                loaded - empty).isLessThan((loaded - empty) / 4);
        List<KeyInfo> first = ns.list(ListOptions.all().withLimit(1)).keys();
        assertThat(first.get(0).name()).isEqualTo("b000000" + pad);
    }
}
