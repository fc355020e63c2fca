package dev.basalt.acceptance;

import static dev.basalt.testing.ChildOutput.emit;
import static dev.basalt.testing.ChildOutput.valueFor;

import dev.basalt.Basalt;
import dev.basalt.BasaltOptions;
import dev.basalt.Durability;
import dev.basalt.KvNamespace;
import dev.basalt.PutOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The child process of {@link CrashTest}: opens a directory and writes until it is killed.
 *
 * <p>Usage: {@code CrashChild <dir> <durability> <cycle> <seed> [mapped]}; {@code mapped}
 * opens with {@code BasaltOptions.withMappedAppends(true)}. Prints {@code READY} once the
 * engine is open; then {@value #WRITERS} writer threads each own a key space
 * ({@code t<thread>-k<n>}) and, for every operation, print {@code BEGIN ...} before calling
 * the engine and {@code ACK ...} only after the call returned:
 * <pre>
 * BEGIN PUT t1-k7 c3-t1-s42 1234     (key, value id, value length)
 * ACK PUT t1-k7 c3-t1-s42 1234
 * BEGIN DEL t1-k9
 * ACK DEL t1-k9
 * </pre>
 * Each line goes out in one {@code write} on the unbuffered stdout file descriptor, so a kill
 * leaves at most a final partial line, which the parent ignores. The value of a put is
 * {@link #valueFor(String, int)}, so the parent can rebuild it from the line.
 */
public final class CrashChild {
    static final String NAMESPACE = "CRASH";
    static final int WRITERS = 3;
    static final int KEYS_PER_WRITER = 40;
    static final int MAX_VALUE_LENGTH = 4000;
    /** One year: a TTL that never runs out during the test, so TTL puts must survive like the rest. */
    static final long FAR_TTL_SECONDS = 365L * 24 * 3600;
    /** 1 MiB: small segments, so the cycles cross segment boundaries and crash mid-roll too. */
    static final long SEGMENT_BYTES = 1L << 20;

    private CrashChild() {
    }

    public static void main(String[] args) throws InterruptedException {
        Path dir = Path.of(args[0]);
        Durability durability = Durability.valueOf(args[1]);
        int cycle = Integer.parseInt(args[2]);
        long seed = Long.parseLong(args[3]);
        boolean mapped = args.length > 4 && args[4].equals("mapped");

        Basalt db = Basalt.open(dir, options(durability, mapped));
        KvNamespace ns = db.namespace(NAMESPACE);
        emit("READY");
        List<Thread> writers = new ArrayList<>();
        for (int t = 0; t < WRITERS; t++) {
            int thread = t;
            Thread writer = new Thread(() -> write(ns, cycle, thread, new SplittableRandom(seed * 31 + thread)),
                    "crash-writer-" + t);
            writer.start();
            writers.add(writer);
        }
        for (Thread writer : writers) {
            writer.join(); // never returns: the parent kills this process
        }
    }

    static BasaltOptions options(Durability durability) {
        return options(durability, false);
    }

    static BasaltOptions options(Durability durability, boolean mappedAppends) {
        return BasaltOptions.defaults().withDurability(durability).withSegmentSize(SEGMENT_BYTES)
                .withMappedAppends(mappedAppends);
    }

    private static void write(KvNamespace ns, int cycle, int thread, SplittableRandom random) {
        for (long seq = 0; ; seq++) {
            String key = "t" + thread + "-k" + random.nextInt(KEYS_PER_WRITER);
            int roll = random.nextInt(10);
            if (roll < 2) {
                emit("BEGIN DEL " + key);
                ns.delete(key);
                emit("ACK DEL " + key);
            } else {
                String id = "c" + cycle + "-t" + thread + "-s" + seq;
                int length = random.nextInt(MAX_VALUE_LENGTH + 1);
                String value = valueFor(id, length);
                String line = "PUT " + key + " " + id + " " + length;
                emit("BEGIN " + line);
                if (roll < 4) {
                    ns.put(key, value, PutOptions.expirationTtl(FAR_TTL_SECONDS));
                } else {
                    ns.put(key, value);
                }
                emit("ACK " + line);
            }
        }
    }

}
