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
import dev.basalt.WriteBatch;
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
 * <p>Usage: {@code KillChild WORKLOAD <dir> <durability> <cycle> <seed>} opens the directory
 * (with mapped appends when the cycle is odd),
 * creates namespace {@code N<cycle>}, prints {@code READY}, then runs {@value #WRITERS} writer
 * threads (puts with and without short or far expirations, deletes, and one time in
 * {@value #BATCH_ONE_IN} a {@link WriteBatch} of 1..{@value #MAX_BATCH} distinct keys mixing the
 * same kinds of puts with deletes), a reader thread (gets and listings) and a compactor thread
 * ({@code compact()} back to back).
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
 * BEGIN BATCH t1-c3-s43 3 P t1-k7 t1-c3-s43-0 99 0 D t1-k31 P t1-k2 t1-c3-s43-2 5 1234
 *                                         (batch id, entry count, then per entry P key id filler
 *                                         expiration, or D key)
 * ACK BATCH t1-c3-s43
 * REJECTED PUT ...                        (the expiration passed before the put ran: refused, not written)
 * REJECTED BATCH t1-c3-s43               (the same for an entry of a batch: nothing of it written)
 * ERROR t1 ...                            (an engine call threw; that thread stops)
 * OFFLINE BEGIN / OFFLINE END 0           (the offline tool started / returned its exit code)
 * </pre>
 */
public final class KillChild {
    static final String NAMESPACE = "KILL";
    static final int WRITERS = 3;
    /** Keys of one writer that single puts and deletes go to; batches use these and more. */
    static final int SINGLE_KEYS_PER_WRITER = 20;
    /**
     * Every key a writer touches (and the parent checks): a batch of up to {@value #MAX_BATCH}
     * distinct keys needs more than the single operations' 20, and drawing from all 60 makes
     * batches overwrite and delete keys that single puts wrote, and the other way round.
     */
    static final int KEYS_PER_WRITER = 60;
    /** One writer step in this many is a batch: about half the records written then belong to batches. */
    static final int BATCH_ONE_IN = 8;
    static final int MAX_BATCH = 50;
    /**
     * A batch entry's filler: up to 4 KB, so that a batch averages about 50 KB and the largest
     * (about 200 KB) still leaves several batches per 1 MiB segment; batches that do not fit in
     * the rest of a segment make it roll (crash point BATCH_ROLLED).
     */
    static final int MAX_BATCH_FILLER = 4_000;
    /**
     * Values of up to 16 KB (8 KB on average): with one fsync per put on a slow disk (about 100 a
     * second here) a 1 MiB segment still fills in about a second, so cycles roll segments and
     * compaction has victims; the 60 keys hold about 0.5 MB live.
     */
    static final int MAX_FILLER = 16_000;
    /** 1 MiB, the smallest allowed. */
    static final long SEGMENT_BYTES = 1L << 20;
    static final long CHECKPOINT_BYTES = 256L << 10;
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
        // Odd cycles copy records into a mapping of the active segment: a kill must lose nothing
        // acknowledged either way, and the directories are the same either way.
        Basalt db = Basalt.open(dir, options(durability).withMappedAppends(cycle % 2 == 1));
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
        // A checkpoint every 256 KiB of log: several a cycle, so kills land before, during and
        // after them, and every open after a kill starts from one and replays the tail.
        return BasaltOptions.defaults().withDurability(durability).withSegmentSize(SEGMENT_BYTES)
                .withMinExpirationTtl(Duration.ZERO).withBackgroundCompaction(false)
                .withCheckpointInterval(CHECKPOINT_BYTES);
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
                if (random.nextInt(BATCH_ONE_IN) == 0) {
                    writeBatch(ns, "t" + thread + "-c" + cycle + "-s" + seq, thread, random);
                    continue;
                }
                String key = "t" + thread + "-k" + random.nextInt(SINGLE_KEYS_PER_WRITER);
                int roll = random.nextInt(20);
                if (roll < 4) {
                    emit("BEGIN DEL " + key);
                    ns.delete(key);
                    emit("ACK DEL " + key);
                    continue;
                }
                String id = "c" + cycle + "-t" + thread + "-s" + seq;
                int length = random.nextInt(MAX_FILLER + 1);
                long expiration = expirationFor(roll, random);
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

    /** No expiration, a short one or a far one, by the writer's roll of 0..19 (4..7 short, 8..9 far). */
    private static long expirationFor(int roll, SplittableRandom random) {
        long now = System.currentTimeMillis() / 1000;
        return roll < 8 ? now + 2 + random.nextInt(MAX_SHORT_TTL_SECONDS) : roll < 10 ? now + FAR_TTL_SECONDS : 0;
    }

    /**
     * One batch of 1..{@value #MAX_BATCH} distinct keys of this writer, about one entry in five a
     * delete, the puts with the single puts' mix of expirations. The BEGIN line lists every
     * entry, so the parent knows the whole batch even when it is cut by the kill.
     */
    private static void writeBatch(KvNamespace ns, String id, int thread, SplittableRandom random) {
        int size = 1 + random.nextInt(MAX_BATCH);
        int[] keys = random.ints(0, KEYS_PER_WRITER).distinct().limit(size).toArray();
        WriteBatch batch = WriteBatch.create();
        StringBuilder line = new StringBuilder("BATCH ").append(id).append(' ').append(size);
        for (int i = 0; i < size; i++) {
            String key = "t" + thread + "-k" + keys[i];
            int roll = random.nextInt(20);
            if (roll < 4) {
                batch.delete(key);
                line.append(" D ").append(key);
                continue;
            }
            String valueId = id + "-" + i;
            int length = random.nextInt(MAX_BATCH_FILLER + 1);
            long expiration = expirationFor(roll, random);
            String value = valueFor(valueId, length);
            batch.put(key, value, expiration == 0 ? PutOptions.none() : PutOptions.expiration(expiration));
            line.append(" P ").append(key).append(' ').append(valueId).append(' ').append(length).append(' ')
                    .append(expiration);
        }
        emit("BEGIN " + line);
        try {
            ns.write(batch);
        } catch (IllegalArgumentException e) {
            // An entry's expiration passed before the write ran: the batch is refused whole, nothing written.
            emit("REJECTED BATCH " + id);
            return;
        }
        emit("ACK BATCH " + id);
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
