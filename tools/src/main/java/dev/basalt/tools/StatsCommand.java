package dev.basalt.tools;

import dev.basalt.Basalt;
import dev.basalt.BasaltStats;
import dev.basalt.Durability;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code basalt stats [DIR]}: opens an existing store (never creating one) and prints its figures. */
@Command(name = "stats", mixinStandardHelpOptions = true,
        description = {"Open an existing data directory and print its figures; a missing directory is an error"
                + " (stats creates nothing).",
            "Counters marked 'since open' count the work of this open only, recovery included."})
final class StatsCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "DIR", defaultValue = BasaltCli.DEFAULT_DIRECTORY,
            description = "data directory (default: ${DEFAULT-VALUE})")
    private Path directory;

    private final Io io;

    StatsCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() {
        try (Basalt db = StoreOptions.openExisting(directory, Durability.GROUP_COMMIT)) {
            print(io.text, directory, db.namespaces(), db.stats());
            return 0;
        }
    }

    /** The figures of {@code stats}, as {@code stats} and {@code demo} print them. */
    static void print(PrintWriter out, Path directory, java.util.List<String> namespaces, BasaltStats stats) {
        out.printf("data directory     %s%n", directory.toAbsolutePath().normalize());
        out.printf("namespaces         %s%s%n", Figures.count(stats.namespaces()),
                namespaces.isEmpty() ? "" : " (" + String.join(", ", namespaces) + ")");
        out.printf("live keys          %s (a key past its expiration counts until the background expiry purges"
                + " it)%n", Figures.count(stats.liveKeys()));
        out.printf("live bytes         %s (%s bytes)%n", Figures.bytes(stats.liveBytes()),
                Figures.count(stats.liveBytes()));
        out.printf("log                %s in %s segment%s, %s live%n", Figures.bytes(stats.totalLogBytes()),
                Figures.count(stats.segmentCount()), stats.segmentCount() == 1 ? "" : "s",
                percent(stats.liveBytes(), stats.totalLogBytes()));
        out.printf("off-heap memory    %s (indexes, listings, expiry queue; outside the Java heap)%n",
                Figures.bytes(stats.offHeapIndexBytes()));
        out.printf("since open         %s expired keys purged, %s compactions (%s reclaimed), %s corrupt ranges"
                + " skipped%n", Figures.count(stats.expiredAndPurged()), Figures.count(stats.compactionsRun()),
                Figures.bytes(stats.bytesReclaimed()), Figures.count(stats.corruptRecordsSkipped()));
    }

    private static String percent(long part, long whole) {
        return whole == 0 ? "0%" : String.format(Locale.ROOT, "%.1f%%", 100.0 * part / whole);
    }
}
