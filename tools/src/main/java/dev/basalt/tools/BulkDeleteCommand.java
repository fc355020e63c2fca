package dev.basalt.tools;

import dev.basalt.Basalt;
import dev.basalt.Durability;
import dev.basalt.KvNamespace;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code basalt kv bulk delete FILE}: deletes the keys listed in FILE, after checking them all. */
@Command(name = "delete", mixinStandardHelpOptions = true,
        description = {"Delete the keys listed in a file.",
            "FILE ('-' for stdin) is an array of key strings, or of objects with \"key\" or \"name\" (a"
                + " bulk put file or 'kv key list' output works). Every key is checked first; a bad one means"
                + " nothing is deleted. Absent keys are no error. Ends with one sync."})
final class BulkDeleteCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "array of keys, or of objects with \"key\"")
    private String file;

    @Mixin
    private StoreOptions store;

    private final Io io;

    BulkDeleteCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() throws IOException {
        List<String> keys = BulkGetCommand.readKeys(io, file);
        try (Basalt db = store.openExisting(Durability.PERIODIC)) {
            KvNamespace namespace = store.existingNamespace(db);
            for (String key : keys) {
                namespace.delete(key);
            }
            db.sync();
        }
        io.err.printf("deleted %s keys from namespace %s, synced%n", Figures.count(keys.size()), store.namespace);
        return 0;
    }
}
