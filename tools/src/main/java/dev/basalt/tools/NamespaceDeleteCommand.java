package dev.basalt.tools;

import dev.basalt.Basalt;
import dev.basalt.Durability;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code basalt kv namespace delete NAME}: drops a namespace and every key in it. On a
 * terminal it asks first; anywhere else (a script, CI) it refuses unless {@code --force} says
 * the caller means it, since there is nobody to ask and no undo.
 */
@Command(name = "delete", mixinStandardHelpOptions = true,
        description = {"Delete a namespace and every key in it. There is no undo.",
            "On a terminal it shows the number of keys and asks for 'y'. Without a terminal (a script, a pipe) it"
                + " refuses with exit 2 unless --force is given."})
final class NamespaceDeleteCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME", description = "the namespace to delete")
    private String name;

    @Option(names = {"--force", "-y", "--skip-confirmation"},
            description = "delete without asking (wrangler's --skip-confirmation / -y)")
    private boolean force;

    @Mixin
    private DataDirectoryOption dir;

    private final Io io;

    NamespaceDeleteCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() {
        Namespaces.checkName(name);
        if (!force && !io.terminal) {
            throw new UsageException("not deleting namespace " + name + ": there is no terminal to confirm on;"
                    + " pass --force to delete it");
        }
        try (Basalt db = StoreOptions.openExisting(dir.directory, Durability.GROUP_COMMIT)) {
            Namespaces.requireExisting(db, name, dir.directory);
            long keys = Namespaces.countKeys(db.namespace(name));
            if (!force && !confirmed(keys)) {
                io.err.println("not deleted");
                return BasaltCli.FAILURE;
            }
            db.dropNamespace(name);
            db.sync();
            io.err.printf("deleted namespace %s (%s keys) from %s%n", name, Figures.count(keys), dir.directory);
        }
        return 0;
    }

    private boolean confirmed(long keys) {
        io.err.printf("Delete namespace %s and its %s keys from %s? There is no undo. [y/N] ", name,
                Figures.count(keys), dir.directory);
        io.err.flush();
        try {
            String answer = new BufferedReader(new InputStreamReader(io.in, StandardCharsets.UTF_8)).readLine();
            return answer != null && answer.trim().toLowerCase(Locale.ROOT).matches("y|yes");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
