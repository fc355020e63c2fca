package dev.basalt.tools;

import dev.basalt.Basalt;
import dev.basalt.KvNamespace;
import dev.basalt.ValueType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code basalt kv key get KEY [--text]}: prints the raw value bytes, nothing added; with
 * {@code --text} (wrangler's flag) the value decoded as UTF-8 and a newline.
 */
@Command(name = "get", mixinStandardHelpOptions = true,
        description = {"Print a key's value to standard output as raw bytes (no newline added).",
            "With --text, as wrangler's 'kv key get --text': the value decoded as UTF-8 text and a newline; a value"
                + " that is not valid UTF-8 is then an error and nothing is printed."},
        footer = {"", "Exit codes: 0 found, 1 not found (or expired, or not UTF-8 with --text), 2 usage error."})
final class KeyGetCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "KEY", description = "the key")
    private String key;

    @Option(names = "--text", description = "decode the value as UTF-8 text and end it with a newline")
    private boolean text;

    @Mixin
    private StoreOptions store;

    private final Io io;

    KeyGetCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() throws IOException {
        try (Basalt db = store.openExisting()) {
            KvNamespace namespace = store.existingNamespace(db);
            if (text) {
                return printText(namespace.get(key, ValueType.BYTES));
            }
            try (InputStream value = namespace.get(key, ValueType.STREAM)) {
                if (value == null) {
                    return notFound();
                }
                value.transferTo(io.out);
            }
        }
        io.out.flush();
        return 0;
    }

    private int printText(byte[] value) {
        if (value == null) {
            return notFound();
        }
        String decoded;
        try {
            // Strict: a replacement character in place of a bad byte would print a value that
            // was never stored.
            decoded = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(value)).toString();
        } catch (CharacterCodingException e) {
            throw new FailureException("the value of key " + Json.MAPPER.writeValueAsString(key) + " ("
                    + Figures.count(value.length) + " bytes) is not valid UTF-8; without --text it prints as raw bytes");
        }
        io.text.println(decoded);
        io.text.flush();
        return 0;
    }

    private int notFound() {
        io.err.printf("key %s not found in namespace %s%n", Json.MAPPER.writeValueAsString(key), store.namespace);
        return BasaltCli.FAILURE;
    }
}
