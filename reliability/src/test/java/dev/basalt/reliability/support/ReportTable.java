package dev.basalt.reliability.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Drops an earlier build's lines from the report when a test JVM starts, and prints this
 * build's lines as one table when it ends: the "final step" that puts every campaign's figures
 * on one screen of the build log. The suite runs in two JVMs (Lincheck's, then the campaigns'),
 * so the last table printed is the whole run's. Its last line names every campaign that wrote a
 * {@code skipped} figure (could not run here), or says none did. Registered through {@code META-INF/services}.
 */
public final class ReportTable implements LauncherSessionListener {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        if (!Files.exists(ReliabilityReport.FILE)) {
            return;
        }
        try {
            List<String> thisRun = new ArrayList<>();
            for (String line : Files.readAllLines(ReliabilityReport.FILE, StandardCharsets.UTF_8)) {
                if (!line.isBlank() && ReliabilityReport.RUN.equals(fields(line).get("run"))) {
                    thisRun.add(line);
                }
            }
            Files.write(ReliabilityReport.FILE, thisRun, StandardCharsets.UTF_8);
        } catch (IOException e) {
            System.out.println("reliability: cannot drop older lines from " + ReliabilityReport.FILE + ": " + e);
        }
    }

    @Override
    public void launcherSessionClosed(LauncherSession session) {
        if (!Files.exists(ReliabilityReport.FILE)) {
            return;
        }
        try {
            List<String> lines = Files.readAllLines(ReliabilityReport.FILE, StandardCharsets.UTF_8);
            System.out.println(render(lines));
        } catch (IOException e) {
            System.out.println("reliability: cannot read " + ReliabilityReport.FILE + ": " + e);
        }
    }

    private static Map<String, Object> fields(String jsonLine) {
        return JSON.readValue(jsonLine, new TypeReference<Map<String, Object>>() { });
    }

    /** The report's lines as a table: one row a campaign, its figures as {@code name=value} pairs. */
    static String render(List<String> jsonLines) {
        List<String[]> rows = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (String line : jsonLines) {
            if (line.isBlank()) {
                continue;
            }
            Map<String, Object> fields = fields(line);
            if (fields.containsKey("skipped")) {
                skipped.add(fields.get("test") + " (" + fields.get("skipped") + ")");
            }
            StringBuilder figures = new StringBuilder();
            for (Map.Entry<String, Object> field : fields.entrySet()) {
                if (!List.of("test", "seed", "scale", "run").contains(field.getKey())) {
                    figures.append(figures.length() == 0 ? "" : "  ").append(field.getKey()).append('=').append(field.getValue());
                }
            }
            rows.add(new String[] {String.valueOf(fields.get("test")), String.valueOf(fields.get("seed")), figures.toString()});
        }
        int testWidth = "campaign".length();
        int seedWidth = "seed".length();
        for (String[] row : rows) {
            testWidth = Math.max(testWidth, row[0].length());
            seedWidth = Math.max(seedWidth, row[1].length());
        }
        String format = "%-" + testWidth + "s  %" + seedWidth + "s  %s%n";
        StringBuilder table = new StringBuilder("\nReliability figures (" + ReliabilityReport.FILE + ")\n");
        table.append(String.format(format, "campaign", "seed", "figures"));
        for (String[] row : rows) {
            table.append(String.format(format, (Object[]) row));
        }
        // A campaign that could not run here (no tmpfs, no permission) is named on a line of its
        // own, so that a skipped run never reads as a passed one in the build log.
        table.append(skipped.isEmpty() ? "skipped: none\n"
                : "SKIPPED, not run here: " + String.join("; ", skipped) + "\n");
        return table.toString();
    }
}
