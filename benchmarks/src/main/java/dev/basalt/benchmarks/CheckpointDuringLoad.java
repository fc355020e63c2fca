package dev.basalt.benchmarks;

import dev.basalt.Basalt;
import dev.basalt.BasaltOptions;
import dev.basalt.Durability;
import dev.basalt.KvNamespace;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import jdk.jfr.consumer.RecordingStream;

/**
 * How long the background checkpoints of a load stop the writers: {@code keys} new keys
 * ({@link BenchmarkKeys}' keys in a seeded random order, 100-byte values,
 * {@link Durability#PERIODIC}, the default checkpoint interval) put one at a time into a fresh
 * store, with the engine's {@code dev.basalt.Checkpoint} event streamed in-process; prints the
 * load's time and, for every checkpoint, the live keys it covered and how long the writers
 * waited for it (the last line is the close's, with the writers stopped anyway).
 *
 * <pre>java -Xmx8g &lt;the engine's flags&gt; -cp benchmarks/target/benchmarks.jar
 *     dev.basalt.benchmarks.CheckpointDuringLoad [keys=3000000] [runs=1]</pre>
 *
 * <p>Not a JMH benchmark: single runs; compare builds alternately. Single-threaded load.
 */
public final class CheckpointDuringLoad {
    private static final long LOAD_ORDER_SEED = 0x5EED_0020L;
    private static final int VALUE_BYTES = 100;

    private CheckpointDuringLoad() {
    }

    public static void main(String[] args) throws Exception {
        int keys = args.length > 0 ? Integer.parseInt(args[0]) : 3_000_000;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        String[] names = BenchmarkKeys.keyStringsInRandomOrder(keys, LOAD_ORDER_SEED);
        for (int run = 1; run <= runs; run++) {
            load(run, names);
        }
    }

    private static void load(int run, String[] names) throws Exception {
        List<String> checkpoints = java.util.Collections.synchronizedList(new ArrayList<>());
        Path dir = TempDirectories.create("basalt-checkpoint-load-");
        try (RecordingStream events = new RecordingStream()) {
            events.enable("dev.basalt.Checkpoint").withThreshold(Duration.ZERO);
            events.onEvent("dev.basalt.Checkpoint", e -> checkpoints.add(String.format(Locale.ROOT,
                    "%,d keys: writers waited %.1f ms", e.getLong("liveKeys"),
                    e.getDuration("writersWaited").toNanos() / 1e6)));
            events.startAsync();
            byte[] value = new byte[VALUE_BYTES];
            long loadNanos;
            try (Basalt db = Basalt.open(dir, BasaltOptions.defaults().withDurability(Durability.PERIODIC))) {
                KvNamespace namespace = db.namespace("load");
                long start = System.nanoTime();
                for (String name : names) {
                    namespace.put(name, value);
                }
                loadNanos = System.nanoTime() - start;
            }
            Thread.sleep(2_000); // the stream delivers the close's event within a second or so
            System.out.printf(Locale.ROOT, "run %d: %,d keys loaded in %.2f s; checkpoints: %s%n", run, names.length,
                    loadNanos / 1e9, String.join("; ", checkpoints));
        } finally {
            TempDirectories.deleteRecursively(dir);
        }
    }
}
