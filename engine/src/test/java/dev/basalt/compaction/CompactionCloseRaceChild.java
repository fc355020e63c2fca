package dev.basalt.compaction;

import dev.basalt.Basalt;
import dev.basalt.BasaltInternals;
import dev.basalt.BasaltOptions;
import dev.basalt.Durability;
import dev.basalt.KvNamespace;
import dev.basalt.internal.env.CrashPoints;
import dev.basalt.internal.store.Store;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The child process of {@link CompactionCloseRaceTest}: closes a store while a pass runs on
 * another thread. In a separate JVM because the failure this looks for is the JVM itself
 * crashing (a segment unmapped while the pass still reads it).
 *
 * <p>Usage: {@code CompactionCloseRaceChild <dir> <mode> <rounds> <seed>}, modes:
 * <ul>
 *   <li>{@code BETWEEN_VICTIMS}: the pass's progress listener, called after each victim,
 *       closes the store (on another thread, waiting for it) after the first victim, so the
 *       next victim is read after close. Deterministic.</li>
 *   <li>{@code COMMITTED}: the phase hook closes the store at COMMITTED, before the victims are
 *       retired. Deterministic.</li>
 *   <li>{@code RANDOM}: {@code rounds} rounds of a thread running {@code db.compact()} back to
 *       back and the main thread closing after a random delay.</li>
 * </ul>
 * Each round writes several MiB of overwrites first (mostly dead segments, so a pass has several
 * victims). Prints {@code ROUND ...} per round, {@code UNEXPECTED <exception>} for any compact()
 * failure other than the documented IllegalStateException of a closed store, and {@code DONE}.
 */
public final class CompactionCloseRaceChild {
    static final String NAMESPACE = "RACE";
    static final int DISTINCT_KEYS = 200;
    private static final long SEGMENT_BYTES = 1L << 20;
    private static final int PUTS_PER_ROUND = 6_000;
    private static final String FILLER = "c".repeat(1_000);
    private static final int MAX_CLOSE_DELAY_MICROS = 40_000;

    private CompactionCloseRaceChild() {
    }

    static BasaltOptions options() {
        return BasaltOptions.defaults().withDurability(Durability.PERIODIC).withSegmentSize(SEGMENT_BYTES)
                .withBackgroundCompaction(false);
    }

    public static void main(String[] args) throws InterruptedException {
        Path dir = Path.of(args[0]);
        String mode = args[1];
        int rounds = Integer.parseInt(args[2]);
        SplittableRandom random = new SplittableRandom(Long.parseLong(args[3]));
        long unexpected = 0;
        for (int round = 0; round < rounds; round++) {
            Basalt db = Basalt.open(dir, options());
            KvNamespace ns = db.namespace(NAMESPACE);
            for (int i = 0; i < DISTINCT_KEYS; i++) {
                ns.put("key:" + i, FILLER + round);
            }
            for (int i = DISTINCT_KEYS; i < PUTS_PER_ROUND; i++) {
                ns.put("key:" + random.nextInt(DISTINCT_KEYS), FILLER + round);
            }
            int segments = db.stats().segmentCount();
            String outcome = mode.equals("RANDOM") ? randomClose(db, random) : closeInsidePass(db, mode);
            unexpected += outcome.startsWith("UNEXPECTED") ? 1 : 0;
            if (outcome.startsWith("UNEXPECTED")) {
                System.out.println(outcome);
            }
            System.out.println("ROUND " + round + " segments " + segments + " " + outcome);
        }
        System.out.println("DONE unexpected " + unexpected);
    }

    /** Closes the store from inside a pass, at the point {@code mode} names; returns what compact() did. */
    private static String closeInsidePass(Basalt db, String mode) {
        Store store = BasaltInternals.store(db);
        AtomicBoolean closed = new AtomicBoolean();
        Runnable closeNow = () -> {
            if (closed.compareAndSet(false, true)) {
                Thread closer = new Thread(db::close, "close-race-closer");
                closer.start();
                try {
                    closer.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        AutoCloseable watching = null;
        if (mode.equals("COMMITTED")) {
            watching = CrashPoints.observe(point -> {
                if (CompactionStep.after(point) == CompactionStep.COMMITTED) {
                    closeNow.run();
                }
            });
        }
        try {
            store.compact(0.0, (done, total) -> {
                if (mode.equals("BETWEEN_VICTIMS") && done < total) {
                    closeNow.run();
                }
            });
            return "compact returned" + (closed.get() ? " after close" : " without closing");
        } catch (IllegalStateException documented) {
            return "compact threw IllegalStateException (" + documented.getMessage() + ")";
        } catch (Throwable t) {
            return "UNEXPECTED " + describe(t);
        } finally {
            stopWatching(watching);
            db.close();
        }
    }

    private static String randomClose(Basalt db, SplittableRandom random) throws InterruptedException {
        AtomicLong passes = new AtomicLong();
        StringBuilder failure = new StringBuilder();
        CountDownLatch passing = new CountDownLatch(1);
        Thread compactor = new Thread(() -> {
            try {
                while (true) {
                    passing.countDown();
                    db.compact();
                    passes.incrementAndGet();
                }
            } catch (IllegalStateException closed) {
                // documented: any call after close throws IllegalStateException
            } catch (Throwable t) {
                failure.append("UNEXPECTED ").append(describe(t));
            }
        }, "close-race-compactor");
        compactor.start();
        passing.await();
        long delayMicros = random.nextInt(MAX_CLOSE_DELAY_MICROS);
        Thread.sleep(delayMicros / 1000, (int) (delayMicros % 1000) * 1000);
        db.close();
        compactor.join();
        return failure.length() > 0 ? failure.toString()
                : "closed after " + delayMicros + " us, passes finished " + passes.get();
    }

    private static void stopWatching(AutoCloseable watching) {
        try {
            if (watching != null) {
                watching.close();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String describe(Throwable t) {
        StackTraceElement[] stack = t.getStackTrace();
        String at = stack.length > 0 ? " at " + stack[0] : "";
        return (t + at + (t.getCause() != null ? " caused by " + t.getCause() : "")).replace('\n', ' ');
    }
}
