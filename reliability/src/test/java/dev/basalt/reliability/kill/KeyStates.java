package dev.basalt.reliability.kill;

import dev.basalt.KvNamespace;
import dev.basalt.testing.ChildOutput;
import java.util.ArrayList;
import java.util.HashMap;
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
    }

    private final Map<String, List<Outcome>> allowed = new HashMap<>();

    /** Takes in one child's complete output lines, in order. */
    void apply(List<String> lines, Tally tally) {
        Map<String, Outcome> inFlightByThread = new LinkedHashMap<>();
        Map<String, String> inFlightKeyByThread = new HashMap<>();
        for (String line : lines) {
            String[] words = line.split(" ");
            if (words[0].equals("REJECTED")) {
                String key = words[2];
                inFlightByThread.remove(key.substring(0, key.indexOf('-')));
            } else if (words[0].equals("BEGIN") || words[0].equals("ACK")) {
                String key = words[2];
                String thread = key.substring(0, key.indexOf('-'));
                Outcome outcome = words[1].equals("DEL") ? Outcome.ABSENT
                        : new Outcome(ChildOutput.valueFor(words[3], Integer.parseInt(words[4])), Long.parseLong(words[5]));
                if (words[0].equals("BEGIN")) {
                    inFlightByThread.put(thread, outcome);
                    inFlightKeyByThread.put(thread, key);
                } else {
                    tally.acknowledged++;
                    inFlightByThread.remove(thread);
                    List<Outcome> only = new ArrayList<>();
                    only.add(outcome);
                    allowed.put(key, only);
                }
            }
        }
        for (Map.Entry<String, Outcome> pending : inFlightByThread.entrySet()) {
            tally.inFlight++;
            String key = inFlightKeyByThread.get(pending.getKey());
            List<Outcome> outcomes = allowed.computeIfAbsent(key, k -> {
                List<Outcome> none = new ArrayList<>();
                none.add(Outcome.ABSENT);
                return none;
            });
            outcomes.add(pending.getValue());
        }
    }

    /** Checks every key of the key space against {@code ns}; returns a description of each violation. */
    List<String> check(KvNamespace ns, String when, Tally tally, LongSupplier wallClockMillis) {
        List<String> violations = new ArrayList<>();
        for (int thread = 0; thread < KillChild.WRITERS; thread++) {
            for (int n = 0; n < KillChild.KEYS_PER_WRITER; n++) {
                String key = "t" + thread + "-k" + n;
                long before = wallClockMillis.getAsLong() / 1000;
                String actual = ns.get(key);
                long after = wallClockMillis.getAsLong() / 1000;
                tally.keyChecks++;
                List<Outcome> outcomes = allowed.getOrDefault(key, List.of(Outcome.ABSENT));
                Outcome matched = null;
                for (Outcome outcome : outcomes) {
                    if (outcome.value() != null && outcome.goneAt(after)) {
                        tally.expiredChecks++;
                    }
                    if (matched == null && outcome.allows(actual, before, after)) {
                        matched = outcome;
                    }
                }
                if (matched != null) {
                    List<Outcome> now = new ArrayList<>();
                    now.add(actual == null ? Outcome.ABSENT : matched);
                    allowed.put(key, now);
                    continue;
                }
                boolean mustBeGone = outcomes.stream().allMatch(o -> o.goneAt(before));
                if (mustBeGone && actual != null) {
                    tally.resurrected++;
                } else {
                    tally.lost++;
                }
                violations.add(String.format("%s key %s: allowed %s, found %s", when, key, outcomes,
                        actual == null ? "absent" : KillChild.idOf(actual) + " (" + actual.length() + " chars)"));
            }
        }
        return violations;
    }
}
