package dev.basalt.benchmarks.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command as the run script calls it, on a docs directory of its own. */
class BenchmarkReportTest {
    private static final String PROSE = "# Benchmarks\n\nHand-written prose that must survive.\n";
    private static final String COMMAND = "benchmarks/run quick";

    @TempDir
    Path directory;

    private Path docs;
    private Path results;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void setUp() throws Exception {
        docs = Files.createDirectories(directory.resolve("docs"));
        Files.writeString(docs.resolve("benchmarks.md"), PROSE);
        results = directory.resolve("jmh.json");
        Files.writeString(results, Fixtures.text(Fixtures.PEER_SUITE));
        Files.setLastModifiedTime(results, FileTime.from(Instant.parse("2026-11-26T21:05:09Z")));
    }

    @Test
    void writesTheSectionWithRunDetailsTablesAndLinkedCharts() throws Exception {
        assertThat(report("quick")).isZero();

        String markdown = Files.readString(docs.resolve("benchmarks.md"));
        assertThat(markdown).startsWith(PROSE)
                .contains("## Peer comparison (quick suite)", "<!-- peer-report:quick:begin -->", "<!-- peer-report:quick:end -->")
                .contains("- Machine: Test CPU 9000, 2 logical CPUs, kernel 6.1.0-test\n")
                .contains("- JDK: OpenJDK 64-Bit Server VM 17.0.15+6-Debian-1deb12u1")
                .contains("- JVM flags: `--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED`")
                .contains("- Date: 2026-11-26 21:05:09 UTC")
                .contains("- Command: `" + COMMAND + "`")
                .contains("### PeerReadBenchmark.read, avgt, 1 thread, valueBytes=100")
                .contains("| **basalt** | 900.0 | 100.0 | ns/op | 1.00 | 1.13 | 0.020 |")
                .contains("| rocksdb | 4,000 | 500.0 | ns/op | 4.44 | 5.00 | 120.0 |")
                .contains("| p50 (ns/op) | p99 (ns/op) | p99.9 (ns/op) |")
                .contains("| **basalt** | 1,200 | 150.0 | ns/op | 1.00 | 1.71 | 0.050 | 1,000 | 5,000 | 20,000 |")
                .contains("| fsyncs (#) | puts (#) |")
                .containsPattern("\\| chm \\|[^\\n]*\\| — \\| 90,000,000 \\|\\n") // -2 fsyncs: not counted
                .contains("| rocksdb | 20,000 | 1,500 | ops/s | — | — | 40.00 | 200,000 | 600,000 |")
                .contains("Basalt throughput ÷ peer throughput: above 1 means Basalt is faster")
                .contains("| **basaltRead** | 941.7 | 147.2 | ns/op | 1.00 | 1.18 |");
        List<String> links = chartLinks(markdown);
        assertThat(links).hasSize(7);
        for (String link : links) {
            Path chart = docs.resolve(link);
            assertThat(chart).exists();
            SvgBarChartTest.parse(Files.readString(chart));
        }
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("7 tables with charts");
    }

    @Test
    void runningTwiceGivesTheSameFiles() throws Exception {
        assertThat(report("quick")).isZero();
        String first = Files.readString(docs.resolve("benchmarks.md"));
        List<String> firstCharts = charts();

        assertThat(report("quick")).isZero();

        assertThat(Files.readString(docs.resolve("benchmarks.md"))).isEqualTo(first);
        assertThat(charts()).isEqualTo(firstCharts);
    }

    @Test
    void quickAndFullKeepTheirOwnSectionsAndCharts() throws Exception {
        assertThat(report("quick")).isZero();
        Files.writeString(results, Fixtures.text(Fixtures.REAL_READ_BENCHMARK));
        assertThat(report("full")).isZero();
        String both = Files.readString(docs.resolve("benchmarks.md"));

        assertThat(both).contains("## Peer comparison (quick suite)", "## Peer comparison (full suite)",
                "### PeerPutBenchmark.put", "### ReadBenchmark, sample, 1 thread, keyCount=10000");
        assertThat(charts()).anyMatch(name -> name.startsWith("quick-")).anyMatch(name -> name.startsWith("full-"));

        Files.writeString(results, Fixtures.text(Fixtures.REAL_READ_BENCHMARK));
        assertThat(report("quick")).isZero();

        String after = Files.readString(docs.resolve("benchmarks.md"));
        assertThat(after).doesNotContain("### PeerPutBenchmark.put").startsWith(PROSE);
        assertThat(after.substring(after.indexOf("<!-- peer-report:full:begin -->")))
                .isEqualTo(both.substring(both.indexOf("<!-- peer-report:full:begin -->")));
        assertThat(charts()).noneMatch(name -> name.startsWith("quick-Peer"));
    }

    @Test
    void aGivenDateReplacesTheFileTime() throws Exception {
        assertThat(report("full", "--date", "2026-12-01")).isZero();

        assertThat(Files.readString(docs.resolve("benchmarks.md"))).contains("- Date: 2026-12-01\n");
    }

    @Test
    void usageErrorsExitWithTwoAndChangeNothing() throws Exception {
        assertThat(BenchmarkReport.run(new String[] {"--results", results.toString(), "--suite", "nightly",
                "--command", COMMAND, "--docs", docs.toString()}, print(out), print(err), Fixtures.machine())).isEqualTo(2);
        assertThat(BenchmarkReport.run(new String[] {"--results"}, print(out), print(err), Fixtures.machine())).isEqualTo(2);
        assertThat(BenchmarkReport.run(new String[] {"--suite", "quick"}, print(out), print(err), Fixtures.machine())).isEqualTo(2);

        assertThat(err.toString(StandardCharsets.UTF_8)).contains("usage: BenchmarkReport");
        assertThat(Files.readString(docs.resolve("benchmarks.md"))).isEqualTo(PROSE);
    }

    private int report(String suite, String... extra) {
        List<String> args = new ArrayList<>(List.of("--results", results.toString(), "--suite", suite,
                "--command", COMMAND, "--docs", docs.toString()));
        args.addAll(List.of(extra));
        return BenchmarkReport.run(args.toArray(String[]::new), print(out), print(err), Fixtures.machine());
    }

    private List<String> charts() throws Exception {
        List<String> charts = new ArrayList<>();
        try (Stream<Path> files = Files.list(docs.resolve("benchmarks"))) {
            for (Path file : files.sorted().toList()) {
                charts.add(file.getFileName() + "\n" + Files.readString(file));
            }
        }
        return charts;
    }

    private static List<String> chartLinks(String markdown) {
        List<String> links = new ArrayList<>();
        Matcher link = Pattern.compile("!\\[[^\\]]*\\]\\((benchmarks/[^)]+\\.svg)\\)").matcher(markdown);
        while (link.find()) {
            links.add(link.group(1));
        }
        return links;
    }

    private static PrintStream print(ByteArrayOutputStream bytes) {
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }
}
