package dev.basalt.internal.env;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Crash points: a crash test can make the process stop dead at a named step
 * ({@link CrashPoint}) of the engine's file protocols, so that every step is interrupted for
 * certain, not only when a random {@code kill -9} happens to land there.
 *
 * <p>Arming: {@code -Dbasalt.crashpoint=NAME} halts at the first hit of {@code NAME},
 * {@code -Dbasalt.crashpoint=NAME:n} at the n-th. When the armed point is hit, one line
 * {@code basalt crash point hit: NAME (hit n)} goes to standard error and the JVM stops with
 * {@code Runtime.halt(}{@value #HALT_STATUS}{@code )}: no shutdown hook, no close, no flush,
 * as abrupt as a SIGKILL.
 *
 * <p>Inert in production: the property is read once, into a {@code static final} boolean, so
 * with nothing armed every {@link #hit} is a test of a constant {@code false} that the JIT
 * removes. An unknown name or a bad count fails class initialisation loudly rather than
 * letting a test believe it armed something.
 *
 * <p>Observing: an in-process test can also watch the points go by ({@link #observe}), to
 * count them or to fail or stop work at one, with {@code -Dbasalt.crashpoint.observable=true}
 * (the engine's Surefire runs set it). Without that property observing is refused, and
 * {@link #hit} again tests only a constant.
 *
 * <p>Threads: any. The hit counter of the armed point is atomic, so "the n-th hit" is exact
 * even when several threads pass the point.
 */
public final class CrashPoints {
    /** The system property that arms a point. */
    public static final String PROPERTY = "basalt.crashpoint";
    /** The exit status of a halt at a crash point (chosen to be unlike any JVM or shell status). */
    public static final int HALT_STATUS = 86;
    /** How the line on standard error starts; the point's name follows. */
    public static final String HIT_PREFIX = "basalt crash point hit: ";

    private static final Arming ARMING = Arming.parse(System.getProperty(PROPERTY));
    /** Constant for the JIT: false in production, so every call site folds away. */
    private static final boolean ARMED = ARMING != null;
    private static final AtomicLong HITS = new AtomicLong();
    /** The system property that allows {@link #observe}; read once, like the arming. */
    public static final String OBSERVABLE_PROPERTY = "basalt.crashpoint.observable";
    private static final boolean OBSERVABLE = Boolean.getBoolean(OBSERVABLE_PROPERTY);
    private static volatile Observer observer;

    /** Sees every point passed in this JVM while installed; may throw to fail the step there. */
    @FunctionalInterface
    public interface Observer {
        void passed(CrashPoint point);
    }

    /** The steps of publishing a file by the tmp-force-move-fsync protocol ({@link DurableFiles}). */
    public enum PublishStep { TEMP_WRITTEN, BEFORE_MOVE, MOVED }

    /** Which point is armed and at which hit; {@code null} from {@link #parse} when none. */
    public record Arming(CrashPoint point, long haltAtHit) {
        /** {@code NAME} or {@code NAME:n} (n at least 1); null or blank means nothing armed. */
        public static Arming parse(String spec) {
            if (spec == null || spec.isBlank()) {
                return null;
            }
            int colon = spec.indexOf(':');
            String name = colon < 0 ? spec.trim() : spec.substring(0, colon).trim();
            long at = colon < 0 ? 1 : Long.parseLong(spec.substring(colon + 1).trim());
            if (at < 1) {
                throw new IllegalArgumentException(PROPERTY + "=" + spec + ": the hit count must be at least 1");
            }
            return new Arming(CrashPoint.valueOf(name), at);
        }
    }

    private CrashPoints() {
    }

    /** True when a point is armed in this JVM (only ever in a crash test's child process). */
    public static boolean armed() {
        return ARMED;
    }

    /**
     * Installs {@code watcher} until the returned handle is closed (one at a time). Tests only:
     * refused unless {@value #OBSERVABLE_PROPERTY} is true in this JVM.
     */
    public static AutoCloseable observe(Observer watcher) {
        if (!OBSERVABLE) {
            throw new IllegalStateException("crash points are observable only with -D" + OBSERVABLE_PROPERTY + "=true");
        }
        observer = watcher;
        return () -> observer = null;
    }

    /**
     * Passes {@code point}: tells the observer, if a test installed one, and halts the JVM if it
     * is the armed point and this is the chosen hit.
     */
    public static void hit(CrashPoint point) {
        if (OBSERVABLE) {
            Observer watching = observer;
            if (watching != null) {
                watching.passed(point);
            }
        }
        if (ARMED && point == ARMING.point()) {
            long hit = HITS.incrementAndGet();
            if (hit == ARMING.haltAtHit()) {
                halt(point, hit);
            }
        }
    }

    /** Passes the point of {@code step} for the kind of file {@code target} is (none for other files). */
    public static void publishing(Path target, PublishStep step) {
        if (ARMED) {
            CrashPoint point = pointFor(target.getFileName().toString(), step);
            if (point != null) {
                hit(point);
            }
        }
    }

    /** The point of a publish step by file name, or null for a file without points. */
    static CrashPoint pointFor(String fileName, PublishStep step) {
        if (fileName.endsWith(".hint")) {
            return pick(step, CrashPoint.HINT_TEMP_WRITTEN, CrashPoint.HINT_BEFORE_MOVE, CrashPoint.HINT_MOVED);
        }
        if (fileName.endsWith(".seg")) {
            return pick(step, null, CrashPoint.SEGMENT_BEFORE_MOVE, CrashPoint.SEGMENT_MOVED);
        }
        switch (fileName) {
            case "COMPACTION_COMMIT":
                return pick(step, CrashPoint.COMMIT_TEMP_WRITTEN, CrashPoint.COMMIT_BEFORE_MOVE,
                        CrashPoint.COMMIT_MOVED);
            case "STORE":
                return pick(step, CrashPoint.STORE_FILE_TEMP_WRITTEN, CrashPoint.STORE_FILE_BEFORE_MOVE,
                        CrashPoint.STORE_FILE_MOVED);
            case "CHECKPOINT":
                return pick(step, CrashPoint.CHECKPOINT_TEMP_WRITTEN, CrashPoint.CHECKPOINT_BEFORE_MOVE,
                        CrashPoint.CHECKPOINT_MOVED);
            case "CURSOR_KEY":
                return pick(step, CrashPoint.CURSOR_KEY_TEMP_WRITTEN, CrashPoint.CURSOR_KEY_BEFORE_MOVE,
                        CrashPoint.CURSOR_KEY_MOVED);
            default:
                return null;
        }
    }

    private static CrashPoint pick(PublishStep step, CrashPoint tempWritten, CrashPoint beforeMove, CrashPoint moved) {
        switch (step) {
            case TEMP_WRITTEN:
                return tempWritten;
            case BEFORE_MOVE:
                return beforeMove;
            default:
                return moved;
        }
    }

    private static void halt(CrashPoint point, long hit) {
        System.err.println(HIT_PREFIX + point.name() + " (hit " + hit + ")");
        System.err.flush();
        Runtime.getRuntime().halt(HALT_STATUS);
    }
}
