package dev.basalt.compaction;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.Basalt;
import dev.basalt.BasaltException;
import dev.basalt.BasaltInternals;
import dev.basalt.BasaltOptions;
import dev.basalt.CompactionResult;
import dev.basalt.Durability;
import dev.basalt.KvNamespace;
import dev.basalt.PutOptions;
import dev.basalt.ValueType;
import dev.basalt.ValueWithMetadata;
import dev.basalt.internal.store.Store;
import dev.basalt.testing.ManualClock;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;

/**
 * Compaction under fire: two writers (puts in three input forms, puts with metadata, puts with
 * an expiration, deletes, all overwriting a small key space), two readers (every read form:
 * TEXT, BYTES, JSON, the {@code read(ByteBuffer, ByteBuffer)} hot path, getWithMetadata, STREAM
 * read to the end and closed), a thread moving the {@link ManualClock} (the background expiry
 * sweeps behind it) and a thread compacting back to back ({@code db.compact()} and the
 * background policy's {@code compact(0.3)}), on 1 MiB segments over a few MiB of cold keys, so
 * there are always several segments and many passes. Bounded by operation counts.
 *
 * <p>Values are self-describing: key k's version v is the JSON string
 * {@code "k<k>v<v>:<filler>"} whose filler length and letters derive from (k, v), so a torn
 * or mixed value cannot pass, and the kind of each operation (put, put with metadata, put
 * with expiration, delete) is a function of (k, v) too, so a reader can tell which states a
 * key may be in. A key has one writer, which announces a version in {@code started} before
 * the call and in {@code acked} after it returned. A read that began after version f was
 * acknowledged, and ended before version c was started, may see only the state of a version
 * in [f, c]: never an older value (a deleted key never reappears), never an expired one, and
 * absent only when one of those versions is a delete or an expired put.
 *
 * <p>At the end, and again after a restart, every key must hold exactly the state of its last
 * acknowledged operation. The process's mappings of segment files and its descriptors into the
 * directory must match the segment count while open and return to zero after close.
 */
class CompactionConcurrencyTest {
    private static final int WRITERS = 2;
    private static final int READERS = 2;
    /** Key k belongs to writer k % WRITERS; few keys, so most writes are overwrites. */
    private static final int HOT_KEYS = 80;
    /** About 1.5 KiB each, 4.5 MiB: several sealed segments that stay live. */
    private static final int COLD_KEYS = 3_000;
    private static final int COLD_KEY_BASE = 1_000_000;
    private static final int MIN_FILLER = 100;
    private static final int FILLER_SPREAD = 2_800;
    private static final int READ_BUFFER_BYTES = 4_096;
    private static final int READ_FORMS = 7;
    private static final long MAX_READS_PER_READER = 3_000_000;
    private static final int MAX_PASSES = 50_000;
    /** Passes that compacted something, at least, while the writers run. */
    private static final int MIN_PASSES_WITH_VICTIMS = 3;
    private static final int MAX_CLOCK_TICKS = 100_000;
    private static final int MAX_PROBLEMS_KEPT = 40;
    private static final long SEGMENT_BYTES = 1 << 20;
    /** A writer stops after this many unexpected failures (a failed store fails every write). */
    private static final int MAX_WRITER_FAILURES = 5;

    private static final int ABSENT = -1;
    private static final int MALFORMED = -2;

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock(Instant.ofEpochSecond(ManualClock.DEFAULT_START_EPOCH_SECONDS));
    private final AtomicIntegerArray started = new AtomicIntegerArray(HOT_KEYS);
    private final AtomicIntegerArray acked = new AtomicIntegerArray(HOT_KEYS);
    /** Expiration of each put-with-expiration version that was attempted and not rejected. */
    private final Map<Long, Long> expirations = new ConcurrentHashMap<>();
    /** The first problem per subject (a key and what went wrong with it, a thread), by subject. */
    private final Map<String, String> problems = new ConcurrentSkipListMap<>();
    private final AtomicLong problemCount = new AtomicLong();

    /** The fsync-bound modes (a few ms per fsync on a plain disk) do fewer writes, so each mode runs ~10 s. */
    private static int writesPerWriter(Durability durability) {
        switch (durability) {
            case PERIODIC:
                return 30_000;
            case GROUP_COMMIT:
                return 2_000;
            default:
                return 1_000;
        }
    }

    private BasaltOptions options(Durability durability) {
        // No background checkpoint: its file's descriptor, open while one is written, would count
        // among the descriptors this test expects to stay one per segment.
        return BasaltOptions.defaults().withDurability(durability).withClock(clock).withSegmentSize(SEGMENT_BYTES)
                .withMinExpirationTtl(Duration.ZERO).withBackgroundCompaction(false).withCheckpointInterval(0);
    }

    enum Kind { PUT, PUT_WITH_METADATA, PUT_WITH_EXPIRATION, DELETE }

    /** The operation a key's version is: 40 % plain puts, 15 % with metadata, 20 % expiring, 25 % deletes. */
    static Kind kindOf(int key, int version) {
        int roll = Math.floorMod(mix(key, version), 20);
        if (roll < 5) {
            return Kind.DELETE;
        }
        if (roll < 9) {
            return Kind.PUT_WITH_EXPIRATION;
        }
        return roll < 12 ? Kind.PUT_WITH_METADATA : Kind.PUT;
    }

    private static int mix(int key, int version) {
        long x = key * 0x9E3779B97F4A7C15L + version * 0xC2B2AE3D27D4EB4FL;
        x ^= x >>> 29;
        x *= 0xBF58476D1CE4E5B9L;
        x ^= x >>> 32;
        return (int) x;
    }

    /** Version {@code version} of key {@code key}: a JSON string naming both, then a filler derived from them. */
    static String valueOf(int key, int version) {
        int h = mix(key, version);
        int length = MIN_FILLER + Math.floorMod(h, FILLER_SPREAD);
        StringBuilder value = new StringBuilder(length + 24).append("\"k").append(key).append('v').append(version)
                .append(':');
        for (int i = 0; i < length; i++) {
            value.append((char) ('a' + Math.floorMod(h + i * 7, 26)));
        }
        return value.append('"').toString();
    }

    private static String hotKey(int key) {
        return "hot:" + key;
    }

    private static String coldKey(int cold) {
        return "cold:" + cold;
    }

    private static long versionId(int key, int version) {
        return (long) key << 32 | version;
    }

    /** The version a read found: ABSENT, MALFORMED (torn, mixed or foreign), or the version. */
    static int versionIn(String text, int key) {
        if (text == null) {
            return ABSENT;
        }
        String prefix = "\"k" + key + "v";
        int colon = text.indexOf(':');
        if (!text.startsWith(prefix) || colon <= prefix.length()) {
            return MALFORMED;
        }
        int version;
        try {
            version = Integer.parseInt(text.substring(prefix.length(), colon));
        } catch (NumberFormatException e) {
            return MALFORMED;
        }
        return version >= 0 && text.equals(valueOf(key, version)) ? version : MALFORMED;
    }

    /** Records a problem; only the first of each subject is kept (a lost key fails every later read). */
    private void problem(String subject, String description) {
        problemCount.incrementAndGet();
        if (problems.size() < MAX_PROBLEMS_KEPT) {
            problems.putIfAbsent(subject, description);
        }
    }

    /**
     * The process's maps and descriptors once the store's background work settled: a roll just
     * before the end has its hint file written by a background thread, which holds one more
     * descriptor for a moment. A leak stays; that one goes within the deadline.
     */
    private ProcessResources.Snapshot settled(Basalt db, long descriptorsBeyondSegments) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        ProcessResources.Snapshot snapshot = ProcessResources.of(dir);
        while (snapshot.descriptors() - db.stats().segmentCount() != descriptorsBeyondSegments
                && System.nanoTime() < deadline) {
            Thread.sleep(20);
            snapshot = ProcessResources.of(dir);
        }
        return snapshot;
    }

    @ParameterizedTest
    @EnumSource(Durability.class)
    void readersAndWritersStayConsistentWhileCompactionRunsFlatOut(Durability durability) throws Exception {
        boolean procReadable = ProcessResources.available();
        ProcessResources.Snapshot beforeOpen = procReadable ? ProcessResources.of(dir) : null;
        long jdkMappedBefore = ProcessResources.jdkMappedBufferCount();
        try (Basalt db = Basalt.open(dir, options(Durability.PERIODIC))) {
            KvNamespace ns = db.namespace("HOT");
            for (int c = 0; c < COLD_KEYS; c++) {
                ns.put(coldKey(c), valueOf(COLD_KEY_BASE + c, 0));
            }
        }
        Run run = new Run();
        ProcessResources.Snapshot quiescent;
        int segmentsAtEnd;
        try (Basalt db = Basalt.open(dir, options(durability))) {
            KvNamespace ns = db.namespace("HOT");
            ProcessResources.Snapshot atOpen = procReadable ? ProcessResources.of(dir) : null;
            int segmentsAtOpen = db.stats().segmentCount();
            run.runAll(db, ns, writesPerWriter(durability));
            checkEveryKey(ns, "after the run");
            segmentsAtEnd = db.stats().segmentCount();
            quiescent = procReadable ? settled(db, atOpen.descriptors() - segmentsAtOpen) : null;
            segmentsAtEnd = db.stats().segmentCount();
            System.out.printf("CompactionConcurrencyTest %s: open with %d segments: %s; JDK mapped pool %d%n",
                    durability, segmentsAtOpen, atOpen, ProcessResources.jdkMappedBufferCount());
            System.out.printf("CompactionConcurrencyTest %s: end with %d segments: %s%n", durability, segmentsAtEnd,
                    quiescent);
            if (procReadable) {
                assertThat(quiescent.mappedSegmentFiles()).as("mapped .seg files = segments").isEqualTo(segmentsAtEnd);
                assertThat(quiescent.deletedSegmentMappings()).as("no retired segment still mapped").isZero();
                assertThat(quiescent.descriptors() - segmentsAtEnd)
                        .as("descriptors beyond one per segment do not grow with passes (at open: %s)", atOpen)
                        .isEqualTo(atOpen.descriptors() - segmentsAtOpen);
                assertThat(run.maxExtraMappedFiles.get())
                        .as("mapped .seg files beyond the segment count, sampled after passes")
                        .isLessThanOrEqualTo(READERS + 1);
            }
        }
        ProcessResources.Snapshot afterClose = procReadable ? ProcessResources.of(dir) : null;
        long jdkMappedAfter = ProcessResources.jdkMappedBufferCount();
        System.out.printf("CompactionConcurrencyTest %s: before open %s; after close %s; JDK mapped pool"
                        + " before %d, after %d%n", durability, beforeOpen, afterClose, jdkMappedBefore,
                jdkMappedAfter);
        if (procReadable) {
            assertThat(afterClose).as("back to the baseline after close").isEqualTo(beforeOpen);
        } else {
            System.out.println("CompactionConcurrencyTest: /proc/self not readable; maps and descriptors unchecked");
        }
        try (Basalt db = Basalt.open(dir, options(durability))) {
            checkEveryKey(db.namespace("HOT"), "after a restart");
            assertThat(db.stats().corruptRecordsSkipped()).isZero();
        }
        System.out.printf("CompactionConcurrencyTest %s: %s; problems %d%n", durability, run, problemCount.get());
        assertThat(problems.values()).as("%d problems in all; the first of each subject", problemCount.get())
                .isEmpty();
        assertThat(run.passesWithVictims.get()).as("passes that compacted something")
                .isGreaterThanOrEqualTo(MIN_PASSES_WITH_VICTIMS);
        assertThat(run.reads.get()).as("reads checked").isGreaterThan(1_000);
    }

    /** The threads of one run and their tallies. */
    private final class Run {
        final AtomicBoolean writersDone = new AtomicBoolean();
        final AtomicLong writes = new AtomicLong();
        final AtomicLong rejectedExpirations = new AtomicLong();
        final AtomicLong reads = new AtomicLong();
        final AtomicLong absentReads = new AtomicLong();
        final AtomicLong passes = new AtomicLong();
        final AtomicLong passesWithVictims = new AtomicLong();
        final AtomicLong segmentsCompacted = new AtomicLong();
        final AtomicLong recordsCopied = new AtomicLong();
        final AtomicLong clockTicks = new AtomicLong();
        final AtomicLong maxSegments = new AtomicLong();
        final AtomicLong maxExtraMappedFiles = new AtomicLong();
        final AtomicLong maxExtraDescriptors = new AtomicLong(Long.MIN_VALUE);
        final AtomicLong minExtraDescriptors = new AtomicLong(Long.MAX_VALUE);

        void runAll(Basalt db, KvNamespace ns, int writesPerWriter) throws InterruptedException {
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> writers = new ArrayList<>();
            List<Thread> others = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                int writer = w;
                writers.add(thread("writer-" + w, start, () -> write(ns, writer, writesPerWriter)));
            }
            for (int r = 0; r < READERS; r++) {
                int reader = r;
                others.add(thread("reader-" + r, start, () -> read(ns, reader)));
            }
            others.add(thread("clock", start, this::moveClock));
            others.add(thread("compactor", start, () -> compact(db)));
            start.countDown();
            for (Thread writer : writers) {
                writer.join();
            }
            writersDone.set(true);
            for (Thread other : others) {
                other.join();
            }
        }

        private Thread thread(String name, CountDownLatch start, Runnable work) {
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                    work.run();
                } catch (Throwable t) {
                    problem(name, name + " died: " + t);
                }
            }, "compaction-concurrency-" + name);
            thread.start();
            return thread;
        }

        private void write(KvNamespace ns, int writer, int count) {
            SplittableRandom random = new SplittableRandom(writer * 7919L + 1);
            ByteBuffer direct = ByteBuffer.allocateDirect(MIN_FILLER + FILLER_SPREAD + 32);
            int failures = 0;
            // Past its count, a writer goes on until the compactor has compacted something
            // MIN_PASSES_WITH_VICTIMS times beside the writers: with fast fsyncs, 1,000 synced
            // writes can end within two passes (a fresh-clone CI run saw 2).
            for (int i = 0; (i < count || passesWithVictims.get() < MIN_PASSES_WITH_VICTIMS && i < 10 * count)
                    && failures < MAX_WRITER_FAILURES; i++) {
                int key = writer + WRITERS * random.nextInt(HOT_KEYS / WRITERS);
                int version = started.get(key) + 1;
                Kind kind = kindOf(key, version);
                long expiration = 0;
                if (kind == Kind.PUT_WITH_EXPIRATION) {
                    expiration = clock.epochSecond() + 1 + random.nextInt(3);
                    expirations.put(versionId(key, version), expiration);
                }
                started.set(key, version);
                try {
                    apply(ns, key, version, kind, expiration, direct);
                    acked.set(key, version);
                    writes.incrementAndGet();
                } catch (IllegalArgumentException e) {
                    // Documented: the clock passed the expiration before the put checked it; nothing written.
                    if (kind != Kind.PUT_WITH_EXPIRATION) {
                        problem("writer " + writer,
                                "writer " + writer + ": " + kind + " of " + hotKey(key) + " threw " + e);
                    }
                    expirations.remove(versionId(key, version));
                    rejectedExpirations.incrementAndGet();
                } catch (RuntimeException e) {
                    failures++;
                    problem("writer " + writer, "writer " + writer + ": " + kind + " of " + hotKey(key) + " v" + version
                            + " threw " + e
                            + (e.getCause() != null ? " caused by " + e.getCause() : ""));
                }
            }
        }

        private void apply(KvNamespace ns, int key, int version, Kind kind, long expiration, ByteBuffer direct) {
            String value = valueOf(key, version);
            switch (kind) {
                case DELETE:
                    ns.delete(hotKey(key));
                    break;
                case PUT_WITH_EXPIRATION:
                    ns.put(hotKey(key), value, PutOptions.expiration(expiration));
                    break;
                case PUT_WITH_METADATA:
                    ns.put(hotKey(key), value.getBytes(StandardCharsets.US_ASCII),
                            PutOptions.none().withMetadata(Map.of("k", key, "v", version)));
                    break;
                default:
                    if (version % 3 == 0) {
                        ns.put(hotKey(key), value);
                    } else if (version % 3 == 1) {
                        ns.put(hotKey(key), value.getBytes(StandardCharsets.US_ASCII));
                    } else {
                        direct.clear();
                        direct.put(value.getBytes(StandardCharsets.US_ASCII)).flip();
                        ns.put(hotKey(key), direct);
                    }
            }
        }

        private void read(KvNamespace ns, int reader) {
            SplittableRandom random = new SplittableRandom(reader * 104_729L + 17);
            ByteBuffer keyBuffer = ByteBuffer.allocateDirect(64);
            ByteBuffer dst = ByteBuffer.allocateDirect(READ_BUFFER_BYTES);
            for (long i = 0; !writersDone.get() && i < MAX_READS_PER_READER; i++) {
                int form = (int) (i % READ_FORMS);
                if (random.nextInt(10) == 0) {
                    int cold = random.nextInt(COLD_KEYS);
                    Observation seen = observe(ns, coldKey(cold), COLD_KEY_BASE + cold, form, keyBuffer, dst);
                    if (seen.version != 0) {
                        problem("cold key " + cold,
                                "cold key " + cold + " read as " + describe(seen.version) + " via form " + form);
                    }
                } else {
                    int key = random.nextInt(HOT_KEYS);
                    int floor = acked.get(key);
                    long nowBefore = clock.epochSecond();
                    Observation seen = observe(ns, hotKey(key), key, form, keyBuffer, dst);
                    long nowAfter = clock.epochSecond();
                    int ceiling = started.get(key);
                    check(key, floor, ceiling, nowBefore, nowAfter, seen, "form " + form);
                    if (seen.version == ABSENT) {
                        absentReads.incrementAndGet();
                    }
                }
                reads.incrementAndGet();
            }
        }

        private void moveClock() {
            while (!writersDone.get() && clockTicks.get() < MAX_CLOCK_TICKS) {
                clock.advanceSeconds(1);
                clockTicks.incrementAndGet();
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }

        private void compact(Basalt db) {
            Store store = BasaltInternals.store(db);
            boolean procReadable = ProcessResources.available();
            while (!writersDone.get() && passes.get() < MAX_PASSES) {
                CompactionResult result;
                try {
                    result = passes.get() % 2 == 0 ? db.compact() : store.compact(0.3, (done, total) -> { });
                } catch (BasaltException e) {
                    problem("compactor", "compact() threw " + e);
                    continue;
                }
                passes.incrementAndGet();
                if (result.segmentsCompacted() == 0) {
                    Thread.yield();
                    continue;
                }
                passesWithVictims.incrementAndGet();
                segmentsCompacted.addAndGet(result.segmentsCompacted());
                recordsCopied.addAndGet(result.recordsCopied());
                int segments = db.stats().segmentCount();
                maxSegments.accumulateAndGet(segments, Math::max);
                if (procReadable) {
                    ProcessResources.Snapshot now = ProcessResources.of(dir);
                    maxExtraMappedFiles.accumulateAndGet(now.mappedSegmentFiles() - segments, Math::max);
                    maxExtraDescriptors.accumulateAndGet(now.descriptors() - segments, Math::max);
                    minExtraDescriptors.accumulateAndGet(now.descriptors() - segments, Math::min);
                }
            }
        }

        @Override
        public String toString() {
            return String.format("writes %d (expirations rejected by a moving clock %d), reads %d (absent %d),"
                            + " clock ticks %d, passes %d (%d compacted %d segments, copied %d records),"
                            + " max segments %d, mapped .seg files beyond segments max %d,"
                            + " descriptors beyond segments %d..%d",
                    writes.get(), rejectedExpirations.get(), reads.get(), absentReads.get(), clockTicks.get(),
                    passes.get(), passesWithVictims.get(), segmentsCompacted.get(), recordsCopied.get(),
                    maxSegments.get(), maxExtraMappedFiles.get(), minExtraDescriptors.get(),
                    maxExtraDescriptors.get());
        }
    }

    /** What one read saw: the version (or ABSENT/MALFORMED) and, for metadata reads, the metadata. */
    private record Observation(int version, boolean readMetadata, JsonNode metadata) {
    }

    private static Observation observe(KvNamespace ns, String key, int keyNumber, int form, ByteBuffer keyBuffer,
            ByteBuffer dst) {
        switch (form) {
            case 0:
                return new Observation(versionIn(ns.get(key), keyNumber), false, null);
            case 1:
                return new Observation(versionIn(ascii(ns.get(key, ValueType.BYTES)), keyNumber), false, null);
            case 2: {
                JsonNode node = ns.get(key, ValueType.JSON);
                return new Observation(versionIn(node == null ? null : node.toString(), keyNumber), false, null);
            }
            case 3: {
                keyBuffer.clear();
                keyBuffer.put(key.getBytes(StandardCharsets.UTF_8)).flip();
                dst.clear();
                int length = ns.read(keyBuffer, dst);
                if (length < 0) {
                    return new Observation(ABSENT, false, null);
                }
                if (length > READ_BUFFER_BYTES) {
                    return new Observation(MALFORMED, false, null); // no version is that long
                }
                byte[] bytes = new byte[length];
                dst.get(0, bytes);
                return new Observation(versionIn(ascii(bytes), keyNumber), false, null);
            }
            case 4: {
                ValueWithMetadata<String> found = ns.getWithMetadata(key);
                return new Observation(versionIn(found.value(), keyNumber), true, found.metadata());
            }
            case 5:
                try (InputStream stream = ns.get(key, ValueType.STREAM)) {
                    return new Observation(versionIn(stream == null ? null : ascii(stream.readAllBytes()), keyNumber),
                            false, null);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            default: {
                ValueWithMetadata<InputStream> found = ns.getWithMetadata(key, ValueType.STREAM);
                try (InputStream stream = found.value()) {
                    String text = stream == null ? null : ascii(stream.readAllBytes());
                    return new Observation(versionIn(text, keyNumber), true, found.metadata());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }

    private static String ascii(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.US_ASCII);
    }

    /**
     * Checks a read of {@code key} that began after version {@code floor} was acknowledged (at
     * clock second {@code nowBefore}) and ended before version {@code ceiling + 1} started (at
     * {@code nowAfter}).
     */
    private void check(int key, int floor, int ceiling, long nowBefore, long nowAfter, Observation seen,
            String how) {
        String where = hotKey(key) + " (" + how + ", acknowledged v" + floor + " " + kindName(key, floor)
                + ", started v" + ceiling + ")";
        int version = seen.version;
        if (version == MALFORMED) {
            problem(hotKey(key) + " torn", where + ": a torn, mixed or foreign value");
            return;
        }
        if (version == ABSENT) {
            if (!mayBeAbsent(key, floor, ceiling, nowAfter)) {
                problem(hotKey(key) + " absent",
                        where + ": absent, but no version in range is a delete or an expired put");
            }
            return;
        }
        if (version < floor) {
            problem(hotKey(key) + " went back", where + ": went back to v" + version
                    + (kindOf(key, floor) == Kind.DELETE ? " (a deleted key reappeared)" : ""));
            return;
        }
        if (version > ceiling) {
            problem(hotKey(key) + " future", where + ": saw v" + version + ", which was not started yet");
            return;
        }
        Kind kind = kindOf(key, version);
        if (kind == Kind.DELETE) {
            problem(hotKey(key) + " value of a delete", where + ": saw a value for v" + version + ", a delete");
            return;
        }
        if (kind == Kind.PUT_WITH_EXPIRATION) {
            Long expiration = expirations.get(versionId(key, version));
            if (expiration == null) {
                problem(hotKey(key) + " rejected put", where + ": saw v" + version + ", a put the engine rejected");
            } else if (expiration <= nowBefore) {
                problem(hotKey(key) + " expired",
                        where + ": saw v" + version + " expired at " + expiration + ", read at " + nowBefore);
            }
        }
        if (seen.readMetadata) {
            JsonNode metadata = seen.metadata;
            boolean expected = kind == Kind.PUT_WITH_METADATA;
            boolean matches = expected
                    ? metadata != null && metadata.get("k").asInt() == key && metadata.get("v").asInt() == version
                    : metadata == null;
            if (!matches) {
                problem(hotKey(key) + " metadata", where + ": v" + version + " came with metadata " + metadata);
            }
        }
    }

    /** True when some state in [floor, ceiling] is "absent": nothing yet, a delete, or an expired put. */
    private boolean mayBeAbsent(int key, int floor, int ceiling, long nowAfter) {
        if (floor == 0) {
            return true;
        }
        for (int v = floor; v <= ceiling; v++) {
            Kind kind = kindOf(key, v);
            if (kind == Kind.DELETE) {
                return true;
            }
            Long expiration = kind == Kind.PUT_WITH_EXPIRATION ? expirations.get(versionId(key, v)) : null;
            if (expiration != null && expiration <= nowAfter) {
                return true;
            }
        }
        return false;
    }

    private static String kindName(int key, int version) {
        return version == 0 ? "(none)" : kindOf(key, version).name();
    }

    private static String describe(int version) {
        return version == ABSENT ? "absent" : version == MALFORMED ? "a torn or foreign value" : "v" + version;
    }

    /** Every hot key holds its last acknowledged state, every cold key its one value. */
    private void checkEveryKey(KvNamespace ns, String when) {
        ByteBuffer keyBuffer = ByteBuffer.allocateDirect(64);
        ByteBuffer dst = ByteBuffer.allocateDirect(READ_BUFFER_BYTES);
        long now = clock.epochSecond();
        for (int key = 0; key < HOT_KEYS; key++) {
            for (int form = 0; form < READ_FORMS; form++) {
                Observation seen = observe(ns, hotKey(key), key, form, keyBuffer, dst);
                check(key, acked.get(key), started.get(key), now, now, seen, when + ", form " + form);
            }
        }
        for (int cold = 0; cold < COLD_KEYS; cold++) {
            int version = versionIn(ns.get(coldKey(cold)), COLD_KEY_BASE + cold);
            if (version != 0) {
                problem("cold key " + cold, "cold key " + cold + " " + when + ": " + describe(version));
            }
        }
    }
}
