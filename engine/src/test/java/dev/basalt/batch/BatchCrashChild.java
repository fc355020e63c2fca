package dev.basalt.batch;

import static dev.basalt.testing.ChildOutput.emit;
import static dev.basalt.testing.ChildOutput.valueFor;

import dev.basalt.Basalt;
import dev.basalt.BasaltOptions;
import dev.basalt.Durability;
import dev.basalt.KvNamespace;
import dev.basalt.WriteBatch;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * The child process of {@link BatchCrashPointTest}: one thread writes {@value #BATCHES} write
 * batches one after the other, each acknowledged by a line {@code ACK <n>}, and exits; the
 * parent arms a batch crash point so that it halts inside one of them.
 *
 * <p>Usage: {@code BatchCrashChild <dir> <durability>}. Batch n is {@link #batch(int)}: puts of
 * about 10 KB under keys {@code b<n>-<i>}, and every fifth entry deletes a key of batch n - 1,
 * so that a batch dropped whole leaves those keys in place and one applied whole removes them.
 * Twenty 10 KB puts make about 200 KB, so the fifth or sixth batch does not fit in what is left
 * of a 1 MiB segment and makes the log roll.
 */
public final class BatchCrashChild {
    static final String NAMESPACE = "NS";
    static final int BATCHES = 12;
    static final int ENTRIES = 20;
    static final int VALUE_LENGTH = 10_000;
    static final long SEGMENT_BYTES = 1L << 20;

    private BatchCrashChild() {
    }

    public static void main(String[] args) {
        try (Basalt db = Basalt.open(Path.of(args[0]), options(Durability.valueOf(args[1])))) {
            KvNamespace ns = db.namespace(NAMESPACE);
            for (int n = 0; n < BATCHES; n++) {
                WriteBatch batch = WriteBatch.create();
                batch(n).forEach((key, value) -> {
                    if (value == null) {
                        batch.delete(key);
                    } else {
                        batch.put(key, value);
                    }
                });
                ns.write(batch);
                emit("ACK " + n);
            }
        }
    }

    static BasaltOptions options(Durability durability) {
        return BasaltOptions.defaults().withDurability(durability).withSegmentSize(SEGMENT_BYTES)
                .withMinExpirationTtl(Duration.ZERO).withBackgroundCompaction(false);
    }

    /** Batch n's entries in order: key to value, null for a delete. */
    static Map<String, String> batch(int n) {
        Map<String, String> entries = new TreeMap<>();
        for (int i = 0; i < ENTRIES; i++) {
            if (i % 5 == 4 && n > 0) {
                entries.put("b" + (n - 1) + "-" + i, null);
            } else {
                entries.put("b" + n + "-" + i, valueFor("b" + n + "-" + i, VALUE_LENGTH));
            }
        }
        return entries;
    }
}
