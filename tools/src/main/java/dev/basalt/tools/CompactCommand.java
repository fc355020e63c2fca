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
                + " Refuses a directory a running store holds. Progress goes to standard error: a bar with"
                + " rate and time left on a terminal, a line every 10 % otherwise."})
final class CompactCommand implements Callable<Integer> {
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
        Progress[] progress = {null};
        CompactionResult result;
        try {
            result = OfflineCompaction.run(directory, (done, total) -> {
                if (progress[0] == null) {
                    progress[0] = Progress.start(io, "compact", total, Progress.BYTES);
                }
                progress[0].update(done);
            });
        } finally {
            if (progress[0] != null) {
                progress[0].close();
            }
        }
        long nanos = System.nanoTime() - started;
        print(io.text, result, nanos);
        return 0;
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
