package dev.basalt.tools;

import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code basalt import FILE}: a bulk JSON file (such as an export) into a namespace. */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = {"Import a bulk JSON file (such as an export) into a namespace.",
            "Reads an export, or any file in the bulk format ('-' for stdin), into the namespace, creating it"
                + " if absent. The whole file is checked first: one bad entry (named with its index, line and"
                + " field) means nothing is written. Writes use PERIODIC durability and end with one sync."
                + " Progress goes to standard error."})
final class ImportCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "the bulk file, or - for stdin")
    private String file;

    @Option(names = "--skip-expired", description = "skip entries whose expiration is past or under 60 s away"
            + " (keys that expired since the export), instead of refusing the file")
    private boolean skipExpired;

    @Mixin
    private StoreOptions store;

    private final Io io;

    ImportCommand(Io io) {
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
