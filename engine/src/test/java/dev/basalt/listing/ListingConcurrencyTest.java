package dev.basalt.listing;

import static dev.basalt.listing.Utf8Order.UNSIGNED_UTF8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.Basalt;
import dev.basalt.BasaltOptions;
import dev.basalt.Durability;
import dev.basalt.KeyInfo;
import dev.basalt.KvNamespace;
import dev.basalt.PutOptions;
import dev.basalt.testing.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.json.JsonMapper;

/**
 * The listing's promises under concurrent writes (API.md, Listing): two writer threads put and
 * delete keys while a reader pages through the namespace again and again with a small limit,
 * and for every pass the reader checks that
 * <ul>
 *   <li>keys come strictly ascending across all pages of the pass;</li>
 *   <li>every key present and untouched for the whole pass appears (exactly once follows
 *       from strictly ascending): the stable keys, and the doomed keys whose deletion had not
 *       started when the pass ended;</li>
 *   <li>a key deleted before the pass started never appears: the keys deleted before the
 *       writers started, and the doomed keys whose deletion had returned before the pass;</li>
 *   <li>each {@link KeyInfo} belongs to its name (every put stores the key as its metadata);</li>
 *   <li>no listed key has expired: a third of the churn puts expire a few seconds later, the
 *       reader moves a {@link ManualClock} one second after each pass (so "now" is fixed during
 *       a pass), and the background expiry (every 5 ms) purges due keys from the listing while
 *       the reader is on it.</li>
 * </ul>
 * After the writers stop, one more pass must show exactly the final key set.
 *
 * <p>Key layout: slot {@code i} has {@code k%05d-c0...} and {@code k%05d-c1...} (the churn keys
 * of writers 0 and 1, padded to 210 bytes), {@code k%05d-d} (doomed: present at the start,
 * deleted once by its writer during the run), {@code k%05d-s} (stable, never touched) and
 * {@code k%05d-x} (deleted before the run), so the reader's pages always mix all of them. The
 * long churn keys make deletes retire about 1 MiB of listing nodes every few thousand
 * operations, so the store reclaims and reuses node memory (on its expiry sweep, every 5 ms
 * here) while the reader is on the list.
 *
 * <p>A third thread compacts once per completed reader pass (1 MiB segments, 1000-byte churn
 * values), so records move and segments are retired while the reader pages.
 *
 * <p>Bounded by counts, not time: each writer runs at least its operation count and until the
 * reader has finished a number of passes, so that many passes overlap the writes; the reader
 * runs until both writers are done.
 */
class ListingConcurrencyTest {
    private static final String NAMESPACE = "CONCURRENT";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final long NO_EXPIRATION = 0;
    private static final int SLOTS = 300;
    private static final int LIMIT = 7;
    private static final String PAD = "-".repeat(200);
    /** 1 MiB segments and 1000-byte churn values: the writes seal segments full of dead records to compact. */
    private static final long SEGMENT_BYTES = 1L << 20;
    private static final String CHURN_VALUE = "c".repeat(1000);
    private static final Pattern KNOWN_KEY = Pattern.compile("k\\d{5}-(s|d|x|c[01]-{200})");
    /** A safety net: a reader that has not seen both writers finish after this many passes is stuck. */
    private static final int MAX_PASSES = 100_000;

    @TempDir
    Path dir;

    /** Per durability mode: operations per writer, doomed-key deletions spread over them, and overlapping passes. */
    enum Mode {
        PERIODIC(Durability.PERIODIC, 20_000, 25),
        // Every write waits for an fsync: fewer operations, same checks.
        GROUP_COMMIT(Durability.GROUP_COMMIT, 1000, 5);

        final Durability durability;
        final int opsPerWriter;
        final int passesDuringWrites;

        Mode(Durability durability, int opsPerWriter, int passesDuringWrites) {
            this.durability = durability;
            this.opsPerWriter = opsPerWriter;
            this.passesDuringWrites = passesDuringWrites;
        }
    }

    static String stable(int slot) {
        return String.format("k%05d-s", slot);
    }

    static String doomed(int slot) {
        return String.format("k%05d-d", slot);
    }

    static String goneBefore(int slot) {
        return String.format("k%05d-x", slot);
    }

    static String churn(int writer, int slot) {
        return String.format("k%05d-c%d", slot, writer) + PAD;
    }

    private static PutOptions metadataOf(String key) {
        return PutOptions.none().withMetadata(key);
    }

    /** A writer's view of its churn keys: which exist, and the expiration each was put with. */
    record ChurnState(boolean[] present, long[] expirations) {
        /** Whether the key of {@code slot} is listed at {@code nowEpochSeconds}. */
        boolean listed(int slot, long nowEpochSeconds) {
            return present[slot] && (expirations[slot] == NO_EXPIRATION || expirations[slot] > nowEpochSeconds);
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void pagesStayAscendingAndCompleteWhileTwoWritersPutAndDelete(Mode mode) throws Exception {
        ManualClock clock = new ManualClock();
        BasaltOptions options = BasaltOptions.defaults()
                .withClock(clock)
                .withMinExpirationTtl(Duration.ZERO)
                .withDurability(mode.durability)
                .withSegmentSize(SEGMENT_BYTES)
                .withExpiryPace(Duration.ofMillis(5))
                // The compactor thread below is the one under test; a background pass could take
                // its victims first and leave it nothing to count (seen once under CI load).
                .withBackgroundCompaction(false);
        try (Basalt db = Basalt.open(dir, options)) {
            KvNamespace ns = db.namespace(NAMESPACE);
            Set<String> goneBefore = new HashSet<>();
            for (int slot = 0; slot < SLOTS; slot++) {
                ns.put(stable(slot), "v", metadataOf(stable(slot)));
                ns.put(doomed(slot), "v", metadataOf(doomed(slot)));
                ns.put(goneBefore(slot), "v", metadataOf(goneBefore(slot)));
                ns.delete(goneBefore(slot));
                goneBefore.add(goneBefore(slot));
            }
            Run run = new Run(ns, mode, clock);
            ExecutorService threads = Executors.newFixedThreadPool(3);
            try {
                List<Future<ChurnState>> done = new ArrayList<>();
                for (int writer = 0; writer < 2; writer++) {
                    int id = writer;
                    done.add(threads.submit(() -> run.write(id)));
                }
                Future<Integer> compactions = threads.submit(() -> run.compact(db));
                run.start.countDown();
                int passes = run.read(goneBefore);
                List<ChurnState> churn = List.of(done.get(0).get(), done.get(1).get());
                assertThat(compactions.get()).as("compactions run during the passes").isPositive();
                assertThat(passes).as("passes overlapping the writes").isGreaterThanOrEqualTo(mode.passesDuringWrites);
                assertFinalListing(ns, run, churn, clock.epochSecond());
            } finally {
                run.stop.set(true); // a failed reader must not leave the writers or the compactor waiting
                run.passDone.release();
                threads.shutdown();
                assertThat(threads.awaitTermination(1, TimeUnit.MINUTES)).as("writers and compactor stopped").isTrue();
            }
        }
    }

    /** Quiescent: the listing is exactly the final key set, with the expirations the writers used. */
    private static void assertFinalListing(KvNamespace ns, Run run, List<ChurnState> churn, long now) {
        TreeMap<String, KeyInfo> expected = Utf8Order.newModel();
        for (int slot = 0; slot < SLOTS; slot++) {
            expected.put(stable(slot), new KeyInfo(stable(slot), null, JSON.valueToTree(stable(slot))));
            if (!run.deleteStarted.contains(doomed(slot))) {
                expected.put(doomed(slot), new KeyInfo(doomed(slot), null, JSON.valueToTree(doomed(slot))));
            }
            for (int writer = 0; writer < 2; writer++) {
                if (churn.get(writer).listed(slot, now)) {
                    String key = churn(writer, slot);
                    long expiration = churn.get(writer).expirations()[slot];
                    expected.put(key, new KeyInfo(key, expiration == NO_EXPIRATION ? null : expiration,
                            JSON.valueToTree(key)));
                }
            }
        }
        List<KeyInfo> all = new ArrayList<>(expected.values());
        Pages.assertPaging(ns, "", LIMIT, all, "after the writers stopped");
        Pages.assertPaging(ns, "", 1000, all, "after the writers stopped");
    }

    /** The shared state of one run: what the writers did, as the reader may learn it. */
    private static final class Run {
        final KvNamespace ns;
        final Mode mode;
        /** Moved only by the reader, one second after each pass, so "now" is fixed during a pass. */
        final ManualClock clock;
        final CountDownLatch start = new CountDownLatch(1);
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicInteger writersDone = new AtomicInteger();
        final AtomicInteger passesCompleted = new AtomicInteger();
        /** Released once per completed pass: the compactor runs one pass of its own per reader pass. */
        final Semaphore passDone = new Semaphore(0);
        /** Doomed keys whose delete call has begun (added before the call). */
        final Set<String> deleteStarted = ConcurrentHashMap.newKeySet();
        /** Doomed keys whose delete call has returned (added after the call). */
        final Set<String> deleted = ConcurrentHashMap.newKeySet();

        Run(KvNamespace ns, Mode mode, ManualClock clock) {
            this.ns = ns;
            this.mode = mode;
            this.clock = clock;
        }

        /**
         * One writer: toggles its churn keys at random slots (a third of the puts expire two or
         * three seconds, that is passes, later) and, spread over its operations, deletes the
         * doomed keys of its slots (even slots for writer 0, odd for writer 1).
         *
         * @return its churn keys at the end
         */
        ChurnState write(int writer) throws InterruptedException {
            start.await();
            SplittableRandom random = new SplittableRandom(0x115_7000L + writer);
            boolean[] present = new boolean[SLOTS];
            long[] expirations = new long[SLOTS];
            int nextDoomed = writer;
            int doomEvery = Math.max(1, mode.opsPerWriter / (SLOTS / 2));
            try {
                for (int op = 0; !stop.get()
                        && (op < mode.opsPerWriter || passesCompleted.get() < mode.passesDuringWrites); op++) {
                    int slot = random.nextInt(SLOTS);
                    String key = churn(writer, slot);
                    if (present[slot]) {
                        ns.delete(key);
                        present[slot] = false;
                    } else {
                        present[slot] = put(key, random.nextInt(3) == 0 ? 2 + random.nextInt(2) : 0, expirations, slot);
                    }
                    if (op % doomEvery == 0 && nextDoomed < SLOTS) {
                        String victim = doomed(nextDoomed);
                        deleteStarted.add(victim);
                        ns.delete(victim);
                        deleted.add(victim);
                        nextDoomed += 2;
                    }
                }
                return new ChurnState(present, expirations);
            } finally {
                writersDone.incrementAndGet();
            }
        }

        /**
         * Puts a churn key, expiring {@code seconds} after the clock's current second (0: never).
         * The absolute expiration is recorded; should the reader move the clock past it before the
         * engine checks it, the put is refused and the key stays absent.
         */
        private boolean put(String key, int seconds, long[] expirations, int slot) {
            if (seconds == 0) {
                ns.put(key, CHURN_VALUE, metadataOf(key));
                expirations[slot] = NO_EXPIRATION;
                return true;
            }
            long expiration = clock.epochSecond() + seconds;
            try {
                ns.put(key, CHURN_VALUE, metadataOf(key).withExpiration(expiration));
            } catch (IllegalArgumentException tooLate) {
                return false;
            }
            expirations[slot] = expiration;
            return true;
        }

        /**
         * Pages through the namespace until both writers are done, checking every pass, and
         * moves the clock one second after each.
         *
         * @return the passes that began before both writers were done
         */
        int read(Set<String> goneBefore) throws InterruptedException {
            start.await();
            int overlapping = 0;
            for (int pass = 0; writersDone.get() < 2; pass++) {
                assertThat(pass).as("passes; the writers should have finished long before").isLessThan(MAX_PASSES);
                Set<String> deletedBefore = new HashSet<>(deleted);
                deletedBefore.addAll(goneBefore);
                long now = clock.epochSecond();
                List<KeyInfo> keys = Pages.listAll(ns, "", LIMIT);
                Set<String> startedAfter = Set.copyOf(deleteStarted);
                checkPass(pass, keys, deletedBefore, startedAfter, now);
                overlapping++;
                clock.advanceSeconds(1);
                passesCompleted.incrementAndGet();
                passDone.release();
            }
            stop.set(true);
            passDone.release(); // wakes the compactor to see the stop
            return overlapping;
        }

        /**
         * Compacts once per reader pass while the reader runs, so compaction moves records (and
         * retires segments) under the reader's feet and the writers'.
         *
         * @return compaction passes that rewrote at least one segment
         */
        int compact(Basalt db) throws InterruptedException {
            start.await();
            int compacted = 0;
            while (true) {
                passDone.acquire();
                if (stop.get()) {
                    return compacted;
                }
                compacted += db.compact().segmentsCompacted() > 0 ? 1 : 0;
            }
        }

        private static void checkPass(int pass, List<KeyInfo> keys, Set<String> deletedBefore,
                                      Set<String> startedAfter, long now) {
            String where = "pass " + pass + " at epoch second " + now;
            Set<String> seen = new HashSet<>();
            String previous = null;
            for (KeyInfo key : keys) {
                String name = key.name();
                assertThat(name).as(where + ": a key no writer ever made").matches(KNOWN_KEY);
                if (previous != null) {
                    assertThat(UNSIGNED_UTF8.compare(previous, name)).as(where + ": '" + previous + "' then '" + name
                            + "' are not strictly ascending").isNegative();
                }
                assertThat(deletedBefore).as(where + ": a key deleted before the pass started").doesNotContain(name);
                assertThat(key.metadata() == null ? null : key.metadata().asString())
                        .as(where + ": the metadata of " + name).isEqualTo(name);
                if (key.expiration() != null) {
                    assertThat(key.expiration()).as(where + ": an expired key was listed: " + name).isGreaterThan(now);
                    assertThat(name).as(where + ": only churn keys expire").contains("-c");
                }
                seen.add(name);
                previous = name;
            }
            for (int slot = 0; slot < SLOTS; slot++) {
                assertThat(seen).as(where + ": a stable key").contains(stable(slot));
                if (!startedAfter.contains(doomed(slot))) {
                    assertThat(seen).as(where + ": a doomed key untouched for the whole pass").contains(doomed(slot));
                }
            }
        }
    }
}
