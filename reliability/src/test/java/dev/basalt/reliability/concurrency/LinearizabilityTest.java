package dev.basalt.reliability.concurrency;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.Basalt;
import dev.basalt.BasaltInternals;
import dev.basalt.BasaltOptions;
import dev.basalt.CompactionResult;
import dev.basalt.Durability;
import dev.basalt.KvNamespace;
import dev.basalt.PutOptions;
import dev.basalt.ValueWithMetadata;
import dev.basalt.reliability.support.ReliabilityReport;
import dev.basalt.reliability.support.Scale;
import dev.basalt.reliability.support.Seeds;
import dev.basalt.testing.ManualClock;
import dev.basalt.testing.TestFiles;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Single-key linearizability of the public API under compaction and expiry. Each short round,
 * {@value #WORKERS} workers run puts (some with a TTL, some with metadata), deletes and three
 * kinds of read ({@code get}, {@code getWithMetadata}, the hot-path {@code read}) on
 * {@value #KEYS} fresh keys, while one thread calls {@code compact()} in a loop (1 MiB segments
 * and values up to 24 KB, so segments seal and die quickly) and one moves the clock a second
 * at a time and purges what expired. Every operation is recorded with its invocation and
 * response ({@code System.nanoTime}) and the clock's second at both ends; then each key's
 * history is checked by {@link RegisterLinearizability}. Linearizability is local, so checking
 * every key alone checks the whole history.
 *
 * <p>Reads also check that a value and its metadata belong to the same put (never a mix) and
 * that the value is whole (its bytes follow from its write id).
 *
 * <p>Scheduling is not reproducible, but the operations are: the seed fixes every round's
 * choices of operation, key, TTL and size ({@code -Dbasalt.linearizability.seed}).
 */
class LinearizabilityTest {
    private static final int WORKERS = 3;
    private static final int KEYS = 4;
    /** Each worker makes this many calls on each key: 3 * 16 = 48 per key's history, under the checker's 64. */
    private static final int CALLS_PER_WORKER_AND_KEY = 16;
    private static final int ROUNDS_PER_OPEN = 20;
    private static final int MAX_FILLER_BYTES = 24_000;
    private static final long SEGMENT_BYTES = 1L << 20;
    /** Between clock steps; short enough that TTLs of 1..3 s run out inside a round. */
    private static final long CLOCK_STEP_PAUSE_NANOS = 400_000;
    private static final Durability[] MODES = {Durability.PERIODIC, Durability.GROUP_COMMIT, Durability.SYNC_EACH_WRITE};

    private final Path dir = TestFiles.newTempDirectory("basalt-linearizability");
    private final ManualClock clock = new ManualClock();
    private final AtomicLong nextWriteId = new AtomicLong();
    private final AtomicLong tornReads = new AtomicLong();
    private final AtomicLong compactionsWithWork = new AtomicLong();
    private final AtomicLong segmentsCompacted = new AtomicLong();
    private final AtomicLong ttlPuts = new AtomicLong();
    /** Operations whose interval overlapped a compaction pass that rewrote at least one segment. */
    private final AtomicLong operationsDuringCompaction = new AtomicLong();
    private final AtomicLong expiredPurged = new AtomicLong();
    private final List<String> problems = Collections.synchronizedList(new ArrayList<>());

    @AfterEach
    void removeDirectory() {
        TestFiles.deleteRecursively(dir);
    }

    @Test
    void everyKeysHistoryIsLinearizableUnderCompactionAndExpiry() throws Exception {
        long seed = Seeds.seed("linearizability", "basalt.linearizability.seed");
        int rounds = Scale.count("basalt.linearizability.rounds", 120, 5_000);
        long histories = 0;
        long operations = 0;
        long violations = 0;
        long maxStates = 0;
        ExecutorService threads = Executors.newFixedThreadPool(WORKERS + 2);
        try {
            for (int round = 0; round < rounds; round += ROUNDS_PER_OPEN) {
                Durability mode = MODES[(round / ROUNDS_PER_OPEN) % MODES.length];
                try (Basalt db = Basalt.open(dir, options(mode))) {
                    KvNamespace ns = db.namespace("LIN");
                    for (int r = round; r < Math.min(rounds, round + ROUNDS_PER_OPEN); r++) {
                        List<List<Operation>> perKey = runRound(threads, db, ns, new Random(seed * 31 + r), r);
                        for (int k = 0; k < KEYS; k++) {
                            RegisterLinearizability.Verdict verdict = RegisterLinearizability.check(perKey.get(k));
                            histories++;
                            operations += perKey.get(k).size();
                            maxStates = Math.max(maxStates, verdict.statesExplored());
                            if (!verdict.linearizable()) {
                                violations++;
                                problems.add("round " + r + " (" + mode + ") key " + k + ": " + verdict.explanation());
                            }
                        }
                        for (int k = 0; k < KEYS; k++) {
                            ns.delete(key(r, k)); // keeps the live set small so segments die
                        }
                    }
                    expiredPurged.addAndGet(db.stats().expiredAndPurged());
                }
            }
        } finally {
            threads.shutdownNow();
            assertThat(threads.awaitTermination(1, TimeUnit.MINUTES)).isTrue();
        }

        ReliabilityReport.line("linearizability", seed)
                .figure("rounds", rounds)
                .figure("histories", histories)
                .figure("operations", operations)
                .figure("violations", violations)
                .figure("tornReads", tornReads.get())
                .figure("ttlPuts", ttlPuts.get())
                .figure("expiredPurged", expiredPurged.get())
                .figure("compactions", compactionsWithWork.get())
                .figure("segmentsCompacted", segmentsCompacted.get())
                .figure("operationsDuringCompaction", operationsDuringCompaction.get())
                .figure("maxSearchStates", maxStates)
                .write();
        assertThat(problems).as("seed %d", seed).isEmpty();
        assertThat(violations).isZero();
        assertThat(tornReads.get()).isZero();
        assertThat(histories).isEqualTo((long) rounds * KEYS);
        assertThat(compactionsWithWork.get()).as("compaction ran during the rounds").isPositive();
        assertThat(operationsDuringCompaction.get()).as("operations overlapped compaction passes").isPositive();
        assertThat(ttlPuts.get()).isPositive();
    }

    private BasaltOptions options(Durability mode) {
        return BasaltOptions.defaults()
                .withClock(clock)
                .withMinExpirationTtl(Duration.ZERO)
                .withDurability(mode)
                .withSegmentSize(SEGMENT_BYTES)
                .withCompactionRate(0) // unpaced, so passes finish and start again within a round
                .withBackgroundCompaction(true);
    }

    /** One round: workers, a compactor and the clock run together; returns each key's history. */
    private List<List<Operation>> runRound(ExecutorService threads, Basalt db, KvNamespace ns, Random random,
            int round) throws Exception {
        AtomicBoolean workersDone = new AtomicBoolean();
        List<Future<List<List<Operation>>>> workers = new ArrayList<>();
        for (int w = 0; w < WORKERS; w++) {
            Worker worker = new Worker(ns, w, round, random.nextLong());
            workers.add(threads.submit(worker::run));
        }
        Future<List<long[]>> compactor = threads.submit(() -> {
            List<long[]> passesWithWork = new ArrayList<>(); // [start, end] in nanoTime
            while (!workersDone.get()) {
                long start = System.nanoTime();
                CompactionResult result = db.compact();
                if (result.segmentsCompacted() > 0) {
                    passesWithWork.add(new long[] {start, System.nanoTime()});
                    compactionsWithWork.incrementAndGet();
                    segmentsCompacted.addAndGet(result.segmentsCompacted());
                }
                Thread.yield();
            }
            return passesWithWork;
        });
        Future<?> clockMover = threads.submit(() -> {
            while (!workersDone.get()) {
                LockSupport.parkNanos(CLOCK_STEP_PAUSE_NANOS);
                clock.advanceSeconds(1);
                BasaltInternals.sweepAllDue(db, clock.epochSecond());
            }
        });
        List<List<Operation>> perKey = new ArrayList<>();
        for (int k = 0; k < KEYS; k++) {
            perKey.add(new ArrayList<>());
        }
        try {
            for (Future<List<List<Operation>>> worker : workers) {
                List<List<Operation>> own = worker.get(2, TimeUnit.MINUTES); // hang guard only
                for (int k = 0; k < KEYS; k++) {
                    perKey.get(k).addAll(own.get(k));
                }
            }
        } finally {
            workersDone.set(true);
            clockMover.get(2, TimeUnit.MINUTES);
        }
        List<long[]> passes = compactor.get(2, TimeUnit.MINUTES);
        for (List<Operation> history : perKey) {
            for (Operation op : history) {
                for (long[] pass : passes) {
                    if (op.invokeNanos() <= pass[1] && pass[0] <= op.responseNanos()) {
                        operationsDuringCompaction.incrementAndGet();
                        break;
                    }
                }
            }
        }
        return perKey;
    }

    private static String key(int round, int k) {
        return "r" + round + "-k" + k;
    }

    /** The value a write id stores: its id, then filler whose length and letter follow from the id. */
    static String valueOf(long writeId) {
        int fillerBytes = (int) ((writeId * 7_919) % MAX_FILLER_BYTES);
        return "w" + writeId + ":" + String.valueOf((char) ('a' + writeId % 26)).repeat(fillerBytes);
    }

    /** Even write ids carry metadata naming themselves; odd ones carry none. */
    static boolean hasMetadata(long writeId) {
        return writeId % 2 == 0;
    }

    /** One worker's calls in one round: the order is fixed by its seed, the timing by the machine. */
    private final class Worker {
        private final KvNamespace ns;
        private final int worker;
        private final int round;
        private final Random random;
        private final ByteBuffer keyBuffer = ByteBuffer.allocateDirect(64);
        private final ByteBuffer valueBuffer = ByteBuffer.allocateDirect(MAX_FILLER_BYTES + 64);

        Worker(KvNamespace ns, int worker, int round, long seed) {
            this.ns = ns;
            this.worker = worker;
            this.round = round;
            this.random = new Random(seed);
        }

        List<List<Operation>> run() {
            List<Integer> plan = new ArrayList<>();
            for (int k = 0; k < KEYS; k++) {
                for (int i = 0; i < CALLS_PER_WORKER_AND_KEY; i++) {
                    plan.add(k);
                }
            }
            Collections.shuffle(plan, random);
            List<List<Operation>> perKey = new ArrayList<>();
            for (int k = 0; k < KEYS; k++) {
                perKey.add(new ArrayList<>());
            }
            for (int k : plan) {
                perKey.get(k).add(call(key(round, k)).byThread(worker));
            }
            return perKey;
        }

        private Operation call(String key) {
            int pick = random.nextInt(100);
            if (pick < 35) {
                return put(key);
            }
            if (pick < 45) {
                long clockBefore = clock.epochSecond();
                long invoke = System.nanoTime();
                ns.delete(key);
                long response = System.nanoTime();
                return Operation.delete(invoke, response).atClock(clockBefore, clock.epochSecond());
            }
            return read(key, pick % 3);
        }

        private Operation put(String key) {
            long writeId = nextWriteId.getAndIncrement();
            PutOptions options = PutOptions.none();
            long ttlSeconds = random.nextInt(3) == 0 ? 1 + random.nextInt(3) : 0;
            if (ttlSeconds > 0) {
                options = options.withExpirationTtl(ttlSeconds);
                ttlPuts.incrementAndGet();
            }
            if (hasMetadata(writeId)) {
                options = options.withMetadata(Map.of("w", writeId));
            }
            String value = valueOf(writeId);
            long clockBefore = clock.epochSecond();
            long invoke = System.nanoTime();
            ns.put(key, value, options);
            long response = System.nanoTime();
            long clockAfter = clock.epochSecond();
            Operation op = new Operation(Operation.Kind.PUT, writeId, Operation.NO_EXPIRATION, Operation.NO_EXPIRATION,
                    clockBefore, clockAfter, invoke, response, worker);
            // The engine adds the TTL to the clock's second at some moment inside the call.
            return ttlSeconds == 0 ? op : op.expiringBetween(clockBefore + ttlSeconds, clockAfter + ttlSeconds);
        }

        private Operation read(String key, int kind) {
            long clockBefore = clock.epochSecond();
            long invoke = System.nanoTime();
            long seen;
            switch (kind) {
                case 0 -> seen = idOf(ns.get(key), key);
                case 1 -> {
                    ValueWithMetadata<String> found = ns.getWithMetadata(key);
                    seen = idOf(found.value(), key);
                    checkMetadata(seen, found.metadata(), key);
                }
                default -> seen = hotPathRead(key);
            }
            long response = System.nanoTime();
            return Operation.read(seen, invoke, response).atClock(clockBefore, clock.epochSecond());
        }

        private long hotPathRead(String key) {
            keyBuffer.clear();
            keyBuffer.put(key.getBytes(StandardCharsets.UTF_8)).flip();
            valueBuffer.clear();
            int length = ns.read(keyBuffer, valueBuffer);
            if (length < 0) {
                return Operation.ABSENT;
            }
            if (length > valueBuffer.capacity()) {
                problems.add(key + ": read returned length " + length + " beyond every value written");
                tornReads.incrementAndGet();
                return Operation.ABSENT;
            }
            valueBuffer.flip();
            return idOf(StandardCharsets.UTF_8.decode(valueBuffer).toString(), key);
        }

        /** The write id a value encodes; a value that is not exactly what that id wrote is torn. */
        private long idOf(String value, String key) {
            if (value == null) {
                return Operation.ABSENT;
            }
            int colon = value.indexOf(':');
            long id = colon > 1 && value.charAt(0) == 'w' ? Long.parseLong(value.substring(1, colon)) : -2;
            if (id < 0 || !value.equals(valueOf(id))) {
                tornReads.incrementAndGet();
                problems.add(key + ": torn or foreign value of " + value.length() + " chars starting "
                        + value.substring(0, Math.min(24, value.length())));
            }
            return id;
        }

        private void checkMetadata(long seen, JsonNode metadata, String key) {
            boolean matches = seen == Operation.ABSENT || !hasMetadata(seen)
                    ? metadata == null
                    : metadata != null && metadata.path("w").asLong(-1) == seen;
            if (!matches) {
                tornReads.incrementAndGet();
                problems.add(key + ": value w" + seen + " came with metadata " + metadata);
            }
        }
    }
}
