package dev.basalt.tools;

import dev.basalt.Basalt;
import dev.basalt.KvNamespace;
import dev.basalt.ValueType;
import dev.basalt.ValueWithMetadata;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import tools.jackson.core.JsonGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code basalt kv bulk get FILE}: the entries of the keys in FILE, in the bulk format. */
@Command(name = "get", mixinStandardHelpOptions = true,
        description = {"Print the entries of the keys listed in a file, as a bulk JSON array.",
            "FILE ('-' for stdin) lists the keys. Each found entry is printed with key, value and metadata"
                + " (base64 for values that are not UTF-8), one a line, ready for 'kv bulk put'. Keys that do"
                + " not exist are named on standard error. Expirations are not printed: a read does not return"
                + " them ('export' and 'kv key list' have them)."})
final class BulkGetCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "array of keys, or of objects with \"key\"")
    private String file;

    @Mixin
    private StoreOptions store;

    private final Io io;

    BulkGetCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() throws IOException {
        List<String> keys = readKeys(io, file);
        int missing = 0;
        try (Basalt db = store.openExisting()) {
            KvNamespace namespace = store.existingNamespace(db);
            try (JsonGenerator g = Json.linePerElement(io.out)) {
                g.writeStartArray();
                for (String key : keys) {
                    ValueWithMetadata<byte[]> found = namespace.getWithMetadata(key, ValueType.BYTES);
                    if (found.value() == null) {
                        missing++;
                        io.err.printf("not found: %s%n", Json.MAPPER.writeValueAsString(key));
                        continue;
                    }
                    EntryWriter.write(g, key, found.value(), null, found.metadata());
                }
                g.writeEndArray();
                g.writeRaw('\n');
            }
        }
        io.out.flush();
        io.err.printf("%s of %s keys found in namespace %s%n", Figures.count(keys.size() - missing),
                Figures.count(keys.size()), store.namespace);
        return 0;
    }

    /** The checked keys of a bulk get or delete file ("-": stdin). */
    static List<String> readKeys(Io io, String file) throws IOException {
        if (!file.equals("-")) {
            Path path = Path.of(file);
            if (!Files.isRegularFile(path)) {
                throw new UsageException("no keys file at " + path.toAbsolutePath());
            }
            return checked(path, file);
        }
        Path spooled = Files.createTempFile("basalt-keys-", ".json");
        try {
            Files.copy(io.in, spooled, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return checked(spooled, "stdin");
        } finally {
            Files.deleteIfExists(spooled);
        }
    }

    private static List<String> checked(Path path, String name) {
        try {
            return BulkKeysReader.read(path, name);
        } catch (BulkFormatException e) {
            throw new FailureException(e.getMessage() + "; nothing was done");
        }
    }
}
