package dev.basalt.tools;

import dev.basalt.Basalt;
import dev.basalt.BasaltOptions;
import dev.basalt.Durability;
import dev.basalt.KvNamespace;
import dev.basalt.internal.log.LogFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options every key-value command shares: which directory, which namespace. */
final class StoreOptions {
    /** The namespace commands use when none is given. */
    static final String DEFAULT_NAMESPACE = "DEFAULT";

    @Option(names = "--dir", paramLabel = "DIR", defaultValue = BasaltCli.DEFAULT_DIRECTORY,
            description = "data directory (default: ${DEFAULT-VALUE})")
    Path directory;

    @Option(names = {"-n", "--namespace"}, paramLabel = "NS", defaultValue = DEFAULT_NAMESPACE,
            description = "namespace: 1..64 characters of [A-Za-z0-9_-] (default: ${DEFAULT-VALUE})")
    String namespace;

    /**
     * The options of every store the command line opens: the defaults without background
     * compaction. A command opens a store for a moment; a compaction pass started at open would
     * only be cut short by the close (run {@code basalt compact} instead).
     */
    static BasaltOptions cliOptions() {
        return BasaltOptions.defaults().withBackgroundCompaction(false);
    }

    /** Opens the store for writes, creating the directory if absent. */
    Basalt openForWrites(Durability durability) {
        return Basalt.open(directory, cliOptions().withDurability(durability));
    }

    /** Opens a store that must exist already (a read never creates a directory). */
    Basalt openExisting() {
        return openExisting(Durability.GROUP_COMMIT);
    }

    /** Opens a store that must exist already, writing with {@code durability}. */
    Basalt openExisting(Durability durability) {
        return openExisting(directory, durability);
    }

    /**
     * Opens the store in {@code directory}, which must be a data directory already: a read
     * creates neither the directory nor the files of a new store in a directory that holds
     * something else (opening {@code /tmp} by mistake must leave {@code /tmp} alone).
     */
    static Basalt openExisting(Path directory, Durability durability) {
        return openExisting(directory, cliOptions().withDurability(durability));
    }

    /** {@link #openExisting(Path, Durability)} with options of the caller's own. */
    static Basalt openExisting(Path directory, BasaltOptions options) {
        if (!Files.isDirectory(directory)) {
            throw new FailureException("no data directory at " + directory.toAbsolutePath());
        }
        if (!Files.exists(directory.resolve(LogFormat.STORE_FILE))) {
            throw new FailureException(directory.toAbsolutePath() + " is not a Basalt data directory (no "
                    + LogFormat.STORE_FILE + " file)");
        }
        return Basalt.open(directory, options);
    }

    /** The namespace, which must exist (a read never creates one). */
    KvNamespace existingNamespace(Basalt db) {
        if (!namespace.matches("[A-Za-z0-9_-]{1,64}")) {
            throw new UsageException("namespace name \"" + namespace + "\" is not 1..64 characters of [A-Za-z0-9_-]");
        }
        if (!db.namespaces().contains(namespace)) {
            throw new FailureException("namespace " + namespace + " does not exist in " + directory
                    + " (namespaces: " + String.join(", ", db.namespaces()) + ")");
        }
        return db.namespace(namespace);
    }
}
