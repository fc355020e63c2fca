package dev.basalt.compaction;

import static dev.basalt.testing.ChildOutput.emit;
import static dev.basalt.testing.ChildOutput.oneLine;
import static dev.basalt.testing.ChildOutput.valueFor;

import dev.basalt.Basalt;
import dev.basalt.BasaltInternals;
import dev.basalt.BasaltOptions;
import dev.basalt.CompactionResult;
import dev.basalt.Durability;
import dev.basalt.KvNamespace;
import dev.basalt.PutOptions;
import dev.basalt.internal.env.CrashPoints;
import dev.basalt.internal.store.Store;
import java.nio.file.Path;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The child process of {@link CompactionKillTest}: writes acknowledged operations from
 * {@value #WRITERS} threads while a third compacts in a loop, until it is killed, or until it
 * halts itself at a chosen step of a compaction pass.
 *
 * <p>Usage: {@code CompactionKillChild <dir> <durability> <cycle> <seed> <phase|NONE> <pass>}:
 * with a phase, the {@code pass}-th pass that compacts anything calls
 * {@code Runtime.halt} ({@value #HALT_STATUS}) from the compaction phase hook at that phase,
 * which stops the JVM as abruptly as a SIGKILL (no shutdown hooks, no close).
 *
 * <p>Output, one {@code write} per line on the unbuffered stdout descriptor, so a kill leaves at
 * most a partial last line:
 * <pre>
 * READY
 * BEGIN PUT t1-k7 c3-t1-s42 1234 0              (key, value id, filler length, expiration or 0)
 * ACK PUT t1-k7 c3-t1-s42 1234 0
 * BEGIN DEL t1-k9
 * ACK DEL t1-k9
 * PASS 5 BEGIN / PASS 5 COPIED / PASS 5 COMMITTED / PASS 5 RETIRED / PASS 5 END 2
 * HALT COMMITTED
 * ERROR t1 ...                                     (an engine call threw; the thread stops)
 * </pre>
 */
public final class CompactionKillChild {
    static final String NAMESPACE = "KILL";
    static final int WRITERS = 2;
    static final int KEYS_PER_WRITER = 40;
    static final int MAX_FILLER = 4_000;
    static final long SEGMENT_BYTES = 1L << 20;
    static final int HALT_STATUS = 99;
    /**
     * Expirations 2..4 s ahead: they run out while the parent checks, so expiry meets compaction.
     * Not 1 s: on a loaded machine the second can turn between reading the clock and the put,
     * which then refuses an expiration that is no longer in the future.
     */
    static final int MAX_SHORT_TTL_SECONDS = 4;
    /** A year: an expiration that never runs out during the test. */
    static final long FAR_TTL_SECONDS = 365L * 24 * 3600;
    private static final long PAUSE_BETWEEN_PASSES_MS = 5;

    private CompactionKillChild() {
    }

    public static void main(String[] args) throws InterruptedException {
        Path dir = Path.of(args[0]);
        Durability durability = Durability.valueOf(args[1]);
        int cycle = Integer.parseInt(args[2]);
        long seed = Long.parseLong(args[3]);
        CompactionStep haltPhase = args[4].equals("NONE") ? null : CompactionStep.valueOf(args[4]);
        int haltOnPass = Integer.parseInt(args[5]);

        Basalt db = Basalt.open(dir, options(durability));
        KvNamespace ns = db.namespace(NAMESPACE);
        Store store = BasaltInternals.store(db);
        AtomicInteger pass = new AtomicInteger();
        AtomicInteger passesWithVictims = new AtomicInteger();
        CrashPoints.observe(point -> {
            CompactionStep phase = CompactionStep.after(point);
            if (phase == null) {
                return;
            }
            if (phase == CompactionStep.COPIED) {
                passesWithVictims.incrementAndGet();
            }
            emit("PASS " + pass.get() + " " + phase);
            if (phase == haltPhase && passesWithVictims.get() >= haltOnPass) {
                emit("HALT " + phase);
                Runtime.getRuntime().halt(HALT_STATUS);
            }
        });
        emit("READY");
        Thread[] threads = new Thread[WRITERS + 1];
        for (int t = 0; t < WRITERS; t++) {
            int thread = t;
            threads[t] = new Thread(() -> write(ns, cycle, thread, new SplittableRandom(seed * 31 + thread)),
                    "kill-writer-" + t);
        }
        threads[WRITERS] = new Thread(() -> compact(db, store, pass), "kill-compactor");
        for (Thread thread : threads) {
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join(); // returns only if every thread stopped on an error; the parent kills us
        }
        emit("STOPPED");
        Thread.sleep(Long.MAX_VALUE);
    }

    static BasaltOptions options(Durability durability) {
        return BasaltOptions.defaults().withDurability(durability).withSegmentSize(SEGMENT_BYTES)
                .withMinExpirationTtl(Duration.ZERO).withBackgroundCompaction(false);
    }

    private static void write(KvNamespace ns, int cycle, int thread, SplittableRandom random) {
        try {
            for (long seq = 0; ; seq++) {
                String key = "t" + thread + "-k" + random.nextInt(KEYS_PER_WRITER);
                int roll = random.nextInt(20);
                if (roll < 4) {
                    emit("BEGIN DEL " + key);
                    ns.delete(key);
                    emit("ACK DEL " + key);
                    continue;
                }
                String id = "c" + cycle + "-t" + thread + "-s" + seq;
                int length = random.nextInt(MAX_FILLER + 1);
                long now = System.currentTimeMillis() / 1000;
                long expiration = roll < 7 ? now + 2 + random.nextInt(MAX_SHORT_TTL_SECONDS - 1)
                        : roll < 9 ? now + FAR_TTL_SECONDS : 0;
                String line = "PUT " + key + " " + id + " " + length + " " + expiration;
                emit("BEGIN " + line);
                if (expiration == 0) {
                    ns.put(key, valueFor(id, length));
                } else {
                    ns.put(key, valueFor(id, length), PutOptions.expiration(expiration));
                }
                emit("ACK " + line);
            }
        } catch (RuntimeException e) {
            emit("ERROR t" + thread + " " + oneLine(e));
        }
    }

    private static void compact(Basalt db, Store store, AtomicInteger pass) {
        try {
            for (int n = 1; ; n++) {
                pass.set(n);
                emit("PASS " + n + " BEGIN");
                CompactionResult result = n % 2 == 0 ? store.compact(0.3, (done, total) -> { }) : db.compact();
                emit("PASS " + n + " END " + result.segmentsCompacted());
                Thread.sleep(PAUSE_BETWEEN_PASSES_MS);
            }
        } catch (RuntimeException e) {
            emit("ERROR compactor " + oneLine(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

}
