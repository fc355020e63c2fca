package dev.basalt.reliability.kill;

import dev.basalt.KeyInfo;
import dev.basalt.KvNamespace;
import dev.basalt.ListOptions;
import dev.basalt.testing.ChildOutput;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * What every key of the campaign may hold, built from the children's output and checked
 * against the store after each cycle.
 *
 * <p>Per key, a list of allowed outcomes: an acknowledged operation replaces the list with its
 * own outcome; an operation that a kill left in flight (begun, never acknowledged) adds its
 * outcome to the list, since it may or may not have landed. A check keeps only the outcome the
 * store showed, so later cycles build on what is really there. Expirations are judged with the
 * wall clock read just before and just after each read: a value may be absent from its
 * expiration second on, and must be absent once that second has passed before the read.
 *
 * <p>Write batches: per-key lists alone would accept a batch half applied (each key on its own
 * may be old or new), so each batch also leaves a {@link BatchClaim} over the keys it still
 * decides (a later operation on a key takes that key out of the claim). At the next check an
 * acknowledged batch must show its outcome on every such key, and a batch left in flight must
 * show its outcome on all of them or on none: a key that only the batch's outcome explains
 * beside a key that only the outcome before the batch explains is a torn batch.
 *
 * <p>The listing is checked against the same reads: taken just before them, it must name
 * exactly the keys a read finds, but for a key it lists with an expiration that has passed by
 * the time of the read (after a crash the open may leave the listing to catch up after it, and
 * a list must first finish that).
 *
 * <p>Threads: the test thread only.
 */
final class KeyStates {
    /** One outcome: a value (null: absent) that lasts until an expiration second (0: none). */
    record Outcome(String value, long expirationEpochSeconds) {
        static final Outcome ABSENT = new Outcome(null, 0);

        /** Whether the store showing {@code actual} fits this outcome at some second in [before, after]. */
        boolean allows(String actual, long nowBeforeSeconds, long nowAfterSeconds) {
            if (value == null) {
                return actual == null;
            }
            boolean expiring = expirationEpochSeconds != 0;
            if (expiring && expirationEpochSeconds <= nowBeforeSeconds) {
                return actual == null;
            }
            if (expiring && expirationEpochSeconds <= nowAfterSeconds && actual == null) {
                return true;
            }
            return value.equals(actual);
        }

        /** Whether only absence fits this outcome from {@code nowSeconds} on. */
        boolean goneAt(long nowSeconds) {
            return value == null || (expirationEpochSeconds != 0 && expirationEpochSeconds <= nowSeconds);
        }

        @Override
        public String toString() {
            return value == null ? "absent" : KillChild.idOf(value)
                    + (expirationEpochSeconds == 0 ? "" : " expiring at " + expirationEpochSeconds);
        }
    }

    /** Counters of one campaign. */
    static final class Tally {
        long acknowledged;
        long inFlight;
        long keyChecks;
        long lost;
        long resurrected;
        long expiredChecks;
        /** Batches acknowledged by a child, and batches a kill left in flight. */
        long batchesAcknowledged;
        long batchesInFlight;
        /** Acknowledged batches judged at a check (some key still theirs) and those found incomplete. */
        long acknowledgedBatchesChecked;
        long acknowledgedBatchesIncomplete;
        /** Batches in flight judged at a check: there whole, gone whole, undecidable, torn. */
        long inFlightBatchesLanded;
        long inFlightBatchesDropped;
        long inFlightBatchesUndecidable;
        long tornBatches;

        long batchesChecked() {
            return acknowledgedBatchesChecked + inFlightBatchesLanded + inFlightBatchesDropped
                    + inFlightBatchesUndecidable;
        }
    }

    /**
     * A batch's claim on the keys it still decides: each key's outcome under the batch, and
     * (for a batch in flight) the outcomes the key could have without it.
     */
    private record BatchClaim(String id, boolean acknowledged, Map<String, Outcome> outcomes,
            Map<String, List<Outcome>> without) {
    }

    /** One operation of a child: a single put or delete (one key) or a batch. */
    private record Op(String batchId, List<String> keys, List<Outcome> outcomes) {
    }

    private final Map<String, List<Outcome>> allowed = new HashMap<>();
    private final List<BatchClaim> claims = new ArrayList<>();

    /** Takes in one child's complete output lines, in order. */
    void apply(List<String> lines, Tally tally) {
        Map<String, Op> inFlightByThread = new LinkedHashMap<>();
        for (String line : lines) {
            String[] words = line.split(" ");
            boolean operation = words[0].equals("BEGIN") || words[0].equals("ACK") || words[0].equals("REJECTED");
            if (!operation) {
                continue; // READY, ERROR (counted by the campaign), OFFLINE BEGIN/END
            }
            // The third word is a key (t1-k7) or a batch id (t1-c3-s43): either starts with the writer.
            String thread = words[2].substring(0, words[2].indexOf('-'));
            switch (words[0]) {
                case "REJECTED" -> inFlightByThread.remove(thread);
                case "BEGIN" -> {
                    Op op = parse(words);
                    op.keys().forEach(this::release);
                    inFlightByThread.put(thread, op);
                }
                case "ACK" -> {
                    Op op = words[1].equals("BATCH") ? inFlightByThread.get(thread) : parse(words);
                    if (op == null || (op.batchId() != null && !op.batchId().equals(words[2]))) {
                        throw new IllegalStateException("ACK without its BEGIN: " + line);
                    }
                    inFlightByThread.remove(thread);
                    acknowledge(op, tally);
                }
                default -> {
                }
            }
        }
        for (Op pending : inFlightByThread.values()) {
            tally.inFlight++;
            Map<String, Outcome> outcomes = new LinkedHashMap<>();
            Map<String, List<Outcome>> without = new HashMap<>();
            for (int i = 0; i < pending.keys().size(); i++) {
                String key = pending.keys().get(i);
                List<Outcome> list = allowed.computeIfAbsent(key, k -> {
                    List<Outcome> none = new ArrayList<>();
                    none.add(Outcome.ABSENT);
                    return none;
                });
                without.put(key, List.copyOf(list));
                outcomes.put(key, pending.outcomes().get(i));
                list.add(pending.outcomes().get(i));
            }
            if (pending.batchId() != null) {
                tally.batchesInFlight++;
                claims.add(new BatchClaim(pending.batchId(), false, outcomes, without));
            }
        }
    }

    private void acknowledge(Op op, Tally tally) {
        tally.acknowledged++;
        Map<String, Outcome> outcomes = new LinkedHashMap<>();
        for (int i = 0; i < op.keys().size(); i++) {
            List<Outcome> only = new ArrayList<>();
            only.add(op.outcomes().get(i));
            allowed.put(op.keys().get(i), only);
            outcomes.put(op.keys().get(i), op.outcomes().get(i));
        }
        if (op.batchId() != null) {
            tally.batchesAcknowledged++;
            claims.add(new BatchClaim(op.batchId(), true, outcomes, Map.of()));
        }
    }

    /** A later operation on {@code key} decides it from now on: no batch's claim covers it any more. */
    private void release(String key) {
        for (Iterator<BatchClaim> it = claims.iterator(); it.hasNext(); ) {
            BatchClaim claim = it.next();
            claim.outcomes().remove(key);
            if (claim.outcomes().isEmpty()) {
                it.remove();
            }
        }
    }

    /** A BEGIN or ACK line of a put, a delete or a batch (see {@link KillChild} for the format). */
    private static Op parse(String[] words) {
        if (words[1].equals("DEL")) {
            return new Op(null, List.of(words[2]), List.of(Outcome.ABSENT));
        }
        if (words[1].equals("PUT")) {
            return new Op(null, List.of(words[2]), List.of(putOutcome(words[3], words[4], words[5])));
        }
        List<String> keys = new ArrayList<>();
        List<Outcome> outcomes = new ArrayList<>();
        int count = Integer.parseInt(words[3]);
        int at = 4;
        for (int i = 0; i < count; i++) {
            keys.add(words[at + 1]);
            if (words[at].equals("D")) {
                outcomes.add(Outcome.ABSENT);
                at += 2;
            } else {
                outcomes.add(putOutcome(words[at + 2], words[at + 3], words[at + 4]));
                at += 5;
            }
        }
        if (at != words.length) {
            throw new IllegalStateException("batch line with " + words.length + " words, parsed " + at);
        }
        return new Op(words[2], keys, outcomes);
    }

    private static Outcome putOutcome(String id, String fillerLength, String expiration) {
        return new Outcome(ChildOutput.valueFor(id, Integer.parseInt(fillerLength)), Long.parseLong(expiration));
    }

    /** What one get of a key returned, with the wall-clock seconds read around it. */
    private record Reading(String actual, long before, long after) {
    }

    /** Checks every key of the key space against {@code ns}; returns a description of each violation. */
    List<String> check(KvNamespace ns, String when, Tally tally, LongSupplier wallClockMillis) {
        Map<String, KeyInfo> listed = new HashMap<>();
        ns.listAll(ListOptions.all()).forEach(info -> listed.put(info.name(), info));
        Map<String, Reading> readings = new LinkedHashMap<>();
        for (int thread = 0; thread < KillChild.WRITERS; thread++) {
            for (int n = 0; n < KillChild.KEYS_PER_WRITER; n++) {
                String key = "t" + thread + "-k" + n;
                long before = wallClockMillis.getAsLong() / 1000;
                String actual = ns.get(key);
                long after = wallClockMillis.getAsLong() / 1000;
                readings.put(key, new Reading(actual, before, after));
            }
        }
        List<String> violations = checkListing(listed, readings, when);
        for (BatchClaim claim : claims) {
            judge(claim, readings, when, tally, violations);
        }
        claims.clear(); // each key now collapses to the one outcome the store showed
        for (Map.Entry<String, Reading> read : readings.entrySet()) {
            checkKey(read.getKey(), read.getValue(), when, tally, violations);
        }
        return violations;
    }

    /** The listing, taken before the reads, against them: see the class comment. */
    private static List<String> checkListing(Map<String, KeyInfo> listed, Map<String, Reading> readings,
            String when) {
        List<String> violations = new ArrayList<>();
        for (Map.Entry<String, Reading> read : readings.entrySet()) {
            KeyInfo info = listed.remove(read.getKey());
            if (info == null && read.getValue().actual() != null) {
                violations.add(String.format("%s key %s reads as %s but is not listed", when, read.getKey(),
                        describe(read.getValue().actual())));
            } else if (info != null && read.getValue().actual() == null
                    && (info.expiration() == null || info.expiration() > read.getValue().after())) {
                violations.add(String.format("%s key %s is listed (expiration %s) but reads as absent", when,
                        read.getKey(), info.expiration()));
            }
        }
        for (String extra : listed.keySet()) {
            violations.add(String.format("%s key %s is listed but outside the campaign's key space", when, extra));
        }
        return violations;
    }

    /** All or nothing: see the class comment. */
    private static void judge(BatchClaim claim, Map<String, Reading> readings, String when, Tally tally,
            List<String> violations) {
        List<String> shown = new ArrayList<>();
        List<String> notShown = new ArrayList<>();
        for (Map.Entry<String, Outcome> entry : claim.outcomes().entrySet()) {
            Reading read = readings.get(entry.getKey());
            boolean batch = entry.getValue().allows(read.actual(), read.before(), read.after());
            boolean other = !claim.acknowledged() && claim.without().get(entry.getKey()).stream()
                    .anyMatch(o -> o.allows(read.actual(), read.before(), read.after()));
            if (batch && !other) {
                shown.add(entry.getKey());
            } else if (!batch) {
                notShown.add(entry.getKey() + "=" + describe(read.actual()));
            }
        }
        if (claim.acknowledged()) {
            tally.acknowledgedBatchesChecked++;
            if (!notShown.isEmpty()) {
                tally.acknowledgedBatchesIncomplete++;
                violations.add(String.format("%s acknowledged batch %s is incomplete: %d of %d keys it decides do"
                        + " not show it: %s", when, claim.id(), notShown.size(), claim.outcomes().size(), notShown));
            }
        } else if (!shown.isEmpty() && !notShown.isEmpty()) {
            tally.tornBatches++;
            violations.add(String.format("%s batch %s in flight at the kill is torn: it shows on %s but not on %s",
                    when, claim.id(), shown, notShown));
        } else if (!shown.isEmpty()) {
            tally.inFlightBatchesLanded++;
        } else if (!notShown.isEmpty()) {
            tally.inFlightBatchesDropped++;
        } else {
            tally.inFlightBatchesUndecidable++; // every key reads the same with or without it (deletes of absent keys, expiries)
        }
    }

    private void checkKey(String key, Reading read, String when, Tally tally, List<String> violations) {
        tally.keyChecks++;
        List<Outcome> outcomes = allowed.getOrDefault(key, List.of(Outcome.ABSENT));
        Outcome matched = null;
        for (Outcome outcome : outcomes) {
            if (outcome.value() != null && outcome.goneAt(read.after())) {
                tally.expiredChecks++;
            }
            if (matched == null && outcome.allows(read.actual(), read.before(), read.after())) {
                matched = outcome;
            }
        }
        if (matched != null) {
            List<Outcome> now = new ArrayList<>();
            now.add(read.actual() == null ? Outcome.ABSENT : matched);
            allowed.put(key, now);
            return;
        }
        boolean mustBeGone = outcomes.stream().allMatch(o -> o.goneAt(read.before()));
        if (mustBeGone && read.actual() != null) {
            tally.resurrected++;
        } else {
            tally.lost++;
        }
        violations.add(String.format("%s key %s: allowed %s, found %s", when, key, outcomes, describe(read.actual())));
    }

    private static String describe(String actual) {
        return actual == null ? "absent" : KillChild.idOf(actual) + " (" + actual.length() + " chars)";
    }
}
