package dev.basalt.reliability.fs;

import dev.basalt.Basalt;
import dev.basalt.KeyInfo;
import dev.basalt.KvNamespace;
import dev.basalt.ListOptions;
import dev.basalt.ListResult;
import dev.basalt.PutOptions;
import dev.basalt.ValueWithMetadata;
import dev.basalt.WriteBatch;
import dev.basalt.testing.ManualClock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.TreeMap;

/**
 * A fixed single-writer workload over a small key set (puts with TTLs and metadata, deletes,
 * optionally write batches of both, clock moves, syncs, a compaction), and the history that
 * tells what any recovered state may be: the state after the first {@code c} logical operations,
 * read at a given time. A logical operation is one put, one delete or one whole write batch, so
 * a state that holds part of a batch is the state after no count of them.
 *
 * <p>Threads: one test thread runs the steps; what it publishes ({@link #progress()},
 * {@link #syncedFloor()}) is volatile, so that a file-system hook on an engine thread reads a
 * consistent position (a put's file changes all happen while its in-flight bit is set).
 */
final class Workload {
    static final String NAMESPACE = "power";
    /** A put's expiration: none, or far enough from every clock value that no check sits on the boundary. */
    static final long NO_EXPIRATION = 0;
    static final long CLOCK_STEP_SECONDS = 120;

    /** REOPEN (close, then open again: recovery's own file changes are crash points too) is run by the runner. */
    enum Kind {
        PUT, DELETE, BATCH, ADVANCE_CLOCK, SYNC, COMPACT, REOPEN
    }

    /**
     * A planned step; {@code ttlSeconds} 0 means no expiration, {@code metadata} -1 none. A BATCH
     * step has its puts and deletes, on distinct keys, in {@code entries}.
     */
    record Step(Kind kind, String key, String value, int metadata, long ttlSeconds, List<Step> entries) {
        Step(Kind kind, String key, String value, int metadata, long ttlSeconds) {
            this(kind, key, value, metadata, ttlSeconds, List.of());
        }
    }

    /** Batches hold 1..50 entries (fewer when there are fewer keys: a batch names each key once). */
    static final int MAX_BATCH = 50;

    /**
     * The logical operations so far: {@code ops} flat, in sequence order, and where each
     * operation ends in it ({@code unitEnds[u]}: the ops of operations 0..u), and which
     * operations are batches.
     */
    record Timeline(List<Op> ops, int[] unitEnds, boolean[] batch) {
        int units() {
            return unitEnds.length;
        }

        /** How many ops the first {@code units} operations hold. */
        int opsOf(int units) {
            return units == 0 ? 0 : unitEnds[units - 1];
        }

        /** Batches among the first {@code units} operations. */
        int batchesIn(int units) {
            int count = 0;
            for (int u = 0; u < units && u < batch.length; u++) {
                count += batch[u] ? 1 : 0;
            }
            return count;
        }
    }

    /** A logical operation as executed; a delete has a null value. */
    record Op(String key, String value, int metadata, long expirationEpochSeconds) {
    }

    /** What a key reads as: value and metadata (-1 for none). */
    record Entry(String value, int metadata) {
    }

    final List<Step> steps;
    final List<String> keys;
    private final List<Op> history = new ArrayList<>();
    /** Per op of the history: true once acknowledged; false while in flight or after it failed. */
    private final List<Boolean> acknowledged = new ArrayList<>();
    /** Per logical operation: how many ops of the history it and those before it hold. */
    private final List<Integer> unitEnds = new ArrayList<>();
    private final List<Boolean> unitIsBatch = new ArrayList<>();
    /** Twice the logical operations acknowledged, plus 1 while one is in flight: one volatile, read consistently. */
    private volatile int progress;
    private volatile int syncedFloor;
    /** Segments the workload's compactions rewrote: a campaign reports it, so a pass that did nothing shows. */
    int segmentsCompacted;

    private Workload(List<Step> steps, List<String> keys) {
        this.steps = steps;
        this.keys = keys;
    }

    /** {@code logicalOps} puts and deletes over {@code keyCount} keys, values up to {@code maxValueBytes}. */
    static Workload generate(long seed, int logicalOps, int keyCount, int maxValueBytes) {
        return generate(seed, logicalOps, keyCount, maxValueBytes, 0);
    }

    /**
     * As {@link #generate(long, int, int, int)}, and one step in {@code batchOneIn} (none when
     * 0) a write batch of 1..{@value #MAX_BATCH} distinct keys, a quarter of its entries deletes,
     * its puts drawn like single puts. A batch's entries count towards {@code logicalOps}, so the
     * number of records written stays about the same. With 0 the steps are exactly those of the
     * four-argument form (the random draws are the same), so the campaigns without batches keep
     * their seeds.
     */
    static Workload generate(long seed, int logicalOps, int keyCount, int maxValueBytes, int batchOneIn) {
        Random random = new Random(seed);
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < keyCount; i++) {
            keys.add(String.format("key-%03d", i));
        }
        List<Step> steps = new ArrayList<>();
        int compactAt = logicalOps * 2 / 3;
        int reopenAt = logicalOps / 3;
        for (int i = 0; i < logicalOps; ) {
            int first = i;
            if (batchOneIn > 0 && random.nextInt(batchOneIn) == 0) {
                int size = 1 + random.nextInt(Math.min(MAX_BATCH, keyCount));
                List<String> shuffled = new ArrayList<>(keys);
                java.util.Collections.shuffle(shuffled, random);
                List<Step> entries = new ArrayList<>();
                for (String key : shuffled.subList(0, size)) {
                    entries.add(random.nextInt(4) == 0 ? new Step(Kind.DELETE, key, null, -1, 0)
                            : put(key, i, maxValueBytes, random));
                    i++;
                }
                steps.add(new Step(Kind.BATCH, null, null, -1, 0, entries));
            } else {
                String key = keys.get(random.nextInt(keyCount));
                steps.add(random.nextInt(8) == 0 ? new Step(Kind.DELETE, key, null, -1, 0)
                        : put(key, i, maxValueBytes, random));
                i++;
            }
            if (random.nextInt(40) == 0) {
                steps.add(new Step(Kind.ADVANCE_CLOCK, null, null, -1, 0));
            }
            if (random.nextInt(50) == 0) {
                steps.add(new Step(Kind.SYNC, null, null, -1, 0));
            }
            if (first <= reopenAt && reopenAt < i) {
                steps.add(new Step(Kind.REOPEN, null, null, -1, 0));
            }
            if (first <= compactAt && compactAt < i) {
                steps.add(new Step(Kind.COMPACT, null, null, -1, 0));
            }
        }
        return new Workload(steps, keys);
    }

    /** A put of op number {@code index}: 50 B to {@code maxValueBytes}, metadata one time in three, a TTL one in three. */
    private static Step put(String key, int index, int maxValueBytes, Random random) {
        int length = 50 + random.nextInt(maxValueBytes - 50);
        int metadata = random.nextInt(3) == 0 ? index : -1;
        long ttl = switch (random.nextInt(6)) {
            case 0 -> CLOCK_STEP_SECONDS / 2; // gone after the next clock step
            case 1 -> 100 * CLOCK_STEP_SECONDS + CLOCK_STEP_SECONDS / 2;
            default -> 0;
        };
        return new Step(Kind.PUT, key, value(key, index, length, random), metadata, ttl);
    }

    private static String value(String key, int index, int length, Random random) {
        StringBuilder value = new StringBuilder(length).append(key).append('#').append(index).append(':');
        char fill = (char) ('a' + random.nextInt(26));
        while (value.length() < length) {
            value.append(fill);
        }
        return value.toString();
    }

    /**
     * Where the writer is, as {@code 2 * acknowledged + (in flight ? 1 : 0)}: the first
     * {@code progress >> 1} logical operations are acknowledged, and while the low bit is set the
     * next one is inside the engine (it may or may not be durable yet).
     */
    int progress() {
        return progress;
    }

    /** Logical operations (puts, deletes, batches) acknowledged so far. */
    int acked() {
        return progress >> 1;
    }

    /** Logical operations acknowledged before the last completed {@code sync()}. */
    int syncedFloor() {
        return syncedFloor;
    }

    /** Whether logical operation {@code unit} (0-based) is a write batch; false for one not begun. */
    boolean isBatch(int unit) {
        synchronized (history) {
            return unit < unitIsBatch.size() && unitIsBatch.get(unit);
        }
    }

    /** Every put and delete begun so far, a batch's entries one by one, in sequence order. */
    List<Op> history() {
        synchronized (history) {
            return List.copyOf(history);
        }
    }

    Timeline timeline() {
        synchronized (history) {
            int[] ends = new int[unitEnds.size()];
            boolean[] batch = new boolean[ends.length];
            for (int u = 0; u < ends.length; u++) {
                ends[u] = unitEnds.get(u);
                batch[u] = unitIsBatch.get(u);
            }
            return new Timeline(List.copyOf(history), ends, batch);
        }
    }

    /** Runs every step against {@code db}; an exception from the engine propagates. */
    void run(Basalt db, ManualClock clock, java.util.function.Supplier<Basalt> reopen) {
        Basalt current = db;
        for (Step step : steps) {
            if (step.kind() == Kind.REOPEN) {
                current = reopen(current, reopen);
            } else {
                runStep(current, clock, step);
            }
        }
        current.close();
    }

    /** Closes {@code db} (which syncs it) and opens the directory again. */
    Basalt reopen(Basalt db, java.util.function.Supplier<Basalt> open) {
        int before = acked();
        db.close();
        syncedFloor = before;
        return open.get();
    }

    /** Runs one step; the history and the counters move only as the engine acknowledges. */
    void runStep(Basalt db, ManualClock clock, Step step) {
        KvNamespace ns = db.namespace(NAMESPACE);
        switch (step.kind()) {
            case PUT -> {
                long expiration = expirationOf(step, clock);
                PutOptions options = putOptions(step, expiration);
                logical(new Op(step.key(), step.value(), step.metadata(), expiration),
                        () -> ns.put(step.key(), step.value(), options));
            }
            case DELETE -> logical(new Op(step.key(), null, -1, NO_EXPIRATION), () -> ns.delete(step.key()));
            case BATCH -> {
                WriteBatch batch = WriteBatch.create();
                List<Op> ops = new ArrayList<>();
                for (Step entry : step.entries()) {
                    if (entry.kind() == Kind.DELETE) {
                        batch.delete(entry.key());
                        ops.add(new Op(entry.key(), null, -1, NO_EXPIRATION));
                    } else {
                        long expiration = expirationOf(entry, clock);
                        batch.put(entry.key(), entry.value(), putOptions(entry, expiration));
                        ops.add(new Op(entry.key(), entry.value(), entry.metadata(), expiration));
                    }
                }
                logical(ops, true, () -> ns.write(batch));
            }
            case ADVANCE_CLOCK -> clock.advanceSeconds(CLOCK_STEP_SECONDS);
            case SYNC -> {
                int before = acked();
                db.sync();
                syncedFloor = before;
            }
            // A compaction promises nothing about the durability of earlier writes (in PERIODIC
            // mode a pass with no victims forces nothing), so it does not move the floor.
            case COMPACT -> segmentsCompacted += db.compact().segmentsCompacted();
            case REOPEN -> throw new IllegalArgumentException("the runner reopens the store itself");
        }
    }

    private static long expirationOf(Step put, ManualClock clock) {
        return put.ttlSeconds() == 0 ? NO_EXPIRATION : clock.epochSecond() + put.ttlSeconds();
    }

    private static PutOptions putOptions(Step put, long expiration) {
        PutOptions base = expiration == NO_EXPIRATION ? PutOptions.none() : PutOptions.expiration(expiration);
        return put.metadata() >= 0 ? base.withMetadata(Map.of("i", put.metadata())) : base;
    }

    private void logical(Op op, Runnable call) {
        logical(List.of(op), false, call);
    }

    /** One logical operation of {@code ops} (a batch's entries, or one put or delete). */
    private void logical(List<Op> ops, boolean batch, Runnable call) {
        int index;
        synchronized (history) {
            index = history.size();
            history.addAll(ops);
            for (int i = 0; i < ops.size(); i++) {
                acknowledged.add(false);
            }
            unitEnds.add(history.size());
            unitIsBatch.add(batch);
        }
        int acked = progress >> 1;
        progress = 2 * acked + 1;
        try {
            call.run();
            acked++;
            synchronized (history) {
                for (int i = 0; i < ops.size(); i++) {
                    acknowledged.set(index + i, true);
                }
            }
        } finally {
            progress = 2 * acked;
        }
    }

    /** Which ops of {@link #history()} were acknowledged (the others failed). */
    boolean[] acknowledged() {
        synchronized (history) {
            boolean[] flags = new boolean[acknowledged.size()];
            for (int i = 0; i < flags.length; i++) {
                flags[i] = acknowledged.get(i);
            }
            return flags;
        }
    }

    /**
     * Checks a state recovered after failed operations: for each key, the value of the last
     * acknowledged op on it, or of a failed op after that one (a failed op may or may not have
     * reached the log). Returns null when it holds, else what differs.
     */
    static String checkWithFailures(List<Op> ops, boolean[] acked, long nowEpochSeconds, List<String> keys,
            Map<String, Entry> actual) {
        StringBuilder problems = new StringBuilder();
        for (String key : keys) {
            List<Entry> allowed = new ArrayList<>();
            allowed.add(null);
            for (int i = 0; i < ops.size(); i++) {
                Op op = ops.get(i);
                if (!op.key().equals(key)) {
                    continue;
                }
                Entry result = visible(op, nowEpochSeconds);
                if (acked[i]) {
                    allowed.clear();
                }
                allowed.add(result);
            }
            Entry found = actual.get(key);
            if (!allowed.contains(found)) {
                problems.append(key).append(": found ").append(brief(found)).append(", allowed ");
                for (Entry e : allowed) {
                    problems.append(brief(e)).append(" | ");
                }
                problems.append("; ");
            }
        }
        if (actual.containsKey("<listing disagrees>")) {
            problems.append("listing disagrees with reads: ").append(actual.get("<listing disagrees>").value());
        }
        return problems.length() == 0 ? null : problems.toString();
    }

    private static Entry visible(Op op, long nowEpochSeconds) {
        boolean expired = op.expirationEpochSeconds() != NO_EXPIRATION && op.expirationEpochSeconds() <= nowEpochSeconds;
        return op.value() == null || expired ? null : new Entry(op.value(), op.metadata());
    }

    /** The state after the first {@code count} ops of {@code ops}, read at {@code nowEpochSeconds}. */
    static Map<String, Entry> stateAfter(List<Op> ops, int count, long nowEpochSeconds) {
        Map<String, Op> last = new HashMap<>();
        for (int i = 0; i < count; i++) {
            last.put(ops.get(i).key(), ops.get(i));
        }
        Map<String, Entry> state = new TreeMap<>();
        for (Op op : last.values()) {
            boolean expired = op.expirationEpochSeconds() != NO_EXPIRATION && op.expirationEpochSeconds() <= nowEpochSeconds;
            if (op.value() != null && !expired) {
                state.put(op.key(), new Entry(op.value(), op.metadata()));
            }
        }
        return state;
    }

    /** What {@code db} holds for {@code keys}; also checks that listing agrees with reads. */
    static Map<String, Entry> read(Basalt db, List<String> keys) {
        KvNamespace ns = db.namespace(NAMESPACE);
        Map<String, Entry> state = new TreeMap<>();
        for (String key : keys) {
            ValueWithMetadata<String> read = ns.getWithMetadata(key);
            if (read.value() != null) {
                state.put(key, new Entry(read.value(), read.metadata() == null ? -1 : read.metadata().get("i").asInt()));
            }
        }
        ListResult listed = ns.list(ListOptions.all());
        List<String> listedKeys = new ArrayList<>();
        for (KeyInfo info : listed.keys()) {
            listedKeys.add(info.name());
        }
        if (!Objects.equals(listedKeys, new ArrayList<>(state.keySet()))) {
            state.put("<listing disagrees>", new Entry(String.join(",", listedKeys), -1));
        }
        return state;
    }

    /**
     * The highest count of logical operations in {@code [lo, hi]} whose state equals
     * {@code actual}, or -1. Counts are whole operations, so a state holding part of a batch
     * matches none (unless the missing part changes nothing visible, as a delete of an absent key).
     */
    static int matchingPrefix(Timeline timeline, int lo, int hi, long nowEpochSeconds, Map<String, Entry> actual) {
        for (int c = hi; c >= lo; c--) {
            if (c <= timeline.units() && stateAfter(timeline.ops(), timeline.opsOf(c), nowEpochSeconds).equals(actual)) {
                return c;
            }
        }
        return -1;
    }

    /**
     * Whether {@code actual} is the state before some batch among operations {@code [lo, hi)}
     * with part of that batch applied: every key the batch changes shows either its value
     * before the batch or after it, some one way and some the other, and every other key is as
     * before. Tells a torn batch apart from other wrong states, for the report.
     */
    static boolean tornBatch(Timeline timeline, int lo, int hi, long nowEpochSeconds, Map<String, Entry> actual) {
        for (int u = lo; u < hi && u < timeline.units(); u++) {
            if (!timeline.batch()[u]) {
                continue;
            }
            Map<String, Entry> before = stateAfter(timeline.ops(), timeline.opsOf(u), nowEpochSeconds);
            Map<String, Entry> after = stateAfter(timeline.ops(), timeline.opsOf(u + 1), nowEpochSeconds);
            int shown = 0;
            int notShown = 0;
            boolean fits = true;
            for (String key : union(union(before.keySet(), after.keySet()), actual.keySet())) {
                Entry was = before.get(key);
                Entry is = after.get(key);
                Entry found = actual.get(key);
                if (Objects.equals(was, is)) {
                    fits &= Objects.equals(found, was);
                } else if (Objects.equals(found, is)) {
                    shown++;
                } else if (Objects.equals(found, was)) {
                    notShown++;
                } else {
                    fits = false;
                }
            }
            if (fits && shown > 0 && notShown > 0) {
                return true;
            }
        }
        return false;
    }

    /** A short account of how {@code actual} differs from the state after {@code units} logical operations. */
    static String difference(Timeline timeline, int units, long nowEpochSeconds, Map<String, Entry> actual) {
        Map<String, Entry> expected = stateAfter(timeline.ops(), timeline.opsOf(Math.min(units, timeline.units())),
                nowEpochSeconds);
        StringBuilder out = new StringBuilder();
        for (String key : new java.util.TreeSet<>(union(expected.keySet(), actual.keySet()))) {
            Entry e = expected.get(key);
            Entry a = actual.get(key);
            if (!Objects.equals(e, a)) {
                out.append(key).append(": expected ").append(brief(e)).append(", found ").append(brief(a)).append("; ");
            }
        }
        return out.toString();
    }

    private static java.util.Set<String> union(java.util.Set<String> a, java.util.Set<String> b) {
        java.util.Set<String> all = new java.util.HashSet<>(a);
        all.addAll(b);
        return all;
    }

    private static String brief(Entry entry) {
        if (entry == null) {
            return "absent";
        }
        String v = entry.value();
        return (v.length() > 24 ? v.substring(0, 24) + "..(" + v.length() + ")" : v) + " meta=" + entry.metadata();
    }
}
