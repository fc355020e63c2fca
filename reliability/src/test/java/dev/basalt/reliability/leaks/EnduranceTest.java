package dev.basalt.reliability.leaks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.Basalt;
import dev.basalt.BasaltOptions;
import dev.basalt.Durability;
import dev.basalt.KeyInfo;
import dev.basalt.KvNamespace;
import dev.basalt.ListOptions;
import dev.basalt.ListResult;
import dev.basalt.PutOptions;
import dev.basalt.ValueWithMetadata;
import dev.basalt.reliability.support.ReliabilityReport;
import dev.basalt.reliability.support.Scale;
import dev.basalt.reliability.support.Seeds;
import dev.basalt.reliability.support.TmpfsDirectories;
import dev.basalt.testing.TestFiles;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The endurance run: one store under writers, readers, TTLs, background compaction and expiry
 * for a fixed time (30 s at CI scale, three hours at soak; {@code -Dbasalt.endurance.seconds}),
 * closed and reopened every few seconds with the durability mode rotating. Each writer owns its
 * keys, so its model of them is exact: every read checks the value and metadata of the writer's
 * last put (or absence after its delete), and after each reopen every key of every writer is
 * checked. Between reopens a lister walks pages and checks order. What must not drift over the
 * run: file descriptors, segment mappings and engine threads after each close.
 *
 * <p>Expiry is checked with a margin: a key whose expiration second is at most one second away
 * may be present or not (the engine's clock and this test's are read at different instants);
 * further in the past it must be gone, further in the future present.
 */
class EnduranceTest {
    private static final int WRITERS = 3;
    private static final int KEYS_PER_WRITER = 200;
    private static final int MAX_VALUE_BYTES = 8_192;
    /** Some puts carry a 1-3 s TTL, so expiry purges keys all the time. */
    private static final int MAX_TTL_SECONDS = 3;
    private static final int SLACK_DESCRIPTORS = 4;

    @Test
    void aLongRunKeepsEveryWriteAndLeavesNothingBehind() throws Exception {
        long seed = Seeds.seed("endurance", "basalt.endurance.seed");
        int seconds = Scale.count("basalt.endurance.seconds", 30, 3 * 3600);
        int reopenEverySeconds = Scale.count("basalt.endurance.reopen.seconds", 5, 300);
        Path dir = TmpfsDirectories.newTempDirectory("basalt-endurance");
        try {
            run(seed, seconds, reopenEverySeconds, dir);
        } finally {
            TestFiles.deleteRecursively(dir);
        }
    }

    private static void run(long seed, int seconds, int reopenEverySeconds, Path dir) throws Exception {
        Random random = new Random(seed);
        Durability[] modes = Durability.values();
        List<Model> models = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            models.add(new Model(w, new Random(random.nextLong())));
        }
        ResourceCounts baseline = ResourceCounts.of(dir.getParent());
        List<String> violations = Collections.synchronizedList(new ArrayList<>());
        AtomicLong operations = new AtomicLong();
        AtomicLong pagesListed = new AtomicLong();
        int reopens = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        int maxDescriptorsInDirectory = 0;
        int maxSegments = 0;

        while (System.nanoTime() < deadline && violations.isEmpty()) {
            Durability mode = modes[reopens % modes.length];
            try (Basalt db = Basalt.open(dir, options(mode))) {
                KvNamespace ns = db.namespace("ENDURANCE");
                for (Model model : models) {
                    model.checkAll(ns, violations, "after reopen " + reopens + " (" + mode + ")");
                }
                Session session = new Session(ns, models, violations, operations, pagesListed);
                session.runFor(Math.min(TimeUnit.SECONDS.toNanos(reopenEverySeconds), deadline - System.nanoTime()));
                maxDescriptorsInDirectory = Math.max(maxDescriptorsInDirectory,
                        ResourceCounts.of(dir).descriptorsInDirectory());
                maxSegments = Math.max(maxSegments, db.stats().segmentCount());
            }
            reopens++;
            ResourceCounts afterClose = ResourceCounts.of(dir);
            if (afterClose.descriptorsInDirectory() != 0 || afterClose.segmentMappings() != 0
                    || !ResourceCounts.liveThreadsNamed("basalt").isEmpty()) {
                violations.add("after close " + reopens + ": " + afterClose.descriptorsInDirectory()
                        + " descriptors and " + afterClose.segmentMappings() + " segment mappings left, threads "
                        + ResourceCounts.liveThreadsNamed("basalt"));
            }
        }
        try (Basalt db = Basalt.open(dir, options(Durability.GROUP_COMMIT))) {
            for (Model model : models) {
                model.checkAll(db.namespace("ENDURANCE"), violations, "at the end");
            }
        }
        ResourceCounts end = ResourceCounts.of(dir.getParent());

        ReliabilityReport.line("endurance", seed).figure("seconds", seconds).figure("reopens", reopens)
                .figure("operations", operations.get()).figure("pagesListed", pagesListed.get())
                .figure("maxDescriptorsInDirectory", maxDescriptorsInDirectory).figure("maxSegments", maxSegments)
                .figure("fdBaseline", baseline.descriptors()).figure("fdAfter", end.descriptors())
                .figure("violations", violations.size()).write();
        assertThat(violations).as("endurance violations (seed %d)", seed).isEmpty();
        assertThat(reopens).as("reopens").isGreaterThan(1);
        assertThat(end.descriptors()).as("descriptors at the end").isLessThanOrEqualTo(
                baseline.descriptors() + SLACK_DESCRIPTORS);
    }

    private static BasaltOptions options(Durability mode) {
        return BasaltOptions.defaults().withDurability(mode).withSegmentSize(1 << 20)
                .withMinExpirationTtl(Duration.ZERO).withExpiryPace(Duration.ofMillis(20)).withCompactionRate(0);
    }

    /**
     * One open of the store: each writer's thread runs its operations on its own keys while a
     * lister walks pages; {@link #runFor} returns when all have stopped.
     */
    private record Session(KvNamespace ns, List<Model> models, List<String> violations, AtomicLong operations,
            AtomicLong pagesListed) {
        void runFor(long nanos) throws InterruptedException {
            long stopAt = System.nanoTime() + nanos;
            List<Thread> threads = new ArrayList<>();
            for (Model model : models) {
                threads.add(new Thread(() -> {
                    while (System.nanoTime() < stopAt && violations.isEmpty()) {
                        model.step(ns, violations);
                        operations.incrementAndGet();
                    }
                }, "endurance-writer-" + model.writer));
            }
            threads.add(new Thread(() -> {
                while (System.nanoTime() < stopAt && violations.isEmpty()) {
                    listOnce();
                }
            }, "endurance-lister"));
            threads.forEach(Thread::start);
            for (Thread thread : threads) {
                thread.join();
            }
        }

        private void listOnce() {
            String cursor = null;
            String previous = null;
            do {
                ListResult page = ns.list(ListOptions.prefix("w").withLimit(100).withCursor(cursor));
                pagesListed.incrementAndGet();
                for (KeyInfo key : page.keys()) {
                    if (previous != null && previous.compareTo(key.name()) >= 0) {
                        violations.add("list out of order: " + previous + " then " + key.name());
                        return;
                    }
                    previous = key.name();
                }
                cursor = page.listComplete() ? null : page.cursor();
            } while (cursor != null);
        }
    }

    /** One writer's keys and what each must hold. Only that writer's thread touches it while a session runs. */
    private static final class Model {
        private final int writer;
        private final Random random;
        /** key -> its last put; absent = deleted or never written. */
        private final Map<String, Entry> entries = new HashMap<>();
        private long nextValueId;

        Model(int writer, Random random) {
            this.writer = writer;
            this.random = random;
        }

        void step(KvNamespace ns, List<String> violations) {
            String key = "w" + writer + ":" + random.nextInt(KEYS_PER_WRITER);
            int roll = random.nextInt(10);
            if (roll < 4) {
                check(ns, key, violations, "read");
            } else if (roll < 5) {
                ns.delete(key);
                entries.remove(key);
            } else {
                String value = key + "#" + (nextValueId++) + ":" + "v".repeat(random.nextInt(MAX_VALUE_BYTES));
                String metadata = random.nextBoolean() ? null : "{\"n\":" + nextValueId + "}";
                long ttl = 0;
                PutOptions options = PutOptions.none();
                if (random.nextInt(3) == 0) {
                    ttl = 1 + random.nextInt(MAX_TTL_SECONDS);
                    options = PutOptions.expirationTtl(ttl);
                }
                if (metadata != null) {
                    options = options.withMetadata(Map.of("n", nextValueId)); // stored as the JSON in metadata
                }
                // The engine reads its clock inside the put: its expiration lies between these two.
                long before = System.currentTimeMillis() / 1000;
                ns.put(key, value, options);
                long after = System.currentTimeMillis() / 1000;
                entries.put(key, ttl == 0 ? new Entry(value, metadata, 0, 0)
                        : new Entry(value, metadata, before + ttl, after + ttl));
            }
        }

        void checkAll(KvNamespace ns, List<String> violations, String when) {
            for (int i = 0; i < KEYS_PER_WRITER; i++) {
                check(ns, "w" + writer + ":" + i, violations, when);
            }
        }

        private void check(KvNamespace ns, String key, List<String> violations, String when) {
            Entry expected = entries.get(key);
            ValueWithMetadata<String> actual = ns.getWithMetadata(key);
            long nowSeconds = System.currentTimeMillis() / 1000;
            if (expected == null || (expected.expiration != 0 && expected.latestExpiration < nowSeconds - 1)) {
                if (actual.value() != null) {
                    violations.add(when + ": " + key + " should be absent but reads " + shorten(actual.value()));
                }
                return;
            }
            boolean mayHaveExpired = expected.expiration != 0 && expected.expiration <= nowSeconds + 1;
            if (actual.value() == null) {
                if (!mayHaveExpired) {
                    violations.add(when + ": " + key + " lost (expected " + shorten(expected.value) + ")");
                }
                return;
            }
            String metadata = actual.metadata() == null ? null : actual.metadata().toString();
            if (!expected.value.equals(actual.value()) || !Objects.equals(expected.metadata, metadata)) {
                violations.add(when + ": " + key + " reads " + shorten(actual.value()) + " / " + metadata
                        + ", expected " + shorten(expected.value) + " / " + expected.metadata);
            }
        }

        private static String shorten(String value) {
            return value.length() <= 40 ? value : value.substring(0, 40) + "...";
        }
    }

    /** A put's value and metadata; its expiration (0: none) is between the two seconds given. */
    private record Entry(String value, String metadata, long expiration, long latestExpiration) {
    }
}
