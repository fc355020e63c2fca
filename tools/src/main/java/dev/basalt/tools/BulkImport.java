package dev.basalt.tools;

import dev.basalt.Basalt;
import dev.basalt.BasaltOptions;
import dev.basalt.Durability;
import dev.basalt.KvNamespace;
import dev.basalt.PutOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;

/**
 * Writes a bulk file into a namespace, all or nothing as far as the file goes: every entry is
 * read and checked first (keys, value sizes, metadata sizes, expirations, the JSON itself),
 * and only a file that passes whole is read a second time and written. Standard input is
 * spooled to a temporary file first, since it cannot be read twice.
 *
 * <p>Durability: the writes use {@link Durability#PERIODIC} (no fsync per entry; a bulk load
 * of 100,000 entries would otherwise pay 100,000 fsyncs) and end with one {@code sync()}, so
 * when the command reports success every entry is on stable storage.
 *
 * <p>One thing the first pass cannot promise: an absolute expiration that is just far enough
 * ahead (60 s) when checked may be too close when its entry is written a moment later. The
 * engine then refuses that entry and the command stops, saying how many entries were written.
 */
final class BulkImport {
    private final Io io;
    private final StoreOptions store;
    private final Clock clock;

    BulkImport(Io io, StoreOptions store, Clock clock) {
        this.io = io;
        this.store = store;
        this.clock = clock;
    }

    /** Imports {@code source} ("-" for stdin); {@code skipTooSoon} skips entries whose expiration is (nearly) past. */
    void run(String source, boolean skipTooSoon) {
        Path spooled = null;
        try {
            Path file;
            if (source.equals("-")) {
                spooled = Files.createTempFile("basalt-bulk-", ".json");
                Files.copy(io.in, spooled, StandardCopyOption.REPLACE_EXISTING);
                file = spooled;
            } else {
                file = Path.of(source);
                if (!Files.isRegularFile(file)) {
                    throw new UsageException("no bulk file at " + file.toAbsolutePath());
                }
            }
            importFile(file, source.equals("-") ? "stdin" : source, skipTooSoon);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (spooled != null) {
                try {
                    Files.deleteIfExists(spooled);
                } catch (IOException ignored) {
                    // a temporary file; the OS cleans its temporary directory
                }
            }
        }
    }

    private void importFile(Path file, String name, boolean skipTooSoon) {
        BasaltOptions defaults = BasaltOptions.defaults();
        long now = clock.instant().getEpochSecond();
        BulkReader reader = new BulkReader(name, now, defaults);
        java.util.BitSet skipped = new java.util.BitSet();
        long[] valueBytes = new long[1];
        int entries = reader.read(file, e -> valueBytes[0] += e.value().length,
                skipTooSoon ? e -> skipped.set(e.index()) : null);
        io.err.printf("checked %s: %s entries, %s of values, all valid%s%n", name, Figures.count(entries),
                Figures.bytes(valueBytes[0]), skipped.isEmpty() ? ""
                        : "; " + Figures.count(skipped.cardinality()) + " expire too soon and are skipped");
        long started = System.nanoTime();
        int[] written = new int[1];
        int toWrite = entries - skipped.cardinality();
        try (Basalt db = store.openForWrites(Durability.PERIODIC);
                Progress progress = Progress.start(io, "import", toWrite, "entries")) {
            KvNamespace namespace = db.namespace(store.namespace);
            BulkReader again = new BulkReader(name, now, defaults);
            again.read(file, e -> {
                if (skipped.get(e.index())) {
                    return;
                }
                put(namespace, e, written[0]);
                progress.update(++written[0]);
            }, skipTooSoon ? e -> { } : null);
            db.sync();
        }
        long nanos = System.nanoTime() - started;
        io.err.printf("wrote %s entries to namespace %s in %s%s, synced%n", Figures.count(written[0]),
                store.namespace, Figures.duration(nanos), Figures.rateNote(written[0], nanos));
    }

    private static void put(KvNamespace namespace, BulkEntry e, int writtenBefore) {
        PutOptions options = PutOptions.none();
        if (e.expirationEpochSeconds() != null) {
            options = options.withExpiration(e.expirationEpochSeconds());
        }
        if (e.expirationTtlSeconds() != null) {
            options = options.withExpirationTtl(e.expirationTtlSeconds());
        }
        if (e.metadata() != null && !e.metadata().isNull()) {
            options = options.withMetadata(e.metadata());
        }
        try {
            namespace.put(e.key(), e.value(), options);
        } catch (IllegalArgumentException refused) {
            throw new FailureException("entry [" + e.index() + "] (line " + e.line() + ") was refused after "
                    + writtenBefore + " entries were written: " + refused.getMessage());
        }
    }
}
