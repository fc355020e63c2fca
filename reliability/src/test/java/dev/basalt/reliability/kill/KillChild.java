package dev.basalt.reliability.kill;

import static dev.basalt.testing.ChildOutput.emit;
import static dev.basalt.testing.ChildOutput.oneLine;
import static dev.basalt.testing.ChildOutput.valueFor;

import dev.basalt.Basalt;
import dev.basalt.BasaltOptions;
import dev.basalt.Durability;
import dev.basalt.KvNamespace;
import dev.basalt.ListOptions;
import dev.basalt.PutOptions;
import dev.basalt.tools.BasaltCli;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.SplittableRandom;

/**
 * The child process of {@link KillCampaignTest}. It never ends by itself: the parent kills it,
 * or an armed crash point ({@code -Dbasalt.crashpoint=NAME[:n]}) halts it.
 *
 * <p>Usage: {@code KillChild WORKLOAD <dir> <durability> <cycle> <seed>} opens the directory,
 * creates namespace {@code N<cycle>}, prints {@code READY}, then runs {@value #WRITERS} writer
 * threads (puts with and without short or far expirations, deletes), a reader thread (gets and
 * listings) and a compactor thread ({@code compact()} back to back).
 * {@code KillChild OFFLINE <dir>} runs {@code basalt compact <dir>} (the CLI, in this JVM), then
 * sleeps until killed.
 *
 * <p>Output, one {@code write} per line on the unbuffered stdout descriptor, so a kill leaves at
 * most a partial last line, which the parent drops:
 * <pre>
 * READY
 * BEGIN PUT t1-k7 c3-t1-s42 1234 0       (key, value id, filler length, expiration second or 0)
 * ACK PUT t1-k7 c3-t1-s42 1234 0
 * BEGIN DEL t1-k9
 * ACK DEL t1-k9
 * REJECTED PUT ...                        (the expiration passed before the put ran: refused, not written)
 * ERROR t1 ...                            (an engine call threw; that thread stops)
 * OFFLINE BEGIN / OFFLINE END 0           (the offline tool started / returned its exit code)
 * </pre>
 */
public final class KillChild {
    static final String NAMESPACE = "KILL";
    static final int WRITERS = 3;
    static final int KEYS_PER_WRITER = 20;
    /**
     * Values of up to 16 KB (8 KB on average): with one fsync per put on a slow disk (about 100 a
     * second here) a 1 MiB segment still fills in about a second, so cycles roll segments and
     * compaction has victims; the 60 keys hold about 0.5 MB live.
     */
    static final int MAX_FILLER = 16_000;
    /** 1 MiB, the smallest allowed. */
    static final long SEGMENT_BYTES = 1L << 20;
    /** Expirations 2..4 s ahead: they run out while the child runs or while the parent checks. */
    static final int MAX_SHORT_TTL_SECONDS = 3;
    /** A year: an expiration that never runs out during the test. */
    static final long FAR_TTL_SECONDS = 365L * 24 * 3600;
    private static final long PAUSE_BETWEEN_PASSES_MS = 20;

    private KillChild() {
    }

    public static void main(String[] args) throws InterruptedException {
        Path dir = Path.of(args[1]);
        if (args[0].equals("OFFLINE")) {
            offline(dir);
            return;
        }
        Durability durability = Durability.valueOf(args[2]);
        int cycle = Integer.parseInt(args[3]);
        long seed = Long.parseLong(args[4]);
        Basalt db = Basalt.open(dir, options(durability));
        db.namespace("N" + cycle);
        KvNamespace ns = db.namespace(NAMESPACE);
        emit("READY");
        for (int t = 0; t < WRITERS; t++) {
            int thread = t;
            start("kill-writer-" + t, () -> write(ns, cycle, thread, new SplittableRandom(seed * 31 + thread)));
        }
        start("kill-reader", () -> read(ns, new SplittableRandom(seed * 17)));
        start("kill-compactor", () -> compact(db));
        Thread.sleep(Long.MAX_VALUE); // the parent kills this process
    }

    static BasaltOptions options(Durability durability) {
        return BasaltOptions.defaults().withDurability(durability).withSegmentSize(SEGMENT_BYTES)
                .withMinExpirationTtl(Duration.ZERO).withBackgroundCompaction(false);
    }

    private static void offline(Path dir) throws InterruptedException {
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        emit("OFFLINE BEGIN");
        int code = BasaltCli.run(new String[] {"compact", dir.toString()}, err, err);
        emit("OFFLINE END " + code);
        Thread.sleep(Long.MAX_VALUE);
    }

    private static void start(String name, Runnable work) {
        Thread thread = new Thread(work, name);
        thread.setDaemon(true);
        thread.start();
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
                long expiration = roll < 8 ? now + 2 + random.nextInt(MAX_SHORT_TTL_SECONDS)
                        : roll < 10 ? now + FAR_TTL_SECONDS : 0;
                String line = "PUT " + key + " " + id + " " + length + " " + expiration;
                emit("BEGIN " + line);
                if (expiration == 0) {
                    ns.put(key, valueFor(id, length));
                } else {
                    try {
                        ns.put(key, valueFor(id, length), PutOptions.expiration(expiration));
                    } catch (IllegalArgumentException e) {
                        // The clock passed the expiration before the put ran: validated and
                        // refused before anything is written, so it is neither acknowledged nor in flight.
                        emit("REJECTED " + line);
                        continue;
                    }
                }
                emit("ACK " + line);
            }
        } catch (RuntimeException e) {
            emit("ERROR t" + thread + " " + oneLine(e));
        }
    }

    /** Reads run beside the writes and compaction; a value that is not one a writer could store is an error. */
    private static void read(KvNamespace ns, SplittableRandom random) {
        try {
            while (true) {
                String key = "t" + random.nextInt(WRITERS) + "-k" + random.nextInt(KEYS_PER_WRITER);
                String value = ns.get(key);
                if (value != null && !value.equals(valueFor(idOf(value), value.length() - idOf(value).length() - 1))) {
                    emit("ERROR reader read a damaged value for " + key + ": " + idOf(value));
                    return;
                }
                if (random.nextInt(50) == 0) {
                    ns.list(ListOptions.prefix("t" + random.nextInt(WRITERS) + "-").withLimit(20));
                }
            }
        } catch (RuntimeException e) {
            emit("ERROR reader " + oneLine(e));
        }
    }

    private static void compact(Basalt db) {
        try {
            while (true) {
                db.compact();
                Thread.sleep(PAUSE_BETWEEN_PASSES_MS);
            }
        } catch (RuntimeException e) {
            emit("ERROR compactor " + oneLine(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String idOf(String value) {
        int colon = value.indexOf(':');
        return colon < 0 ? value : value.substring(0, colon);
    }

}
