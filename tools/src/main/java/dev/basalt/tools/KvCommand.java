package dev.basalt.tools;

import picocli.CommandLine.Command;

/** {@code basalt kv}: the key-value commands, in the style of wrangler's {@code kv} family. */
@Command(name = "kv", mixinStandardHelpOptions = true,
        description = "Read and write keys in a namespace, one at a time (key) or from a JSON file (bulk).",
        subcommands = {KvNamespaceCommand.class, KvKeyCommand.class, KvBulkCommand.class})
final class KvCommand {
}
