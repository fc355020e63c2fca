package dev.basalt.tools;

import dev.basalt.Basalt;
import dev.basalt.BasaltStats;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code basalt stats [DIR]}: opens the store (creating it if absent) and prints its figures. */
@Command(name = "stats", mixinStandardHelpOptions = true,
        description = "Open a data directory (created if absent) and print its figures.")
final class StatsCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", defaultValue = BasaltCli.DEFAULT_DIRECTORY,
            description = "data directory (default: ${DEFAULT-VALUE})")
    private Path directory;

    @Spec
    private picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        try (Basalt db = Basalt.open(directory)) {
            BasaltStats stats = db.stats();
            var out = spec.commandLine().getOut();
            out.printf("data directory        %s%n", directory.toAbsolutePath());
            out.printf("namespaces            %,d %s%n", stats.namespaces(), db.namespaces());
            out.printf("live keys             %,d%n", stats.liveKeys());
            out.printf("live bytes            %,d%n", stats.liveBytes());
            out.printf("log bytes             %,d in %,d segments%n", stats.totalLogBytes(), stats.segmentCount());
            out.printf("off-heap index bytes  %,d%n", stats.offHeapIndexBytes());
            out.printf("corrupt records       %,d skipped at open%n", stats.corruptRecordsSkipped());
            return 0;
        }
    }
}
