package dev.basalt.reliability.concurrency;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Decides whether the history of ONE key is linearizable against a register that holds a value
 * (with an expiration) or nothing. Linearizability is local (Herlihy and Wing): a history of
 * single-key operations is linearizable if and only if each key's sub-history is, so a store's
 * history is checked one key at a time.
 *
 * <h2>The model</h2>
 * The register is absent or holds a put's write id and an expiration second {@code e}. A put
 * stores its id, a delete empties it, a read returns the id or absent. Expiry: at clock second
 * {@code now} a value with {@code e <= now} reads absent. The clock second of a read is not known
 * exactly, only that it lies in the read's window {@code [clockAtInvoke, clockAtResponse]}, and a
 * TTL put's {@code e} only within {@code [low, high]} (now + ttl, with now somewhere in the put's
 * window). The state therefore keeps the interval of expirations still possible, and each read
 * narrows it: a read of the value needs {@code e > clockAtInvoke} (some second of its window
 * before {@code e}), a read of absent from a stored value needs {@code e <= clockAtResponse}.
 * An empty interval means no choice of {@code e} explains the reads: not linearizable.
 * Each operation picks its clock second within its own window independently of the others, a
 * slight over-approximation (the real clock is monotonic along the linearization order too)
 * that can only accept more histories, never reject a correct one.
 *
 * <h2>The search</h2>
 * Wing and Gong's search with Lowe's memoisation: repeatedly choose the next operation to
 * linearize among those that are minimal (invoked before every other pending operation's
 * response), apply it to the model, and backtrack when the model refuses it. A pair (set of
 * operations linearized, model state) that failed once is never explored again, which keeps
 * the search polynomial for histories of a few threads. The set is a 64-bit mask, so a key's
 * history holds at most {@value #MAX_OPERATIONS} operations; the test sizes its rounds to fit.
 *
 * <p>Not thread-safe; one instance per check.
 */
public final class RegisterLinearizability {
    /** Operations per key's history: the linearized set is one {@code long} mask. */
    public static final int MAX_OPERATIONS = 64;
    /** A guard against a search that would not end in reasonable time; never hit at our sizes. */
    private static final long MAX_STATES = 2_000_000;

    /** What the model holds: absent, or a write id with the interval of its possible expirations. */
    record Register(long writeId, long expirationLow, long expirationHigh) {
        static final Register EMPTY = new Register(Operation.ABSENT, Operation.NO_EXPIRATION, Operation.NO_EXPIRATION);

        boolean absent() {
            return writeId == Operation.ABSENT;
        }
    }

    /** The verdict on one key's history, with the search's size. */
    public record Verdict(boolean linearizable, long statesExplored, String explanation) {
    }

    private final Operation[] operations;
    private final Set<Visit> failed = new HashSet<>();
    private long statesExplored;

    private record Visit(long linearizedMask, Register state) {
    }

    private RegisterLinearizability(List<Operation> history) {
        if (history.size() > MAX_OPERATIONS) {
            throw new IllegalArgumentException("a key's history holds " + history.size()
                    + " operations; the checker takes at most " + MAX_OPERATIONS);
        }
        List<Operation> sorted = new ArrayList<>(history);
        sorted.sort(Comparator.comparingLong(Operation::invokeNanos));
        this.operations = sorted.toArray(new Operation[0]);
    }

    /** Checks one key's complete history, starting from an absent key. */
    public static Verdict check(List<Operation> history) {
        RegisterLinearizability search = new RegisterLinearizability(history);
        boolean ok = search.search(0L, Register.EMPTY);
        String explanation = ok ? "linearizable"
                : "no linearization of these " + history.size() + " operations (by invocation time):\n  "
                        + String.join("\n  ", search.describe());
        return new Verdict(ok, search.statesExplored, explanation);
    }

    private boolean search(long linearized, Register state) {
        int n = operations.length;
        if (linearized == allOf(n)) {
            return true;
        }
        Visit visit = new Visit(linearized, state);
        if (failed.contains(visit)) {
            return false;
        }
        if (++statesExplored > MAX_STATES) {
            throw new IllegalStateException("search passed " + MAX_STATES + " states; shorten the rounds");
        }
        long earliestPendingResponse = Long.MAX_VALUE;
        for (int i = 0; i < n; i++) {
            if ((linearized & (1L << i)) == 0) {
                earliestPendingResponse = Math.min(earliestPendingResponse, operations[i].responseNanos());
            }
        }
        for (int i = 0; i < n; i++) {
            Operation op = operations[i];
            if (op.invokeNanos() > earliestPendingResponse) {
                break; // sorted by invocation: every later one also started after that response
            }
            if ((linearized & (1L << i)) != 0) {
                continue;
            }
            Register next = apply(state, op);
            if (next != null && search(linearized | (1L << i), next)) {
                return true;
            }
        }
        failed.add(visit);
        return false;
    }

    /** The model's step: the state after {@code op}, or null if the register cannot give its result. */
    static Register apply(Register state, Operation op) {
        switch (op.kind()) {
            case PUT:
                return new Register(op.writeId(), op.expirationLowEpochSeconds(), op.expirationHighEpochSeconds());
            case DELETE:
                return Register.EMPTY;
            case READ:
                if (op.writeId() == Operation.ABSENT) {
                    if (state.absent()) {
                        return state;
                    }
                    // Expired at some second of the read's window: e <= clockAtResponse.
                    long high = Math.min(state.expirationHigh(), op.clockAtResponseEpochSeconds());
                    return state.expirationLow() <= high
                            ? new Register(state.writeId(), state.expirationLow(), high) : null;
                }
                if (state.writeId() != op.writeId()) {
                    return null;
                }
                // Live at some second of the read's window: e > clockAtInvoke.
                long low = state.expirationLow() == Operation.NO_EXPIRATION ? Operation.NO_EXPIRATION
                        : Math.max(state.expirationLow(), op.clockAtInvokeEpochSeconds() + 1);
                return low <= state.expirationHigh() ? new Register(state.writeId(), low, state.expirationHigh()) : null;
            default:
                throw new IllegalArgumentException("unknown kind " + op.kind());
        }
    }

    private static long allOf(int n) {
        return n == Long.SIZE ? -1L : (1L << n) - 1;
    }

    private List<String> describe() {
        List<String> lines = new ArrayList<>();
        for (Operation op : operations) {
            lines.add(op.toString());
        }
        return lines;
    }
}
