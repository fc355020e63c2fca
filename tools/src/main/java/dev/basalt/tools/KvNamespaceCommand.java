package dev.basalt.tools;

import picocli.CommandLine.Command;

/** {@code basalt kv namespace}: list, create, delete and rename namespaces, as wrangler's {@code kv namespace}. */
@Command(name = "namespace", mixinStandardHelpOptions = true,
        description = "List, create, delete or rename the namespaces of a data directory.",
        subcommands = {NamespaceListCommand.class, NamespaceCreateCommand.class, NamespaceDeleteCommand.class,
            NamespaceRenameCommand.class})
final class KvNamespaceCommand {
}
