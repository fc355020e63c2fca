package dev.basalt.tools;

import dev.basalt.KvNamespace;
import dev.basalt.Basalt;
import dev.basalt.BasaltOptions;
import dev.basalt.Durability;
import dev.basalt.PutOptions;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code basalt kv key put KEY [VALUE] [--path FILE]}: writes one value. */
@Command(name = "put", mixinStandardHelpOptions = true,
        description = {"Write a value to a key, creating the namespace if absent.",
            "The value is the VALUE argument, '-' for standard input, or --path FILE; file and stdin values"
                + " are streamed, not held in memory."})
final class KeyPutCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "KEY", description = "the key: 1..512 bytes of UTF-8")
    private String key;

    @Parameters(index = "1", arity = "0..1", paramLabel = "VALUE", description = "the value, or - to read stdin")
    private String value;

    @Option(names = "--path", paramLabel = "FILE", description = "read the value from FILE")
    private Path path;

    @Option(names = "--ttl", paramLabel = "SECONDS", description = "expire SECONDS from now (at least 60)")
    private Long ttlSeconds;

    @Option(names = "--expiration", paramLabel = "EPOCH_SECONDS",
            description = "expire at this epoch second (at least 60 s ahead); --ttl wins if both are given")
    private Long expirationEpochSeconds;

    @Option(names = "--metadata", paramLabel = "JSON", description = "metadata: any JSON, at most 1024 bytes")
    private String metadata;

    @Mixin
    private StoreOptions store;

    private final Io io;

    KeyPutCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() throws IOException {
        if ((value == null) == (path == null)) {
            throw new UsageException("give the value either as an argument (- for stdin) or with --path FILE");
        }
        if (path != null && !Files.isRegularFile(path)) {
            throw new UsageException("--path: no file at " + path.toAbsolutePath());
        }
        PutOptions options = putOptions();
        checkBeforeOpening(options);
        long written;
        try (Basalt db = store.openForWrites(Durability.GROUP_COMMIT)) {
            written = put(db, options);
        }
        io.err.printf("wrote %s bytes to key %s in namespace %s%n", Figures.count(written),
                Json.MAPPER.writeValueAsString(key), store.namespace);
        return 0;
    }

    /** The engine's rules, checked before the store is opened, so a bad put creates no namespace. */
    private void checkBeforeOpening(PutOptions options) {
        KvNamespace.checkKey(key);
        options.checkMetadata();
        options.resolveExpirationEpochSeconds(Clock.systemUTC().instant().getEpochSecond(),
                BasaltOptions.defaults().minExpirationTtl().toSeconds());
    }

    private PutOptions putOptions() {
        PutOptions options = PutOptions.none();
        if (expirationEpochSeconds != null) {
            options = options.withExpiration(expirationEpochSeconds);
        }
        if (ttlSeconds != null) {
            options = options.withExpirationTtl(ttlSeconds);
        }
        if (metadata != null) {
            options = options.withMetadata(Json.parseOption("--metadata", metadata));
        }
        return options;
    }

    private long put(Basalt db, PutOptions options) throws IOException {
        if (path == null && !value.equals("-")) {
            db.namespace(store.namespace).put(key, value, options);
            return value.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        }
        try (CountingStream in = new CountingStream(path != null ? Files.newInputStream(path) : io.in)) {
            db.namespace(store.namespace).put(key, in, options);
            return in.count;
        } catch (UncheckedIOException e) {
            throw new FailureException("cannot read the value: " + e.getCause().getMessage());
        }
    }

    /** Counts the bytes read, for the confirmation line; closing it leaves stdin open. */
    private final class CountingStream extends FilterInputStream {
        long count;

        CountingStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            count += b < 0 ? 0 : 1;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            count += Math.max(n, 0);
            return n;
        }

        @Override
        public void close() throws IOException {
            if (in != io.in) {
                super.close();
            }
        }
    }
}
