package dev.basalt.tools;

import dev.basalt.Basalt;
import dev.basalt.Durability;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import tools.jackson.core.JsonGenerator;

/**
 * {@code basalt kv namespace list}: the namespaces as wrangler prints them, a JSON array of
 * {@code {"id", "title"}}. A Basalt namespace has one name, which is both its id (what
 * {@code -n} takes) and its title, so scripts written against wrangler's output work unchanged.
 */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = {"List the namespaces of a data directory as JSON, in sorted order.",
            "Prints a JSON array, one namespace a line: [{\"id\": \"NAME\", \"title\": \"NAME\"}, ...] (wrangler's shape;"
                + " in Basalt a namespace's name is both its id and its title). Creates nothing: a missing"
                + " directory is an error."})
final class NamespaceListCommand implements Callable<Integer> {
    @Mixin
    private DataDirectoryOption dir;

    private final Io io;

    NamespaceListCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() {
        List<String> names;
        try (Basalt db = StoreOptions.openExisting(dir.directory, Durability.GROUP_COMMIT)) {
            names = db.namespaces();
        }
        try (JsonGenerator g = Json.linePerElement(io.out)) {
            g.writeStartArray();
            for (String name : names) {
                g.writeStartObject();
                g.writeStringProperty("id", name);
                g.writeStringProperty("title", name);
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeRaw('\n');
        }
        io.flush();
        return 0;
    }
}
