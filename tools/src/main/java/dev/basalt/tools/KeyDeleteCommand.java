package dev.basalt.tools;

import dev.basalt.Basalt;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code basalt kv key delete KEY}: removes a key; an absent key is no error, as in Workers KV. */
@Command(name = "delete", mixinStandardHelpOptions = true,
        description = "Delete a key and its value; deleting an absent key is not an error.")
final class KeyDeleteCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "KEY", description = "the key")
    private String key;

    @Mixin
    private StoreOptions store;

    private final Io io;

    KeyDeleteCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() {
        try (Basalt db = store.openExisting()) {
            store.existingNamespace(db).delete(key);
        }
        io.err.printf("deleted key %s from namespace %s%n", Json.MAPPER.writeValueAsString(key), store.namespace);
        return 0;
    }
}
