package dev.basalt.benchmarks.report;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.DirectoryIteratorException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a JMH JSON results file into one suite's section of {@code docs/benchmarks.md} (tables with
 * ratios to Basalt and to {@code ConcurrentHashMap}) and one SVG bar chart per table in
 * {@code docs/benchmarks/}.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.basalt.benchmarks.report.BenchmarkReport \
 *     --results jmh.json --suite quick|full --command "exact command line" --docs docs [--date "text"]
 * </pre>
 *
 * <p>Only the suite's section between its markers (see {@link MarkedSection}) and the suite's charts
 * ({@code docs/benchmarks/SUITE-*.svg}, all replaced, so charts of tables that are gone go too) are
 * rewritten; the rest of the markdown file stays as it is. Running twice on the same results gives the
 * same files. The date shown is the results file's modification time in UTC unless {@code --date} is
 * given; the machine is the one running the report (the run script calls it right after the run).
 */
public final class BenchmarkReport {
    /** The suites the run script knows. */
    static final Set<String> SUITES = Set.of("quick", "full");

    static final String MARKDOWN_FILE = "benchmarks.md";
    static final String CHART_DIRECTORY = "benchmarks";

    private static final int USAGE_ERROR = 2;
    private static final int FAILURE = 1;
    private static final DateTimeFormatter RUN_DATE =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    private static final String USAGE = String.join("\n",
            "usage: BenchmarkReport --results <jmh.json> --suite quick|full --command \"<exact command line>\" --docs <docs dir>"
                    + " [--date <text>]",
            "  --results  JMH results written with -rf json",
            "  --suite    which section of <docs>/benchmarks.md to replace",
            "  --command  the command line of the run, shown beside the tables",
            "  --docs     the docs directory: writes benchmarks.md there and charts into benchmarks/",
            "  --date     the date to show (default: the results file's modification time, UTC)");

    private BenchmarkReport() {
    }

    /** Runs the report; exits with 2 on a usage error and 1 on any other failure. */
    public static void main(String[] args) {
        int status = run(args, System.out, System.err, Machine.current());
        if (status != 0) {
            System.exit(status);
        }
    }

    /** The report as {@link #main} runs it, with the machine given; returns the exit status. */
    static int run(String[] args, PrintStream out, PrintStream err, Machine machine) {
        Map<String, String> options;
        try {
            options = options(args);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            err.println(USAGE);
            return USAGE_ERROR;
        }
        try {
            Path results = Path.of(options.get("--results"));
            String date = options.containsKey("--date")
                    ? options.get("--date")
                    : RUN_DATE.format(Files.getLastModifiedTime(results).toInstant());
            RunDescription run = new RunDescription(machine, date, options.get("--command"));
            List<ResultTable> tables = TableGrouping.tables(new JmhJsonReader().read(results));
            write(Path.of(options.get("--docs")), options.get("--suite"), tables, run);
            out.println("BenchmarkReport: " + tables.size() + (tables.size() == 1 ? " table" : " tables")
                    + " with charts for the " + options.get("--suite")
                    + " suite in " + Path.of(options.get("--docs")).resolve(MARKDOWN_FILE));
            return 0;
        } catch (IOException | RuntimeException e) {
            err.println("BenchmarkReport failed: " + e);
            return FAILURE;
        }
    }

    /** Writes the suite's charts and its section of the markdown file under {@code docs}. */
    static void write(Path docs, String suite, List<ResultTable> tables, RunDescription run) throws IOException {
        Path chartDirectory = docs.resolve(CHART_DIRECTORY);
        Files.createDirectories(chartDirectory);
        deleteCharts(chartDirectory, suite);
        for (ResultTable table : tables) {
            Files.writeString(chartDirectory.resolve(table.chartFileName(suite)), SvgBarChart.render(table), StandardCharsets.UTF_8);
        }
        String body = SuiteMarkdown.render(tables, run, table -> CHART_DIRECTORY + "/" + table.chartFileName(suite));
        Path markdown = docs.resolve(MARKDOWN_FILE);
        String document = Files.exists(markdown) ? Files.readString(markdown, StandardCharsets.UTF_8) : "";
        Files.writeString(markdown, MarkedSection.replace(document, suite, body), StandardCharsets.UTF_8);
    }

    private static void deleteCharts(Path chartDirectory, String suite) throws IOException {
        try (DirectoryStream<Path> charts = Files.newDirectoryStream(chartDirectory, suite + "-*.svg")) {
            for (Path chart : charts) {
                Files.delete(chart);
            }
        } catch (DirectoryIteratorException e) {
            throw e.getCause();
        }
    }

    private static Map<String, String> options(String[] args) {
        Set<String> known = Set.of("--results", "--suite", "--command", "--docs", "--date");
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            if (!known.contains(args[i])) {
                throw new IllegalArgumentException("unknown option " + args[i]);
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value after " + args[i]);
            }
            options.put(args[i], args[i + 1]);
        }
        for (String required : List.of("--results", "--suite", "--command", "--docs")) {
            if (!options.containsKey(required)) {
                throw new IllegalArgumentException("missing " + required);
            }
        }
        if (!SUITES.contains(options.get("--suite"))) {
            throw new IllegalArgumentException("--suite must be quick or full, not " + options.get("--suite"));
        }
        return options;
    }
}
