package dev.basalt.tools;

import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code basalt kv bulk put FILE}: checks a whole bulk file, then writes it. */
@Command(name = "put", mixinStandardHelpOptions = true,
        description = {"Write every entry of a bulk JSON file ('-' for stdin) to a namespace.",
            "The whole file is checked first; one bad entry (named with its index, line and field) means"
                + " nothing is written. Writes use PERIODIC durability and end with one sync."})
final class BulkPutCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "the bulk file, or - for stdin")
    private String file;

    @Option(names = "--skip-expired", description = "skip entries whose expiration is past or under 60 s away,"
            + " instead of refusing the file")
    private boolean skipExpired;

    @Mixin
    private StoreOptions store;

    private final Io io;

    BulkPutCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() {
        try {
            new BulkImport(io, store, Clock.systemUTC()).run(file, skipExpired);
        } catch (BulkFormatException e) {
            throw new FailureException(e.getMessage() + "; nothing was written");
        }
        return 0;
    }
}
