package dev.basalt.benchmarks.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The JMH JSON files under {@code src/test/resources/report/}. */
final class Fixtures {
    /**
     * A JMH 1.37 {@code -rf json} file built field for field like JMH's {@code JSONResultFormat}: peer
     * reads ({@code avgt} with {@code -prof gc}, two value sizes, one and two threads), a mixed
     * benchmark in {@code sample} mode with two parameters besides {@code store}, puts in {@code thrpt}
     * with {@code @AuxCounters} events, one of whose groups has neither Basalt nor {@code chm}, and the
     * older {@code ReadBenchmark} without a {@code store} parameter.
     */
    static final String PEER_SUITE = "report/peer-suite-jmh-1.37.json";

    /** A real file: {@code ReadBenchmark -p keyCount=10000 -bm avgt,sample -prof gc -wi 1 -i 2 -rf json}. */
    static final String REAL_READ_BENCHMARK = "report/read-benchmark-real-jmh-1.37.json";

    private Fixtures() {
    }

    static String text(String resource) {
        try (InputStream in = Fixtures.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("no test resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<JmhResult> results(String resource) {
        return new JmhJsonReader().read(text(resource));
    }

    static List<ResultTable> tables(String resource) {
        return TableGrouping.tables(results(resource));
    }

    static ResultTable table(List<ResultTable> tables, String title) {
        return tables.stream().filter(table -> table.title().equals(title)).findFirst()
                .orElseThrow(() -> new AssertionError("no table " + title + " among "
                        + tables.stream().map(ResultTable::title).toList()));
    }

    static Machine machine() {
        return new Machine("Test CPU 9000", 2, "6.1.0-test");
    }
}
