package dev.basalt.compaction;

import dev.basalt.testing.ChildJvm;
import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.Basalt;
import dev.basalt.Durability;
import dev.basalt.KvNamespace;
import dev.basalt.internal.checkpoint.CheckpointContent;
import dev.basalt.internal.checkpoint.CheckpointFile;
import dev.basalt.internal.checkpoint.CheckpointRejected;
import dev.basalt.internal.env.FileIo;
import dev.basalt.internal.log.LogFormat;
import dev.basalt.internal.log.CompactionCommit;
import dev.basalt.internal.env.CrashPoints;
import dev.basalt.testing.ChildOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kill-the-process test of compaction, bounded: {@value #DEFAULT_CYCLES} cycles on one
 * directory. Each cycle starts a {@link CompactionKillChild} JVM that writes from two threads
 * while a third compacts back to back, and stops it one of two ways:
 * <ul>
 *   <li>a SIGKILL ({@code destroyForcibly}) at a random moment, sometimes before the child is
 *       even open (so recovery itself is killed, also while it finishes a committed pass);</li>
 *   <li>{@code Runtime.halt} from the compaction phase hook at a planned step (COPIED,
 *       COMMITTED, RETIRED; {@value #HALTS_PER_PHASE} cycles each), so every step of the
 *       protocol is interrupted for certain, not only by luck.</li>
 * </ul>
 * Then this JVM opens the directory and checks every key against the child's acknowledged
 * operations (the one operation in flight per writer may or may not have landed): nothing
 * acknowledged is lost, no deleted or expired key comes back, the store opens every time, no
 * {@code COMPACTION_COMMIT} or {@code *.tmp} is left, and every segment but the active
 * (highest) one has its hint. Durability modes take turns by cycle.
 *
 * <p>The schedule comes from a seed printed at the start; rerun with
 * {@code -Dbasalt.compactionkill.seed=<seed>} to repeat it (thread interleavings still vary);
 * {@code -Dbasalt.compactionkill.cycles=<n>} changes the number of cycles.
 */
@Tag("crash")
class CompactionKillTest {
    static final int DEFAULT_CYCLES = 18;
    private static final int HALTS_PER_PHASE = 2;
    private static final long MIN_RUN_MILLIS = 300;
    private static final long MAX_RUN_MILLIS = 1500;
    /** One random-kill cycle in this many kills the child during start-up or recovery instead. */
    private static final int EARLY_KILL_ONE_IN = 6;
    private static final long EARLY_KILL_MAX_MILLIS = 800;
    private static final long READY_TIMEOUT_MILLIS = 60_000;
    /**
     * From the child's start, not its readiness: a halt waits for up to three passes, each on a
     * segment filled first, which under {@code SYNC_EACH_WRITE} is an fsync a write (15 s on a
     * disk at 8 ms a force). A child that halts returns at once, so the bound costs nothing.
     */
    private static final long HALT_TIMEOUT_MILLIS = 90_000;
    /** Flags a JVM running engine code needs, used when this JVM's own cannot be read. */

    @TempDir
    Path workDir;

    /** What a key must hold: a value, possibly until an expiration second (0: none). */
    record Expect(String value, long expirationEpochSeconds) {
    }

    /** Tallies for the summary line. */
    private static final class Tally {
        int opens;
        int failedOpens;
        long acknowledged;
        long inFlight;
        long inFlightLanded;
        long keyChecks;
        long lost;
        long resurrected;
        long expiredChecks;
        int randomKills;
        int earlyKills;
        int killsInsidePass;
        long passesCompleted;
        long corruptRecords;
        final Map<CompactionStep, Integer> halts = new EnumMap<>(CompactionStep.class);
    }

    @Test
    void acknowledgedWritesSurviveKillsAtEveryStepOfCompaction() throws Exception {
        long seed = Long.getLong("basalt.compactionkill.seed", System.nanoTime());
        int cycles = Integer.getInteger("basalt.compactionkill.cycles", DEFAULT_CYCLES);
        System.out.printf("CompactionKillTest: seed %d (-Dbasalt.compactionkill.seed=%d), %d cycles%n", seed, seed,
                cycles);
        Random random = new Random(seed);
        List<CompactionStep> plan = plan(cycles, random);
        Path dataDir = workDir.resolve("data");
        Map<String, Expect> state = new HashMap<>();
        Tally tally = new Tally();
        List<String> violations = new ArrayList<>();

        for (int cycle = 0; cycle < cycles; cycle++) {
            Durability durability = Durability.values()[cycle % Durability.values().length];
            CompactionStep halt = plan.get(cycle);
            List<String> lines = runChild(dataDir, durability, cycle, halt, random, tally, violations);
            Ledger ledger = Ledger.parse(lines);
            tally.acknowledged += ledger.acknowledged;
            tally.inFlight += ledger.inFlight.size();
            tally.passesCompleted += ledger.passesCompleted;
            if (halt == null && ledger.insidePass) {
                tally.killsInsidePass++;
            }
            for (String error : ledger.errors) {
                violations.add("cycle " + cycle + " (" + durability + "): the child reported " + error);
            }
            if (halt != null && ledger.halted == halt) {
                tally.halts.merge(halt, 1, Integer::sum);
            }
            try (Basalt db = Basalt.open(dataDir, CompactionKillChild.options(durability))) {
                tally.opens++;
                tally.corruptRecords += db.stats().corruptRecordsSkipped();
                checkFiles(dataDir, "cycle " + cycle, violations);
                verify(db.namespace(CompactionKillChild.NAMESPACE), state, ledger, "cycle " + cycle + " ("
                        + durability + (halt != null ? ", halted at " + halt : "") + ")", tally, violations);
            } catch (RuntimeException e) {
                tally.failedOpens++;
                violations.add("cycle " + cycle + ": open after the kill failed: " + e);
                break; // nothing later can be checked on this directory
            }
        }
        if (tally.failedOpens == 0) {
            try (Basalt db = Basalt.open(dataDir, CompactionKillChild.options(Durability.GROUP_COMMIT))) {
                db.compact();
                verify(db.namespace(CompactionKillChild.NAMESPACE), state, new Ledger(), "final compact", tally,
                        violations);
            }
            try (Basalt db = Basalt.open(dataDir, CompactionKillChild.options(Durability.GROUP_COMMIT))) {
                checkFiles(dataDir, "final reopen", violations);
                verify(db.namespace(CompactionKillChild.NAMESPACE), state, new Ledger(), "final reopen", tally,
                        violations);
            }
        }

        System.out.printf("CompactionKillTest: cycles %d (random kills %d, of which during start-up %d and inside a"
                        + " pass %d; halts %s), passes completed %d, acknowledged ops %d, in flight %d (landed %d),"
                        + " key checks %d (expired %d), lost %d, resurrected %d, failed opens %d, corrupt records %d,"
                        + " violations %d%n",
                tally.opens, tally.randomKills, tally.earlyKills, tally.killsInsidePass, tally.halts,
                tally.passesCompleted, tally.acknowledged, tally.inFlight, tally.inFlightLanded, tally.keyChecks,
                tally.expiredChecks, tally.lost, tally.resurrected, tally.failedOpens, tally.corruptRecords,
                violations.size());
        assertThat(violations).as("seed %d", seed).isEmpty();
        assertThat(tally.acknowledged).as("the children acknowledged something").isPositive();
        if (cycles >= HALTS_PER_PHASE * CompactionStep.values().length) {
            assertThat(tally.halts.keySet()).as("every step of a pass was interrupted at least once")
                    .containsExactlyInAnyOrder(CompactionStep.values());
        }
    }

    /** Per cycle, the phase to halt at, or null for a random kill; never a halt in cycle 0 (no segments yet). */
    private static List<CompactionStep> plan(int cycles, Random random) {
        List<CompactionStep> plan = new ArrayList<>();
        for (CompactionStep phase : CompactionStep.values()) {
            for (int i = 0; i < HALTS_PER_PHASE && plan.size() < cycles - 1; i++) {
                plan.add(phase);
            }
        }
        while (plan.size() < cycles - 1) {
            plan.add(null);
        }
        Collections.shuffle(plan, random);
        plan.add(0, null);
        return plan;
    }

    /** Runs one child to its end (halt or kill) and returns its complete output lines. */
    private List<String> runChild(Path dataDir, Durability durability, int cycle, CompactionStep halt,
            Random random, Tally tally, List<String> violations) throws IOException, InterruptedException {
        Path out = workDir.resolve("child-" + cycle + ".out");
        Path err = workDir.resolve("child-" + cycle + ".err");
        List<String> command = new ArrayList<>();
        command.add(ChildJvm.javaBinary());
        command.addAll(ChildJvm.engineFlags());
        command.add("-Xmx256m");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(CompactionKillChild.class.getName());
        command.add(dataDir.toString());
        command.add(durability.name());
        command.add(Integer.toString(cycle));
        command.add(Long.toString(random.nextLong()));
        command.add(halt == null ? "NONE" : halt.name());
        command.add(Integer.toString(1 + random.nextInt(3)));
        long killAfterMillis = MIN_RUN_MILLIS + random.nextInt((int) (MAX_RUN_MILLIS - MIN_RUN_MILLIS + 1));
        boolean early = halt == null && random.nextInt(EARLY_KILL_ONE_IN) == 0;
        long earlyMillis = random.nextInt((int) EARLY_KILL_MAX_MILLIS);
        Process child = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            if (halt != null) {
                if (!child.waitFor(HALT_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
                    violations.add("cycle " + cycle + ": the child did not halt at " + halt + " within "
                            + HALT_TIMEOUT_MILLIS + " ms");
                } else if (child.exitValue() != CompactionKillChild.HALT_STATUS) {
                    violations.add("cycle " + cycle + ": the child exited with " + child.exitValue() + "; stderr:\n"
                            + ChildJvm.readQuietly(err));
                }
            } else if (early) {
                tally.earlyKills++;
                tally.randomKills++;
                Thread.sleep(earlyMillis);
            } else {
                tally.randomKills++;
                awaitReady(child, out, err);
                Thread.sleep(killAfterMillis);
                if (!child.isAlive()) {
                    violations.add("cycle " + cycle + ": the child died by itself with " + child.exitValue()
                            + "; stderr:\n" + ChildJvm.readQuietly(err));
                }
            }
        } finally {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
        return ChildJvm.completeLines(Files.readAllBytes(out));
    }

    /**
     * Checks every key of every writer, then moves {@code state} to what the store now holds.
     * Expirations are judged by the wall clock read just before and just after each get.
     */
    private static void verify(KvNamespace ns, Map<String, Expect> state, Ledger ledger, String when, Tally tally,
            List<String> violations) {
        state.putAll(ledger.lastAcked);
        state.keySet().removeAll(ledger.deletedLast);
        for (int thread = 0; thread < CompactionKillChild.WRITERS; thread++) {
            for (int n = 0; n < CompactionKillChild.KEYS_PER_WRITER; n++) {
                String key = "t" + thread + "-k" + n;
                long nowBefore = System.currentTimeMillis() / 1000;
                String actual = ns.get(key);
                long nowAfter = System.currentTimeMillis() / 1000;
                Expect expected = state.get(key);
                tally.keyChecks++;
                if (expected != null && expected.expirationEpochSeconds != 0
                        && expected.expirationEpochSeconds <= nowAfter) {
                    tally.expiredChecks++;
                }
                if (holds(expected, actual, nowBefore, nowAfter)) {
                    if (actual == null) {
                        state.remove(key); // deleted or expired: it must stay absent
                    }
                    continue;
                }
                Op pending = ledger.inFlight.get(thread);
                if (pending != null && pending.key.equals(key)
                        && holds(pending.expect(), actual, nowBefore, nowAfter)) {
                    tally.inFlightLanded++;
                    if (actual == null) {
                        state.remove(key);
                    } else {
                        state.put(key, pending.expect());
                    }
                    continue;
                }
                boolean shouldBeAbsent = expected == null || (expected.expirationEpochSeconds != 0
                        && expected.expirationEpochSeconds <= nowBefore);
                if (shouldBeAbsent && actual != null) {
                    tally.resurrected++;
                } else {
                    tally.lost++;
                }
                violations.add(String.format("%s key %s: expected %s%s, found %s", when, key, describe(expected),
                        pending != null && pending.key.equals(key) ? " or in-flight " + describe(pending.expect()) : "",
                        actual == null ? "absent" : "value " + idOf(actual) + " (" + actual.length() + " chars)"));
            }
        }
    }

    /** Whether {@code actual} is what {@code expected} allows at some second in [nowBefore, nowAfter]. */
    private static boolean holds(Expect expected, String actual, long nowBefore, long nowAfter) {
        if (expected == null) {
            return actual == null;
        }
        long expiration = expected.expirationEpochSeconds;
        if (expiration != 0 && expiration <= nowBefore) {
            return actual == null;
        }
        if (expiration != 0 && expiration <= nowAfter && actual == null) {
            return true;
        }
        return expected.value.equals(actual);
    }

    private static String describe(Expect expected) {
        if (expected == null) {
            return "absent";
        }
        return "value " + idOf(expected.value) + (expected.expirationEpochSeconds == 0 ? ""
                : " expiring at " + expected.expirationEpochSeconds);
    }

    private static String idOf(String value) {
        int colon = value.indexOf(':');
        return colon < 0 ? value : value.substring(0, colon);
    }

    /**
     * No commit file, no temporary file, no orphan hint, none for the highest segment but a clean
     * close's, and one for every other segment unless the checkpoint covers that segment whole
     * (its publish deleted the hint: the open that uses it needs none, one that cannot rescans
     * the segment).
     */
    /**
     * The files of {@code dir} after a reopen, once its background thread has written the hints the
     * open rebuilt (it waits up to ten seconds for a state without violations), then checked.
     */
    private static void checkFiles(Path dir, String when, List<String> violations) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        List<String> found = new ArrayList<>();
        checkFilesNow(dir, when, found);
        while (!found.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            found.clear();
            checkFilesNow(dir, when, found);
        }
        violations.addAll(found);
    }

    private static void checkFilesNow(Path dir, String when, List<String> violations) throws IOException {
        List<String> names;
        try (Stream<Path> files = Files.list(dir)) {
            names = files.map(p -> p.getFileName().toString()).sorted().toList();
        }
        if (names.contains(CompactionCommit.FILE_NAME)) {
            violations.add(when + ": " + CompactionCommit.FILE_NAME + " left after the reopen");
        }
        for (String name : names) {
            if (name.endsWith(".tmp")) {
                violations.add(when + ": temporary file " + name + " left after the reopen");
            }
        }
        TreeSet<String> segments = new TreeSet<>();
        Set<String> hints = new TreeSet<>();
        for (String name : names) {
            if (name.endsWith(".seg")) {
                segments.add(name.substring(0, name.length() - ".seg".length()));
            } else if (name.endsWith(".hint")) {
                hints.add(name.substring(0, name.length() - ".hint".length()));
            }
        }
        Set<String> sealed = new TreeSet<>(segments.headSet(segments.isEmpty() ? "" : segments.last()));
        Set<String> covered = coveredWhole(dir);
        Set<String> needed = new TreeSet<>(sealed);
        needed.removeAll(covered);
        // The active segment keeps a clean close's hint until the first append after the open
        // sets it aside: the session before this open (or the child, killed before it appended)
        // may have closed cleanly.
        Set<String> allowed = new TreeSet<>(segments);
        if (!allowed.containsAll(hints) || !hints.containsAll(needed)) {
            violations.add(when + ": hints " + hints + " for segments " + segments + ", covered whole by the"
                    + " checkpoint " + covered + " (every sealed segment it does not cover needs one, the"
                    + " active one none but a clean close's)");
        }
    }

    /** The ids (12 digits) of the segments the directory's checkpoint covers whole; none without one. */
    private static Set<String> coveredWhole(Path dir) throws IOException {
        Set<String> covered = new TreeSet<>();
        if (!Files.exists(dir.resolve("CHECKPOINT"))) {
            return covered;
        }
        java.nio.ByteBuffer store = java.nio.ByteBuffer.wrap(Files.readAllBytes(dir.resolve(LogFormat.STORE_FILE)))
                .order(LogFormat.BYTE_ORDER);
        CheckpointContent checkpoint;
        try {
            checkpoint = CheckpointFile.read(FileIo.real(), dir, store.getLong(LogFormat.STORE_ID_OFFSET));
        } catch (CheckpointRejected rejected) {
            return covered;
        }
        try {
            long[] ids = checkpoint.log().segmentIds();
            for (int i = 0; i < ids.length - 1; i++) {
                covered.add(String.format("%012d", ids[i]));
            }
            return covered;
        } finally {
            checkpoint.free();
        }
    }

    private static void awaitReady(Process child, Path out, Path err) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(READY_TIMEOUT_MILLIS);
        while (System.nanoTime() < deadline) {
            if (Files.size(out) >= "READY\n".length()) {
                return;
            }
            if (!child.isAlive()) {
                throw new AssertionError("child exited with " + child.exitValue() + " before READY; stderr:\n"
                        + ChildJvm.readQuietly(err));
            }
            Thread.sleep(10);
        }
        throw new AssertionError("child not READY after " + READY_TIMEOUT_MILLIS + " ms; stderr:\n" + ChildJvm.readQuietly(err));
    }

    /** One operation as the child announced it. */
    record Op(String kind, String key, String id, int length, long expirationEpochSeconds) {
        /** What the key holds if this operation landed: null for a delete. */
        Expect expect() {
            return kind.equals("DEL") ? null
                    : new Expect(ChildOutput.valueFor(id, length), expirationEpochSeconds);
        }

        static Op parse(String[] words, int from) {
            String kind = words[from];
            String key = words[from + 1];
            return kind.equals("DEL")
                    ? new Op(kind, key, null, 0, 0)
                    : new Op(kind, key, words[from + 2], Integer.parseInt(words[from + 3]),
                            Long.parseLong(words[from + 4]));
        }

        int thread() {
            return Integer.parseInt(key.substring(1, key.indexOf('-')));
        }
    }

    /** What one child's output says. */
    static final class Ledger {
        /** Keys whose last acknowledged op was a put, with what it put. */
        final Map<String, Expect> lastAcked = new HashMap<>();
        /** Keys whose last acknowledged op was a delete. */
        final Set<String> deletedLast = new LinkedHashSet<>();
        /** Per writer thread, the op it began and did not acknowledge. */
        final Map<Integer, Op> inFlight = new HashMap<>();
        final List<String> errors = new ArrayList<>();
        long acknowledged;
        long passesCompleted;
        /** True when the output ends inside a compaction pass (a BEGIN without its END). */
        boolean insidePass;
        CompactionStep halted;

        static Ledger parse(List<String> lines) {
            Ledger ledger = new Ledger();
            for (String line : lines) {
                String[] words = line.split(" ");
                switch (words[0]) {
                    case "BEGIN": {
                        Op op = Op.parse(words, 1);
                        ledger.inFlight.put(op.thread(), op);
                        break;
                    }
                    case "ACK": {
                        Op op = Op.parse(words, 1);
                        ledger.acknowledged++;
                        ledger.inFlight.remove(op.thread());
                        if (op.kind().equals("DEL")) {
                            ledger.lastAcked.remove(op.key());
                            ledger.deletedLast.add(op.key());
                        } else {
                            ledger.deletedLast.remove(op.key());
                            ledger.lastAcked.put(op.key(), op.expect());
                        }
                        break;
                    }
                    case "PASS":
                        if (words[2].equals("BEGIN")) {
                            ledger.insidePass = true;
                        } else if (words[2].equals("END")) {
                            ledger.insidePass = false;
                            ledger.passesCompleted++;
                        }
                        break;
                    case "HALT":
                        ledger.halted = CompactionStep.valueOf(words[1]);
                        break;
                    case "ERROR":
                        ledger.errors.add(line);
                        break;
                    default:
                        break;
                }
            }
            return ledger;
        }
    }
}
