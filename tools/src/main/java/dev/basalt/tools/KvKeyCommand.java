package dev.basalt.tools;

import picocli.CommandLine.Command;

/** {@code basalt kv key}: one key at a time. */
@Command(name = "key", mixinStandardHelpOptions = true, description = "Put, get, delete or list single keys.",
        subcommands = {KeyPutCommand.class, KeyGetCommand.class, KeyDeleteCommand.class, KeyListCommand.class})
final class KvKeyCommand {
}
