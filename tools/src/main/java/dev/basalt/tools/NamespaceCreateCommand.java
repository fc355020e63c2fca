package dev.basalt.tools;

import dev.basalt.Basalt;
import dev.basalt.Durability;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code basalt kv namespace create NAME}: creates an empty namespace (and the data directory
 * if absent). A name in use is an error, as in Workers KV, whose API refuses a second
 * namespace with the same title.
 */
@Command(name = "create", mixinStandardHelpOptions = true,
        description = {"Create an empty namespace, and the data directory if it is absent.",
            "An existing namespace of that name is an error (exit 1), as in Workers KV."})
final class NamespaceCreateCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME", description = "1..64 characters of [A-Za-z0-9_-]")
    private String name;

    @Mixin
    private DataDirectoryOption dir;

    private final Io io;

    NamespaceCreateCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() {
        Namespaces.checkName(name);
        try (Basalt db = Basalt.open(dir.directory, StoreOptions.cliOptions().withDurability(Durability.GROUP_COMMIT))) {
            if (db.namespaces().contains(name)) {
                throw new FailureException("namespace " + name + " already exists in " + dir.directory);
            }
            db.namespace(name);
            db.sync();
        }
        io.err.printf("created namespace %s in %s%n", name, dir.directory);
        return 0;
    }
}
