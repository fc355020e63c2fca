package dev.basalt.tools;

import picocli.CommandLine.Command;

/** {@code basalt kv bulk}: many keys from a JSON file in Cloudflare's bulk format. */
@Command(name = "bulk", mixinStandardHelpOptions = true,
        description = {"Put, get or delete many keys from a JSON file.",
            "The file is in Cloudflare's bulk format:",
            "  [{\"key\": \"...\", \"value\": \"...\", \"expiration\": 1700000000, \"expiration_ttl\": 3600,",
            "    \"metadata\": {...}, \"base64\": false}, ...]",
            "get and delete take an array of key strings, or of objects with \"key\" (or \"name\")."},
        subcommands = {BulkPutCommand.class, BulkGetCommand.class, BulkDeleteCommand.class})
final class KvBulkCommand {
}
