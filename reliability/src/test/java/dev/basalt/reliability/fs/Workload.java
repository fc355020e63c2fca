package dev.basalt.reliability.fs;

import dev.basalt.Basalt;
import dev.basalt.KeyInfo;
import dev.basalt.KvNamespace;
import dev.basalt.ListOptions;
import dev.basalt.ListResult;
import dev.basalt.PutOptions;
import dev.basalt.ValueWithMetadata;
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
 * clock moves, syncs, a compaction), and the history that tells what any recovered state may
 * be: the state after the first {@code c} logical operations, read at a given time.
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
        PUT, DELETE, ADVANCE_CLOCK, SYNC, COMPACT, REOPEN
    }

    /** A planned step; {@code ttlSeconds} 0 means no expiration, {@code metadata} -1 none. */
    record Step(Kind kind, String key, String value, int metadata, long ttlSeconds) {
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
    /** Twice the ops acknowledged, plus 1 while one is in flight: one volatile, read consistently. */
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
        Random random = new Random(seed);
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < keyCount; i++) {
            keys.add(String.format("key-%03d", i));
        }
        List<Step> steps = new ArrayList<>();
        int compactAt = logicalOps * 2 / 3;
        int reopenAt = logicalOps / 3;
        for (int i = 0; i < logicalOps; i++) {
            String key = keys.get(random.nextInt(keyCount));
            if (random.nextInt(8) == 0) {
                steps.add(new Step(Kind.DELETE, key, null, -1, 0));
            } else {
                int length = 50 + random.nextInt(maxValueBytes - 50);
                int metadata = random.nextInt(3) == 0 ? i : -1;
                long ttl = switch (random.nextInt(6)) {
                    case 0 -> CLOCK_STEP_SECONDS / 2; // gone after the next clock step
                    case 1 -> 100 * CLOCK_STEP_SECONDS + CLOCK_STEP_SECONDS / 2;
                    default -> 0;
                };
                steps.add(new Step(Kind.PUT, key, value(key, i, length, random), metadata, ttl));
            }
            if (random.nextInt(40) == 0) {
                steps.add(new Step(Kind.ADVANCE_CLOCK, null, null, -1, 0));
            }
            if (random.nextInt(50) == 0) {
                steps.add(new Step(Kind.SYNC, null, null, -1, 0));
            }
            if (i == reopenAt) {
                steps.add(new Step(Kind.REOPEN, null, null, -1, 0));
            }
            if (i == compactAt) {
                steps.add(new Step(Kind.COMPACT, null, null, -1, 0));
            }
        }
        return new Workload(steps, keys);
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
     * {@code progress >> 1} ops of the history are acknowledged, and while the low bit is set the
     * next one is inside the engine (it may or may not be durable yet).
     */
    int progress() {
        return progress;
    }

    /** Puts and deletes acknowledged so far. */
    int acked() {
        return progress >> 1;
    }

    /** Operations acknowledged before the last completed {@code sync()}. */
    int syncedFloor() {
        return syncedFloor;
    }

    List<Op> history() {
        synchronized (history) {
            return List.copyOf(history);
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
                long expiration = step.ttlSeconds() == 0 ? NO_EXPIRATION : clock.epochSecond() + step.ttlSeconds();
                PutOptions base = expiration == NO_EXPIRATION ? PutOptions.none() : PutOptions.expiration(expiration);
                PutOptions options = step.metadata() >= 0 ? base.withMetadata(Map.of("i", step.metadata())) : base;
                logical(new Op(step.key(), step.value(), step.metadata(), expiration),
                        () -> ns.put(step.key(), step.value(), options));
            }
            case DELETE -> logical(new Op(step.key(), null, -1, NO_EXPIRATION), () -> ns.delete(step.key()));
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

    private void logical(Op op, Runnable call) {
        int index;
        synchronized (history) {
            index = history.size();
            history.add(op);
            acknowledged.add(false);
        }
        int acked = progress >> 1;
        progress = 2 * acked + 1;
        try {
            call.run();
            acked++;
            synchronized (history) {
                acknowledged.set(index, true);
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

    /** The first count in {@code [lo, hi]} whose state equals {@code actual}, or -1. */
    static int matchingPrefix(List<Op> ops, int lo, int hi, long nowEpochSeconds, Map<String, Entry> actual) {
        for (int c = hi; c >= lo; c--) {
            if (c <= ops.size() && stateAfter(ops, c, nowEpochSeconds).equals(actual)) {
                return c;
            }
        }
        return -1;
    }

    /** A short account of how {@code actual} differs from the state after {@code count} ops. */
    static String difference(List<Op> ops, int count, long nowEpochSeconds, Map<String, Entry> actual) {
        Map<String, Entry> expected = stateAfter(ops, count, nowEpochSeconds);
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
