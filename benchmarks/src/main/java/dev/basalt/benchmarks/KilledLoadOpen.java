package dev.basalt.benchmarks;

import dev.basalt.Basalt;
import dev.basalt.BasaltOptions;
import dev.basalt.BinaryNamespace;
import dev.basalt.Durability;
import dev.basalt.KvNamespace;
import dev.basalt.ListOptions;
import dev.basalt.ListResult;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;

/**
 * The open after a kill at the end of a load, on one fixed copy, so that two builds compare on
 * the same tail ({@link ListingMemory}'s "open after a kill" replays whatever its last background
 * checkpoint left, which differs from run to run). {@code make} loads {@code keys} new keys
 * ({@link BenchmarkKeys}' keys in a seeded random order, 8-byte values, {@link Durability#PERIODIC},
 * segments of {@code segmentBytes}) and copies the directory while the store is open, as a
 * SIGKILL would leave it ({@link KillCopy}); with {@code closedAt}, the first {@code closedAt} keys
 * are loaded and the store closed (its checkpoint) before the rest go in, so the tail is known.
 * {@code open} copies that copy afresh {@code opens}
 * times, waits for the copy to reach the disk ({@code sync}, then one second), and times
 * {@code Basalt.open} plus {@code namespace()} and one read, then the time from the open's start
 * to a first page of 1,000 keys (a {@code list} page, or with {@code range} or {@code range-desc}
 * 1,000 entries of the binary view's range over every key, ascending or descending), and the mean
 * time of the 200 pages after it (which shows whether the listing lies in key order).
 *
 * <pre>java -Xmx4g &lt;the engine's flags&gt; -cp benchmarks/target/benchmarks.jar
 *     dev.basalt.benchmarks.KilledLoadOpen make COPY [keys=10000000] [segmentBytes=1073741824] [closedAt=0]
 * java ... dev.basalt.benchmarks.KilledLoadOpen open COPY [opens=4] [segmentBytes=1073741824]
 *     [list|range|range-desc]</pre>
 *
 * <p>The first opens of a JVM run cold code; compare the later ones, alternating builds. Not a
 * JMH benchmark: its printed times are single runs. Single-threaded.
 */
public final class KilledLoadOpen {
    static final String NAMESPACE = "LISTING_MEMORY";
    private static final long LOAD_ORDER_SEED = 0x5EED_0010L;
    private static final int PAGES_AFTER = 200;

    private KilledLoadOpen() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2 || !args[0].equals("make") && !args[0].equals("open")) {
            System.err.println("usage: KilledLoadOpen make COPY [keys=10000000] [segmentBytes=1073741824]"
                    + " [closedAt=0]\n"
                    + "       KilledLoadOpen open COPY [opens=4] [segmentBytes=1073741824] [list|range|range-desc]");
            System.exit(2);
        }
        Path copy = Path.of(args[1]);
        long segmentBytes = args.length > 3 ? Long.parseLong(args[3]) : 1L << 30;
        BasaltOptions options = BasaltOptions.defaults().withDurability(Durability.PERIODIC)
                .withSegmentSize(segmentBytes);
        if (args[0].equals("make")) {
            make(copy, args.length > 2 ? Integer.parseInt(args[2]) : 10_000_000,
                    args.length > 4 ? Integer.parseInt(args[4]) : 0, options);
        } else {
            FirstPage first = args.length > 4
                    ? FirstPage.valueOf(args[4].toUpperCase(Locale.ROOT).replace('-', '_')) : FirstPage.LIST;
            open(copy, args.length > 2 ? Integer.parseInt(args[2]) : 4, options, first);
        }
    }

    private static void make(Path copy, int keys, int closedAt, BasaltOptions options) {
        if (Files.exists(copy)) {
            throw new IllegalArgumentException(copy + " exists; make writes a new copy");
        }
        Path live = TempDirectories.create("basalt-killed-load-");
        int[] order = BenchmarkKeys.permutation(keys, LOAD_ORDER_SEED);
        if (closedAt > 0) { // a clean close's checkpoint, then a tail of new keys after it
            try (Basalt db = Basalt.open(live, options)) {
                load(db, order, 0, closedAt);
            }
        }
        try (Basalt db = Basalt.open(live, options)) {
            long start = System.nanoTime();
            load(db, order, closedAt, keys);
            System.out.printf(Locale.ROOT, "loaded %d keys in %.1f s%n", keys - closedAt,
                    (System.nanoTime() - start) / 1e9);
            KillCopy.copy(live, copy);
        } finally {
            TempDirectories.deleteRecursively(live);
        }
    }

    /** Mean nanoseconds a page of the {@link #PAGES_AFTER} after {@code first}: how the listing lies in memory. */
    private static double pagesAfter(KvNamespace namespace, ListResult first) {
        ListResult page = first;
        long start = System.nanoTime();
        for (int p = 0; p < PAGES_AFTER && !page.listComplete(); p++) {
            page = namespace.list(ListOptions.all().withLimit(1000).withCursor(page.cursor()));
        }
        return (System.nanoTime() - start) / (double) PAGES_AFTER;
    }

    private static void load(Basalt db, int[] order, int from, int to) {
        KvNamespace namespace = db.namespace(NAMESPACE);
        ByteBuffer value = ByteBuffer.allocate(Long.BYTES);
        for (int i = from; i < to; i++) {
            namespace.put(BenchmarkKeys.keyString(order[i]), value.putLong(0, order[i]).array());
        }
    }

    /** What the first page after the open is: a {@code list}, or a binary range ascending or descending. */
    enum FirstPage { LIST, RANGE, RANGE_DESC }

    /** Mean nanoseconds a page of 1,000 entries of the binary range, {@link #PAGES_AFTER} pages after the first. */
    private static double rangePagesAfter(Iterator<BinaryNamespace.Entry> range) {
        long start = System.nanoTime();
        for (int p = 0; p < PAGES_AFTER; p++) {
            rangePage(range);
        }
        return (System.nanoTime() - start) / (double) PAGES_AFTER;
    }

    /** Takes up to 1,000 entries from {@code range}; returns how many it took. */
    private static int rangePage(Iterator<BinaryNamespace.Entry> range) {
        int taken = 0;
        while (taken < 1000 && range.hasNext()) {
            range.next();
            taken++;
        }
        return taken;
    }

    /**
     * A first {@code list} page of 1,000 keys, timed from the open's start (it may wait for the
     * listing's catch-up), then {@link #PAGES_AFTER} more; what they took, as printed.
     */
    private static String listPages(Basalt db, long openStart) {
        ListResult page = db.namespace(NAMESPACE).list(ListOptions.all().withLimit(1000));
        long toPage = System.nanoTime() - openStart;
        return String.format(Locale.ROOT, "first page of %d keys %d ms after the open began; the next %d pages "
                + "%.0f µs each", page.keys().size(), toPage / 1_000_000, PAGES_AFTER,
                pagesAfter(db.namespace(NAMESPACE), page) / 1e3);
    }

    /** {@link #listPages} for pages of 1,000 entries of the binary view's range over every key. */
    private static String rangePages(Basalt db, FirstPage first, long openStart) {
        Iterator<BinaryNamespace.Entry> range = db.binaryNamespace(NAMESPACE).range(null, true, null, false,
                first == FirstPage.RANGE_DESC);
        int taken = rangePage(range);
        long toPage = System.nanoTime() - openStart;
        return String.format(Locale.ROOT, "first %s page of %d entries %d ms after the open began; the next %d "
                + "pages %.0f µs each", first.name().toLowerCase(Locale.ROOT), taken, toPage / 1_000_000,
                PAGES_AFTER, rangePagesAfter(range) / 1e3);
    }

    private static void open(Path copy, int opens, BasaltOptions options, FirstPage first) throws Exception {
        ByteBuffer key = ByteBuffer.allocateDirect(BenchmarkKeys.KEY_LENGTH_BYTES);
        key.put(BenchmarkKeys.keyString(0).getBytes(StandardCharsets.US_ASCII)).flip();
        ByteBuffer value = ByteBuffer.allocateDirect(Long.BYTES);
        for (int i = 1; i <= opens; i++) {
            Path work = TempDirectories.create("basalt-killed-load-open-");
            try {
                KillCopy.copy(copy, work);
                new ProcessBuilder("sync").inheritIO().start().waitFor();
                Thread.sleep(1000); // the copy's write-back must not run into the timed open
                long start = System.nanoTime();
                try (Basalt db = Basalt.open(work, options)) {
                    int read = db.namespace(NAMESPACE).read(key.duplicate(), value.clear());
                    long nanos = System.nanoTime() - start;
                    if (read != Long.BYTES) {
                        throw new IllegalStateException("key 0 read " + read + " bytes after the open");
                    }
                    String firstPages = first == FirstPage.LIST ? listPages(db, start) : rangePages(db, first, start);
                    System.out.printf(Locale.ROOT, "open %d: %d ms; %s%n", i, nanos / 1_000_000, firstPages);
                }
            } finally {
                TempDirectories.deleteRecursively(work);
            }
        }
    }
}
