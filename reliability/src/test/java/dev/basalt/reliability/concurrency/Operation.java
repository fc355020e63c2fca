package dev.basalt.reliability.concurrency;

/**
 * One completed single-key operation of a recorded history: what was called, what it returned,
 * and when (monotonic {@link System#nanoTime()} just before the call and just after it returned).
 * The clock's epoch second is recorded at both ends too, because expiry decisions depend on it.
 *
 * <p>Values are identified by a write id: every put stores a value (and metadata) that encodes
 * its own unique id, so a read's result is the id of the put it saw, or {@link #ABSENT}.
 *
 * @param kind what was called
 * @param writeId for a put, its unique id; for a read, the id it returned or {@link #ABSENT};
 *     for a delete, {@link #ABSENT}
 * @param expirationLowEpochSeconds for a put, the earliest expiration it can have set
 *     ({@link #NO_EXPIRATION} when it set none); unused otherwise
 * @param expirationHighEpochSeconds for a put, the latest expiration it can have set (a TTL is
 *     added to the clock's second somewhere inside the call)
 * @param clockAtInvokeEpochSeconds the clock's second just before the call
 * @param clockAtResponseEpochSeconds the clock's second just after the call returned
 * @param invokeNanos {@link System#nanoTime()} just before the call
 * @param responseNanos {@link System#nanoTime()} just after the call returned
 * @param thread which worker made the call (for messages only)
 */
public record Operation(Kind kind, long writeId, long expirationLowEpochSeconds, long expirationHighEpochSeconds,
        long clockAtInvokeEpochSeconds, long clockAtResponseEpochSeconds, long invokeNanos, long responseNanos,
        int thread) {

    /** The result of a read that found nothing, and the write id of a delete. */
    public static final long ABSENT = -1L;
    /** Expiration bound of a put without one: never expires. */
    public static final long NO_EXPIRATION = Long.MAX_VALUE;

    /** What an operation did to, or read from, its key's register. */
    public enum Kind { PUT, DELETE, READ }

    public Operation {
        if (responseNanos < invokeNanos) {
            throw new IllegalArgumentException("responseNanos=" + responseNanos + " < invokeNanos=" + invokeNanos);
        }
        if (clockAtResponseEpochSeconds < clockAtInvokeEpochSeconds) {
            throw new IllegalArgumentException("the clock went backwards: " + clockAtInvokeEpochSeconds + " -> "
                    + clockAtResponseEpochSeconds);
        }
    }

    /** A put without expiration. */
    public static Operation put(long writeId, long invokeNanos, long responseNanos) {
        return new Operation(Kind.PUT, writeId, NO_EXPIRATION, NO_EXPIRATION, 0, 0, invokeNanos, responseNanos, 0);
    }

    /** A delete. */
    public static Operation delete(long invokeNanos, long responseNanos) {
        return new Operation(Kind.DELETE, ABSENT, NO_EXPIRATION, NO_EXPIRATION, 0, 0, invokeNanos, responseNanos, 0);
    }

    /** A read that returned {@code writeId} (or {@link #ABSENT}), with a clock standing at second 0. */
    public static Operation read(long writeId, long invokeNanos, long responseNanos) {
        return new Operation(Kind.READ, writeId, NO_EXPIRATION, NO_EXPIRATION, 0, 0, invokeNanos, responseNanos, 0);
    }

    /** This operation with the clock's seconds at both ends set. */
    public Operation atClock(long atInvokeEpochSeconds, long atResponseEpochSeconds) {
        return new Operation(kind, writeId, expirationLowEpochSeconds, expirationHighEpochSeconds, atInvokeEpochSeconds,
                atResponseEpochSeconds, invokeNanos, responseNanos, thread);
    }

    /** This put with an expiration somewhere in {@code [low, high]}. */
    public Operation expiringBetween(long low, long high) {
        return new Operation(kind, writeId, low, high, clockAtInvokeEpochSeconds, clockAtResponseEpochSeconds,
                invokeNanos, responseNanos, thread);
    }

    /** This operation as made by worker {@code worker}. */
    public Operation byThread(int worker) {
        return new Operation(kind, writeId, expirationLowEpochSeconds, expirationHighEpochSeconds,
                clockAtInvokeEpochSeconds, clockAtResponseEpochSeconds, invokeNanos, responseNanos, worker);
    }

    @Override
    public String toString() {
        String what = switch (kind) {
            case PUT -> "put(w" + writeId + (expirationLowEpochSeconds == NO_EXPIRATION ? ""
                    : ", exp " + expirationLowEpochSeconds + ".." + expirationHighEpochSeconds) + ")";
            case DELETE -> "delete";
            case READ -> "read -> " + (writeId == ABSENT ? "absent" : "w" + writeId);
        };
        return "t" + thread + " " + what + " [" + invokeNanos + ", " + responseNanos + "] clock "
                + clockAtInvokeEpochSeconds + ".." + clockAtResponseEpochSeconds;
    }
}
