package dev.basalt.tools;

import dev.basalt.CompactionResult;
import dev.basalt.internal.tooling.OfflineCompaction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code basalt compact DIR}: an offline compaction pass over a closed data directory. */
@Command(name = "compact", mixinStandardHelpOptions = true,
        description = {"Compact a closed data directory now: reclaim the space of dead records.",
            "Rewrites every sealed segment that holds dead records (overwritten, deleted, expired or of a"
                + " dropped namespace) without them, then deletes it; the segment being appended to is left"
                + " alone. The same crash-safe pass as the background compaction (docs/compaction.md)."
                + " Refuses a directory a running store holds. Progress goes to standard error: a bar on a"
                + " terminal, a line every 10 % otherwise."})
final class CompactCommand implements Callable<Integer> {
    /** Progress lines at every this many percent of the victims' bytes. */
    private static final int PROGRESS_STEP_PERCENT = 10;
    private static final int BAR_WIDTH = 30;

    @Parameters(index = "0", paramLabel = "DIR", description = "data directory")
    private Path directory;

    private final Io io;

    CompactCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() {
        if (!Files.isDirectory(directory)) {
            throw new UsageException("no data directory at " + directory.toAbsolutePath());
        }
        long started = System.nanoTime();
        boolean terminal = System.console() != null;
        int[] lastPercent = {0};
        CompactionResult result = OfflineCompaction.run(directory, (done, total) -> {
            int percent = total == 0 ? 100 : (int) (100 * done / total);
            if (terminal) {
                io.err.print("\r  " + bar(percent) + " " + percent + "% of " + Figures.bytes(total));
                io.err.flush();
            } else if (percent >= lastPercent[0] + PROGRESS_STEP_PERCENT && percent < 100) {
                lastPercent[0] = percent - percent % PROGRESS_STEP_PERCENT;
                io.err.printf("  %d%% of %s compacted%n", lastPercent[0], Figures.bytes(total));
            }
        });
        if (terminal && result.segmentsCompacted() > 0) {
            io.err.println();
        }
        long nanos = System.nanoTime() - started;
        print(io.text, result, nanos);
        return 0;
    }

    /** A 30-character bar for a terminal, redrawn in place with a carriage return. */
    static String bar(int percent) {
        int filled = Math.max(0, Math.min(BAR_WIDTH, percent * BAR_WIDTH / 100));
        return "[" + "#".repeat(filled) + "-".repeat(BAR_WIDTH - filled) + "]";
    }

    /** One result, as {@code compact} and {@code demo} print it. */
    static void print(java.io.PrintWriter out, CompactionResult r, long nanos) {
        if (r.segmentsCompacted() == 0) {
            out.printf("nothing to compact: no sealed segment holds dead records (%s)%n", Figures.duration(nanos));
            return;
        }
        out.printf("compacted %s segment%s in %s: %s live records copied forward (%s), %s dead records dropped,"
                + " %s tombstones kept; %s reclaimed%n", Figures.count(r.segmentsCompacted()),
                r.segmentsCompacted() == 1 ? "" : "s", Figures.duration(nanos), Figures.count(r.recordsCopied()),
                Figures.bytes(r.bytesCopied()), Figures.count(r.recordsDropped()), Figures.count(r.tombstonesKept()),
                Figures.bytes(r.bytesReclaimed()));
    }
}
