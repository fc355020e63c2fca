package dev.basalt.benchmarks;

import dev.basalt.Basalt;
import dev.basalt.BasaltOptions;
import dev.basalt.Durability;
import dev.basalt.KvNamespace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;

/**
 * The open after a crash with a tail of known length: a directory {@link OpenProfile} loaded and
 * closed cleanly (so it holds a checkpoint) takes {@code overwrites} random overwrites of its keys,
 * is copied while the store is open (as a SIGKILL would leave it; modification times kept), and the
 * copy is opened {@code opens} times, each time a fresh copy. Background compaction is off, so no
 * compaction-triggered checkpoint shortens the tail: every overwrite is replayed, and two builds
 * compare on the same work ({@link OpenAndMemoryBenchmark#openAfterKill} replays whatever its
 * load's last background checkpoint left, which differs from run to run).
 *
 * <p>With {@code inserts} as the fifth argument the tail puts new keys instead, each an existing
 * key with a suffix, so they sort between the checkpoint's keys in random order, as the tail of a
 * load killed midway does: the open then also inserts each of them into the key listing. The
 * store closes without them (they are deleted again), so the directory can be used again.
 *
 * <pre>java -Xmx4g &lt;the engine's flags&gt; -cp benchmarks/target/benchmarks.jar
 *     dev.basalt.benchmarks.TailReplayProfile DIR [keys=1000000] [overwrites=200000] [opens=4] [overwrites|inserts]</pre>
 *
 * <p>The store closes cleanly at the end. Not a JMH benchmark:
 * its printed times are single runs; compare builds by alternating them.
 */
public final class TailReplayProfile {
    private TailReplayProfile() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: TailReplayProfile DIR [keys=1000000] [overwrites=200000] [opens=4]"
                    + " [overwrites|inserts]");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        int keys = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        int overwrites = args.length > 2 ? Integer.parseInt(args[2]) : 200_000;
        int opens = args.length > 3 ? Integer.parseInt(args[3]) : 4;
        boolean inserts = args.length > 4 && args[4].equals("inserts");
        if (args.length > 4 && !inserts && !args[4].equals("overwrites")) {
            throw new IllegalArgumentException("the tail is 'overwrites' or 'inserts', not " + args[4]);
        }
        if (!Files.exists(dir.resolve("STORE"))) {
            throw new IllegalArgumentException(dir + " holds no store: load it with OpenProfile first");
        }
        BasaltOptions options = BasaltOptions.defaults().withDurability(Durability.PERIODIC)
                .withBackgroundCompaction(false);
        Path killed = TempDirectories.create("basalt-tail-replay-");
        try {
            try (Basalt db = Basalt.open(dir, options)) {
                KvNamespace ns = db.namespace(OpenProfile.NAMESPACE);
                Random random = new Random(overwrites);
                byte[] value = new byte[100];
                for (int i = 0; i < overwrites; i++) {
                    random.nextBytes(value);
                    ns.put(tailKey(random.nextInt(keys), inserts), value);
                }
                Thread.sleep(1_500); // past the periodic fsync: the copy holds every overwrite
                KillCopy.copy(dir, killed);
                if (inserts) {
                    Random again = new Random(overwrites);
                    for (int i = 0; i < overwrites; i++) {
                        again.nextBytes(value);
                        ns.delete(tailKey(again.nextInt(keys), true));
                    }
                }
            }
            for (int i = 0; i < opens; i++) {
                Path work = TempDirectories.create("basalt-tail-open-");
                try {
                    KillCopy.copy(killed, work);
                    long start = System.nanoTime();
                    try (Basalt db = Basalt.open(work, options)) {
                        db.namespace(OpenProfile.NAMESPACE).get(BenchmarkKeys.keyString(keys / 2));
                        System.out.printf(Locale.ROOT, "open after %d %s since the checkpoint: %.1f ms%n",
                                overwrites, inserts ? "inserts" : "overwrites", (System.nanoTime() - start) / 1e6);
                    }
                } finally {
                    TempDirectories.deleteRecursively(work);
                }
            }
        } finally {
            TempDirectories.deleteRecursively(killed);
        }
    }

    /** An existing key, or a new one that sorts right after it. */
    private static String tailKey(int index, boolean insert) {
        return insert ? BenchmarkKeys.keyString(index) + "+" : BenchmarkKeys.keyString(index);
    }
}
