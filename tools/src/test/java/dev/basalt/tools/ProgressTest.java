package dev.basalt.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.Basalt;
import dev.basalt.BasaltOptions;
import dev.basalt.Durability;
import dev.basalt.KvNamespace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Progress of import, export and compact: a bar on a terminal, plain lines otherwise, and never on stdout. */
class ProgressTest {
    private static final int ENTRIES = 2_000;

    @Test
    void withoutATerminalImportAndExportPrintPlainLinesOnStderr(@TempDir Path tmp) throws IOException {
        Path file = bulkFile(tmp);
        String dir = tmp.resolve("data").toString();

        Cli imported = Cli.run("import", file.toString(), "--dir", dir);
        Cli exported = Cli.run("export", "--dir", dir);

        assertThat(imported.code()).as(imported.toString()).isZero();
        assertThat(imported.out()).isEmpty();
        assertThat(imported.err()).doesNotContain("\r")
                .containsPattern("(?m)^  import: 10% \\([\\d,]+ of 2,000 entries\\), [\\d,]+ entries/s, about .+"
                        + " left$")
                .contains("  import: 90% (").contains("wrote 2,000 entries");
        assertThat(exported.code()).as(exported.toString()).isZero();
        assertThat(exported.err()).doesNotContain("\r").contains("  export: 50% (1,000 of 2,000 keys), ");
        assertThat(exported.out()).as("stdout is the export alone").startsWith("[\n  {\"key\":\"key:0000\"")
                .endsWith("}\n]\n").doesNotContain("export:");
    }

    @Test
    void onATerminalImportDrawsABarWithRateAndTimeLeft(@TempDir Path tmp) throws IOException {
        Path file = bulkFile(tmp);

        Cli imported = Cli.runOnTerminal("", "import", file.toString(), "--dir", tmp.resolve("data").toString());

        assertThat(imported.code()).as(imported.toString()).isZero();
        assertThat(imported.out()).isEmpty();
        assertThat(imported.err()).contains("\rimport (entries) 100%").contains("2000/2000 (")
                // elapsed / time left, then the rate ("?" until a whole second has passed)
                .containsPattern("\\(\\d+:\\d\\d:\\d\\d / \\d+:\\d\\d:\\d\\d\\) ([\\d,]+|\\?)/s")
                .doesNotContain("  import: ");
    }

    @Test
    void compactPrintsLinesWithoutATerminalAndABarOnOne(@TempDir Path tmp) {
        Path plain = overwritten(tmp.resolve("plain"));
        Path terminal = overwritten(tmp.resolve("terminal"));

        Cli lines = Cli.run("compact", plain.toString());
        Cli bar = Cli.runOnTerminal("", "compact", terminal.toString());

        assertThat(lines.code()).as(lines.toString()).isZero();
        assertThat(lines.err()).doesNotContain("\r").containsPattern("(?m)^  compact: \\d0% \\(.+B of .+B\\), ");
        assertThat(lines.out()).startsWith("compacted ");
        assertThat(bar.code()).as(bar.toString()).isZero();
        assertThat(bar.err()).contains("\rcompact (bytes) 100%");
        assertThat(bar.out()).startsWith("compacted ");
    }

    private static Path bulkFile(Path tmp) throws IOException {
        StringBuilder json = new StringBuilder("[\n");
        for (int i = 0; i < ENTRIES; i++) {
            json.append(String.format("{\"key\":\"key:%04d\",\"value\":\"value %d\"}%s%n", i, i,
                    i == ENTRIES - 1 ? "" : ","));
        }
        return Files.writeString(tmp.resolve("bulk.json"), json.append("]\n"));
    }

    private static Path overwritten(Path dir) {
        BasaltOptions options = BasaltOptions.defaults().withSegmentSize(1 << 20).withDurability(Durability.PERIODIC)
                .withBackgroundCompaction(false);
        try (Basalt db = Basalt.open(dir, options)) {
            KvNamespace ns = db.namespace("USERS");
            for (int round = 0; round < 2; round++) {
                for (int i = 0; i < 3_000; i++) {
                    ns.put("user:" + i, "round " + round + " " + "x".repeat(300));
                }
            }
        }
        return dir;
    }
}
