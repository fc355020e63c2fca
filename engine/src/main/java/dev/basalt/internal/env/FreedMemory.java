package dev.basalt.internal.env;

import com.sun.jna.Function;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.agrona.concurrent.NanoClock;

/**
 * Gives memory the engine has freed back to the operating system, at most once per
 * {@link #INTERVAL_NANOS} for the whole process.
 *
 * <p>Why: the engine's indexes, checkpoint copies and hint entries are direct memory, which
 * glibc's {@code malloc} serves. Once a freed block of a few MiB has raised glibc's dynamic
 * mapping threshold (up to 32 MiB), smaller blocks come from {@code malloc}'s arenas, and a block
 * freed in the middle of an arena stays resident; the hint entries of a sealed segment are freed
 * only when a garbage collection finds them unreachable, so no one free call could hand them
 * back. After a load of 1 M keys the process's resident anonymous memory had grown by 131 bytes
 * a key for 51 bytes a key of indexes; one {@code malloc_trim(0)} after a collection took off 89
 * of them (docs/benchmarks.md, "Resident anonymous memory after a load").
 *
 * <p>How: glibc's {@code malloc_trim(0)} (since glibc 2.8 it releases the free pages inside every
 * arena, not only at the top), called through JNA, which Chronicle already brings. It walks
 * {@code malloc}'s free lists under their locks, so it runs on the background thread and rarely.
 * Where there is no glibc (another C library, another system) or the call cannot be bound,
 * {@link #release} does nothing, and says so once in the log.
 *
 * <p>Threads: any; the process-wide schedule is one atomic.
 */
public final class FreedMemory {
    /** The least time between two trims in one process, whatever the number of open stores. */
    public static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final AtomicLong NEXT_TRIM_NANOS = new AtomicLong(Long.MIN_VALUE);

    private FreedMemory() {
    }

    /**
     * Trims {@code malloc}'s free memory if this process's turn has come (one per
     * {@link #INTERVAL_NANOS}, the first one interval after the first ask); returns whether this
     * call trimmed.
     */
    public static boolean releaseIfDue(NanoClock clock) {
        return claimTurn(NEXT_TRIM_NANOS, clock.nanoTime()) && release();
    }

    /**
     * Whether a trim at {@code now} is due by {@code nextDue} (when the next may run), and if so,
     * moves {@code nextDue} one interval on: of callers racing for one turn, exactly one gets it.
     * The first ask ({@code nextDue} still {@link Long#MIN_VALUE}) only starts the schedule: the
     * first trim comes one interval later, so a store open for less than that (a test, a tool)
     * never binds the native call, and an open does not share its CPU with the binding.
     */
    static boolean claimTurn(AtomicLong nextDue, long now) {
        long next = nextDue.get();
        if (next == Long.MIN_VALUE) {
            nextDue.compareAndSet(next, now + INTERVAL_NANOS);
            return false;
        }
        if (now - next < 0) {
            return false;
        }
        return nextDue.compareAndSet(next, now + INTERVAL_NANOS);
    }

    /**
     * Trims now, after unmapping the {@link DirectMemory} buffers found unreferenced; true when
     * {@code malloc_trim} was called (whether or not it found memory to give back).
     */
    public static boolean release() {
        DirectMemory.unmapUnreferenced();
        Function trim = Binding.MALLOC_TRIM;
        if (trim == null) {
            return false;
        }
        trim.invokeInt(new Object[] {0L});
        return true;
    }

    /** Whether this process can trim (glibc, bound through JNA). */
    public static boolean available() {
        return Binding.MALLOC_TRIM != null;
    }

    /** The native function, bound on first use; null where it cannot be. */
    private static final class Binding {
        static final Function MALLOC_TRIM = LibC.function("malloc_trim", "freed memory is left to malloc");
    }
}
