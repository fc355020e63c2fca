package dev.basalt.tools;

import dev.basalt.Basalt;
import dev.basalt.KeyInfo;
import dev.basalt.KvNamespace;
import dev.basalt.ListOptions;
import dev.basalt.ListResult;
import java.util.concurrent.Callable;
import tools.jackson.core.JsonGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code basalt kv key list}: keys as a JSON array of {name, expiration, metadata}, as wrangler prints them. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = {"List keys with their expiration and metadata, as JSON.",
            "Prints keys in ascending UTF-8 byte order as a JSON array, one key a line:",
            "  [{\"name\": \"...\", \"expiration\": 1700000000, \"metadata\": {...}}, ...]",
            "(expiration and metadata only when the key has them). Without --limit every key is listed; with"
                + " --limit one page is, and when more keys follow, the cursor of the next page is printed to"
                + " standard error as 'cursor: ...', so standard output stays one JSON document."})
final class KeyListCommand implements Callable<Integer> {
    /** The largest page the engine returns (Workers KV's limit). */
    private static final int MAX_PAGE = 1000;

    @Option(names = "--prefix", paramLabel = "PREFIX", description = "only keys starting with PREFIX")
    private String prefix = "";

    @Option(names = "--limit", paramLabel = "N", description = "one page of at most N keys (1..1000)")
    private Integer limit;

    @Option(names = "--cursor", paramLabel = "CURSOR", description = "continue after a page that printed CURSOR")
    private String cursor;

    @Mixin
    private StoreOptions store;

    private final Io io;

    KeyListCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() {
        if (limit != null && (limit < 1 || limit > MAX_PAGE)) {
            throw new UsageException("--limit is " + limit + "; it must be 1.." + MAX_PAGE);
        }
        try (Basalt db = store.openExisting()) {
            KvNamespace namespace = store.existingNamespace(db);
            // The first page is read before a byte is written: a bad cursor or prefix fails with
            // nothing on standard output, never with an empty array a script would take for an
            // empty page.
            ListResult page = namespace.list(options(cursor));
            String next;
            try (JsonGenerator g = Json.linePerElement(io.out)) {
                g.writeStartArray();
                while (true) {
                    for (KeyInfo key : page.keys()) {
                        write(g, key);
                    }
                    next = page.cursor();
                    if (next == null || limit != null) {
                        break;
                    }
                    page = namespace.list(options(next));
                }
                g.writeEndArray();
                g.writeRaw('\n');
            }
            io.out.flush();
            if (next != null) {
                io.err.println("cursor: " + next);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return 0;
    }

    private ListOptions options(String pageCursor) {
        ListOptions options = ListOptions.prefix(prefix).withLimit(limit != null ? limit : MAX_PAGE);
        return pageCursor == null ? options : options.withCursor(pageCursor);
    }

    static void write(JsonGenerator g, KeyInfo key) {
        g.writeStartObject();
        g.writeStringProperty("name", key.name());
        if (key.expiration() != null) {
            g.writeNumberProperty("expiration", key.expiration());
        }
        if (key.metadata() != null) {
            g.writeName("metadata");
            g.writeTree(key.metadata());
        }
        g.writeEndObject();
    }
}
