package dev.basalt.tools;

import dev.basalt.Basalt;
import dev.basalt.ValueType;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code basalt kv key get KEY}: prints the raw value bytes, nothing added. */
@Command(name = "get", mixinStandardHelpOptions = true,
        description = "Print a key's value to standard output as raw bytes (no newline added).",
        footer = {"", "Exit codes: 0 found, 1 not found (or expired), 2 usage error."})
final class KeyGetCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "KEY", description = "the key")
    private String key;

    @Mixin
    private StoreOptions store;

    private final Io io;

    KeyGetCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() throws IOException {
        try (Basalt db = store.openExisting()) {
            try (InputStream value = store.existingNamespace(db).get(key, ValueType.STREAM)) {
                if (value == null) {
                    io.err.printf("key %s not found in namespace %s%n", Json.MAPPER.writeValueAsString(key),
                            store.namespace);
                    return BasaltCli.FAILURE;
                }
                value.transferTo(io.out);
            }
        }
        io.out.flush();
        return 0;
    }
}
