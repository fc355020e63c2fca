package dev.basalt.tools;

import dev.basalt.Basalt;
import dev.basalt.Durability;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code basalt kv namespace rename OLD --new-name NEW}: wrangler's rename, done as a copy of
 * every key into NEW followed by a drop of OLD, since the engine has no rename. Not atomic: see
 * {@link NamespaceCopy} for what an interruption leaves and how {@code --resume} finishes it.
 */
@Command(name = "rename", mixinStandardHelpOptions = true,
        description = {"Rename a namespace: copy every key (value, metadata, expiration) to --new-name, then delete the"
                + " old one.",
            "Not atomic. An interrupted rename (a crash, a kill) leaves both namespaces, the old one whole and the new"
                + " one with some or all of the keys; nothing is lost. Run the same command again with --resume to"
                + " finish it. A --new-name that exists already is refused without --resume."})
final class NamespaceRenameCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "OLD", description = "the namespace to rename")
    private String oldName;

    @Option(names = "--new-name", paramLabel = "NEW", required = true, description = "its new name")
    private String newName;

    @Option(names = "--resume", description = "finish an interrupted rename: NEW exists and holds a partial copy")
    private boolean resume;

    @Mixin
    private DataDirectoryOption dir;

    private final Io io;

    NamespaceRenameCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() {
        Namespaces.checkName(oldName);
        Namespaces.checkName(newName);
        if (oldName.equals(newName)) {
            throw new UsageException("--new-name is the namespace's own name, " + oldName);
        }
        long started = System.nanoTime();
        NamespaceCopy.Result result;
        // Expirations are copied as they are: the 60 s minimum ahead is a rule for new writes, and a
        // key due in 30 s must keep its 30 s, not be refused.
        try (Basalt db = StoreOptions.openExisting(dir.directory, StoreOptions.cliOptions()
                .withDurability(Durability.PERIODIC).withMinExpirationTtl(Duration.ZERO))) {
            Namespaces.requireExisting(db, oldName, dir.directory);
            if (db.namespaces().contains(newName) && !resume) {
                throw new FailureException("namespace " + newName + " already exists in " + dir.directory
                        + "; if an interrupted rename of " + oldName + " left it, run this again with --resume");
            }
            result = NamespaceCopy.copyThenDrop(db, oldName, newName);
        }
        long nanos = System.nanoTime() - started;
        io.err.printf("renamed namespace %s to %s: %s keys copied%s in %s, synced%n", oldName, newName,
                Figures.count(result.copied()), result.expired() == 0 ? ""
                        : " (" + Figures.count(result.expired()) + " expired during the copy and were left out)",
                Figures.duration(nanos));
        return 0;
    }
}
