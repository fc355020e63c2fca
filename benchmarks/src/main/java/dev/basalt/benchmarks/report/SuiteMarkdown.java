package dev.basalt.benchmarks.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Writes the markdown of one suite's section: the run's description, then per table a heading,
 * the table and a link to its chart.
 *
 * <p>Machine, date and command belong to the whole run, so they come once at the top. The JDK and the
 * JVM flags come from each result: once at the top when every result shares them, otherwise beside
 * every table.
 */
final class SuiteMarkdown {
    private static final String P50 = "50.0";
    private static final String P99 = "99.0";
    private static final String P99_9 = "99.9";

    private SuiteMarkdown() {
    }

    /**
     * The section body.
     *
     * @param chartLink the markdown link target of a table's chart, relative to the markdown file
     */
    static String render(List<ResultTable> tables, RunDescription run, Function<ResultTable, String> chartLink) {
        StringBuilder md = new StringBuilder();
        md.append("_Written by `dev.basalt.benchmarks.report.BenchmarkReport`; edits between these markers are replaced on the next run._\n\n");
        md.append("- Machine: ").append(run.machine().describe()).append('\n');
        Set<String> jdks = distinct(tables, SuiteMarkdown::jdk);
        Set<String> flags = distinct(tables, SuiteMarkdown::flags);
        boolean uniformJvm = jdks.size() <= 1 && flags.size() <= 1;
        if (uniformJvm && !tables.isEmpty()) {
            md.append("- JDK: ").append(jdks.iterator().next()).append('\n');
            md.append("- JVM flags: ").append(flags.iterator().next()).append('\n');
        }
        md.append("- Date: ").append(run.date()).append('\n');
        md.append("- Command: ").append(code(run.command())).append('\n');
        md.append("- Error: half the width of JMH's 99.9 % confidence interval (\"—\" after a single iteration).\n");
        if (tables.isEmpty()) {
            md.append("\nNo results in this run.\n");
        }
        for (ResultTable table : tables) {
            md.append("\n### ").append(table.title()).append("\n\n");
            if (!uniformJvm) {
                JmhResult first = table.rows().get(0).result();
                md.append("JDK: ").append(jdk(first)).append("; JVM flags: ").append(flags(first)).append("\n\n");
            }
            appendTable(md, table);
            md.append("\n![Chart: ").append(table.title()).append("](").append(chartLink.apply(table)).append(")\n");
        }
        return md.toString();
    }

    private static void appendTable(StringBuilder md, ResultTable table) {
        ScoreDirection direction = table.direction();
        List<String> auxNames = table.auxCounterNames();
        List<String> header = new ArrayList<>(List.of(table.rowsAreStores() ? "store" : "method", "score", "± error (99.9 %)", "unit",
                "ratio to Basalt (" + direction.ratioMeaning("Basalt") + ")",
                "ratio to ConcurrentHashMap (" + direction.ratioMeaning("ConcurrentHashMap") + ")"));
        if (table.hasAllocation()) {
            header.add("allocation (B/op)");
        }
        if (table.hasPercentiles()) {
            String unit = table.unit();
            header.addAll(List.of("p50 (" + unit + ")", "p99 (" + unit + ")", "p99.9 (" + unit + ")"));
        }
        for (String aux : auxNames) {
            header.add(aux + auxUnit(table, aux));
        }
        md.append(row(header));
        List<String> alignment = new ArrayList<>();
        for (int column = 0; column < header.size(); column++) {
            alignment.add(column == 0 ? "---" : column == 3 ? "---" : "---:");
        }
        md.append(row(alignment));
        for (ResultTable.Row row : table.rows()) {
            md.append(row(cells(table, row, auxNames)));
        }
    }

    private static List<String> cells(ResultTable table, ResultTable.Row row, List<String> auxNames) {
        JmhResult result = row.result();
        boolean basalt = table.basaltRow().map(row::equals).orElse(false);
        List<String> cells = new ArrayList<>(List.of(
                basalt ? "**" + row.label() + "**" : row.label(),
                Numbers.score(result.primary().score()),
                Numbers.score(result.primary().error()),
                result.primary().unit(),
                Numbers.ratio(table.timesFasterBasalt(row)),
                Numbers.ratio(table.timesFasterConcurrentHashMap(row))));
        if (table.hasAllocation()) {
            cells.add(result.allocationBytesPerOp().map(metric -> Numbers.score(metric.score())).orElse(Numbers.NONE));
        }
        if (table.hasPercentiles()) {
            for (String percentile : List.of(P50, P99, P99_9)) {
                var value = result.percentile(percentile);
                cells.add(value.isPresent() ? Numbers.score(value.getAsDouble()) : Numbers.NONE);
            }
        }
        for (String aux : auxNames) {
            Metric metric = result.secondary().get(aux);
            // A negative counter is a benchmark's "this store does not count it" (PeerPutBenchmark's
            // fsyncs of an in-memory map): shown as missing, not as a figure.
            cells.add(metric == null || metric.score() < 0 ? Numbers.NONE : Numbers.score(metric.score()));
        }
        return cells;
    }

    private static String auxUnit(ResultTable table, String aux) {
        return table.rows().stream()
                .map(row -> row.result().secondary().get(aux))
                .filter(metric -> metric != null && !metric.unit().isEmpty())
                .map(metric -> " (" + metric.unit() + ")")
                .findFirst()
                .orElse("");
    }

    private static String row(List<String> cells) {
        return cells.stream().map(cell -> cell.replace("|", "\\|")).collect(Collectors.joining(" | ", "| ", " |\n"));
    }

    /** Inline code; a command holding a backtick gets a double-backtick fence, as CommonMark allows. */
    static String code(String text) {
        return text.contains("`") ? "`` " + text + " ``" : "`" + text + "`";
    }

    private static Set<String> distinct(List<ResultTable> tables, Function<JmhResult, String> property) {
        Set<String> values = new TreeSet<>();
        for (ResultTable table : tables) {
            for (ResultTable.Row row : table.rows()) {
                values.add(property.apply(row.result()));
            }
        }
        return values;
    }

    private static String jdk(JmhResult result) {
        String jdk = (result.vmName() + " " + result.vmVersion()).trim();
        return jdk.isEmpty() ? "not recorded" : jdk;
    }

    private static String flags(JmhResult result) {
        return result.jvmArgs().isEmpty()
                ? "none"
                : result.jvmArgs().stream().map(flag -> "`" + flag + "`").collect(Collectors.joining(" "));
    }
}
