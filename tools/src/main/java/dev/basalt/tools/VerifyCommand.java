package dev.basalt.tools;

import dev.basalt.BasaltException;
import dev.basalt.internal.tooling.Damage;
import dev.basalt.internal.tooling.Verifier;
import dev.basalt.internal.tooling.VerifyReport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import tools.jackson.core.JsonGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code basalt verify DIR}: the read-only check of a data directory; exit 0 clean, 1 damaged, 2 cannot check. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Check a data directory for damage, read-only; never repairs.",
            "Checks STORE, every segment's header and every record's checksums, every hint file against its"
                + " segment, and CURSOR_KEY. Refuses a directory an open store holds: it takes the directory's"
                + " lock the way the engine does, and never steals it."},
        footer = {"", "Exit codes: 0 clean, 1 damage found, 2 usage error or the directory cannot be checked"
            + " (missing, not a data directory, held by a running store)."})
final class VerifyCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DIR", description = "data directory")
    private Path directory;

    @Option(names = "--json", description = "print the report as one JSON object")
    private boolean json;

    private final Io io;

    VerifyCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() {
        VerifyReport report;
        try {
            report = Verifier.verify(directory);
        } catch (IllegalArgumentException | BasaltException e) {
            io.err.println("basalt verify: cannot check " + directory + ": " + e.getMessage());
            return BasaltCli.USAGE;
        }
        if (json) {
            printJson(report);
        } else {
            printText(report, io.text);
        }
        return report.clean() ? 0 : BasaltCli.FAILURE;
    }

    private static void printText(VerifyReport report, PrintWriter out) {
        VerifyReport.RecordCounts records = report.records();
        out.printf("verified %s%n", report.directory());
        out.printf("  segments scanned   %s (%s)%n", Figures.count(report.segmentsScanned()),
                Figures.bytes(report.bytesScanned()));
        out.printf("  records checked    %s intact (%s puts, %s tombstones, %s namespace records)%n",
                Figures.count(records.total()), Figures.count(records.puts()), Figures.count(records.tombstones()),
                Figures.count(records.namespaceCreates() + records.namespaceDrops()));
        out.printf("  hint files checked %s%n", Figures.count(report.hintFilesChecked()));
        out.printf("  checkpoint         %s%n", report.checkpoint());
        out.printf("  store id from      %s%n", report.storeIdSource());
        for (String warning : report.warnings()) {
            out.printf("warning: %s%n", warning);
        }
        for (Damage damage : report.damage()) {
            out.printf("DAMAGED %s offset %d (%s bytes): %s%n", damage.file().getFileName(), damage.offset(),
                    Figures.count(damage.length()), damage.reason());
        }
        out.println(report.clean() ? "clean: no damage found"
                : report.damage().size() + " damaged range" + (report.damage().size() == 1 ? "" : "s")
                        + " found; nothing was changed (verify never repairs)");
    }

    private void printJson(VerifyReport report) {
        try (JsonGenerator g = Json.compact(io.out)) {
            g.writeStartObject();
            g.writeStringProperty("directory", report.directory().toString());
            g.writeBooleanProperty("clean", report.clean());
            g.writeNumberProperty("segmentsScanned", report.segmentsScanned());
            g.writeNumberProperty("bytesScanned", report.bytesScanned());
            g.writeNumberProperty("recordsChecked", report.records().total());
            g.writeNumberProperty("puts", report.records().puts());
            g.writeNumberProperty("tombstones", report.records().tombstones());
            g.writeNumberProperty("namespaceRecords",
                    report.records().namespaceCreates() + report.records().namespaceDrops());
            g.writeNumberProperty("hintFilesChecked", report.hintFilesChecked());
            g.writeStringProperty("checkpoint", report.checkpoint());
            g.writeStringProperty("storeIdSource", report.storeIdSource());
            g.writeName("damage");
            g.writeStartArray();
            for (Damage damage : report.damage()) {
                g.writeStartObject();
                g.writeStringProperty("file", damage.file().toString());
                g.writeNumberProperty("offset", damage.offset());
                g.writeNumberProperty("length", damage.length());
                g.writeStringProperty("reason", damage.reason());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeName("warnings");
            g.writeStartArray();
            for (String warning : report.warnings()) {
                g.writeString(warning);
            }
            g.writeEndArray();
            g.writeEndObject();
            g.writeRaw('\n');
        }
    }
}
