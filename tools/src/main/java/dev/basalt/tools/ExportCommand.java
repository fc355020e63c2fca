package dev.basalt.tools;

import dev.basalt.Basalt;
import dev.basalt.KeyInfo;
import dev.basalt.KvNamespace;
import dev.basalt.ListOptions;
import dev.basalt.ListResult;
import dev.basalt.ValueType;
import dev.basalt.ValueWithMetadata;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import tools.jackson.core.JsonGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code basalt export}: a whole namespace as a bulk JSON file, streamed. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Export a whole namespace as a bulk JSON file.",
            "Writes every live key with its value, absolute expiration and metadata as a bulk JSON array,"
                + " one entry a line (base64 for values that are not UTF-8), streamed page by page; 'basalt"
                + " import' reads it back. Progress goes to standard error."})
final class ExportCommand implements Callable<Integer> {
    /** Keys per list page (the most the engine returns). */
    private static final int PAGE = 1000;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "write to FILE (default: stdout)")
    private Path output;

    @Mixin
    private StoreOptions store;

    private final Io io;

    ExportCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() throws IOException {
        long started = System.nanoTime();
        long[] totals = new long[2];
        try (Basalt db = store.openExisting()) {
            KvNamespace namespace = store.existingNamespace(db);
            // A listing pass first, keys only, so that the progress knows its total (cheap beside
            // reading every value).
            try (Progress progress = Progress.start(io, "export", Namespaces.countKeys(namespace), "keys")) {
                if (output == null) {
                    export(namespace, io.out, totals, progress);
                } else {
                    try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(output))) {
                        export(namespace, file, totals, progress);
                    }
                }
            }
        }
        long nanos = System.nanoTime() - started;
        io.err.printf("exported %s keys (%s of values) from namespace %s in %s%s%s%n", Figures.count(totals[0]),
                Figures.bytes(totals[1]), store.namespace, Figures.duration(nanos), Figures.rateNote(totals[0], nanos),
                output == null ? "" : " to " + output);
        return 0;
    }

    private static void export(KvNamespace namespace, OutputStream out, long[] totals, Progress progress)
            throws IOException {
        try (JsonGenerator g = Json.linePerElement(out)) {
            g.writeStartArray();
            String cursor = null;
            do {
                ListOptions page = ListOptions.all().withLimit(PAGE);
                ListResult keys = namespace.list(cursor == null ? page : page.withCursor(cursor));
                for (KeyInfo key : keys.keys()) {
                    ValueWithMetadata<byte[]> entry = namespace.getWithMetadata(key.name(), ValueType.BYTES);
                    if (entry.value() == null) {
                        continue; // expired between the listing and the read
                    }
                    EntryWriter.write(g, key.name(), entry.value(), key.expiration(), entry.metadata());
                    totals[1] += entry.value().length;
                    progress.update(++totals[0]);
                }
                cursor = keys.cursor();
            } while (cursor != null);
            g.writeEndArray();
            g.writeRaw('\n');
        }
        out.flush();
    }
}
