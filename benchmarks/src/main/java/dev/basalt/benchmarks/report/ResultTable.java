package dev.basalt.benchmarks.report;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The results that belong in one table: one benchmark (a method, or for benchmarks without a
 * {@code store} parameter a class), one mode, one thread count and one combination of the other
 * parameters, one row per store (or per method).
 *
 * @param name {@code Class.method} for a store table, {@code Class} for a method table
 * @param mode the JMH mode label shared by every row
 * @param threads the thread count shared by every row
 * @param params the parameters shared by every row ({@code store} excluded), in file order
 * @param rowsAreStores true when the rows are stores, false when they are benchmark methods
 * @param rows the rows, in report order
 */
public record ResultTable(
        String name, String mode, int threads, Map<String, String> params, boolean rowsAreStores, List<Row> rows) {

    /** The store whose ratios the tables give first. */
    public static final String BASALT = "basalt";

    /** The on-heap ceiling: {@code ConcurrentHashMap}, no persistence. */
    public static final String CONCURRENT_HASH_MAP = "chm";

    /**
     * One row.
     *
     * @param label the store name, or the method name in a method table
     * @param result the JMH result
     */
    public record Row(String label, JmhResult result) {
    }

    /** Which way the scores of this table point. */
    public ScoreDirection direction() {
        return ScoreDirection.ofMode(mode);
    }

    /** The unit of the primary score (of the first row: JMH uses one unit per benchmark class and mode). */
    public String unit() {
        return rows.get(0).result().primary().unit();
    }

    /** The Basalt row: store {@code basalt}, or in a method table the one method named {@code basalt...}. */
    public Optional<Row> basaltRow() {
        return rowsAreStores ? rowLabelled(BASALT) : onlyRowStartingWith(BASALT);
    }

    /** The {@code ConcurrentHashMap} row: store {@code chm}, or the one method named {@code concurrentHashMap...}/{@code chm...}. */
    public Optional<Row> concurrentHashMapRow() {
        if (rowsAreStores) {
            return rowLabelled(CONCURRENT_HASH_MAP);
        }
        Optional<Row> byLongName = onlyRowStartingWith("concurrentHashMap");
        return byLongName.isPresent() ? byLongName : onlyRowStartingWith(CONCURRENT_HASH_MAP);
    }

    /** How many times faster Basalt is than {@code row} (see {@link ScoreDirection#timesFaster}); NaN without a Basalt row. */
    public double timesFasterBasalt(Row row) {
        return basaltRow().map(basalt -> direction().timesFaster(basalt.result().primary().score(), row.result().primary().score()))
                .orElse(Double.NaN);
    }

    /** How many times faster {@code ConcurrentHashMap} is than {@code row}; NaN without a {@code chm} row. */
    public double timesFasterConcurrentHashMap(Row row) {
        return concurrentHashMapRow()
                .map(chm -> direction().timesFaster(chm.result().primary().score(), row.result().primary().score()))
                .orElse(Double.NaN);
    }

    /** Whether any row has {@code -prof gc}'s bytes per operation. */
    public boolean hasAllocation() {
        return rows.stream().anyMatch(row -> row.result().allocationBytesPerOp().isPresent());
    }

    /** Whether the rows carry latency percentiles worth a column each ({@code sample} mode). */
    public boolean hasPercentiles() {
        return "sample".equals(mode);
    }

    /**
     * The names of the {@code @AuxCounters} secondary metrics of any row, in first-seen order. A metric
     * with no number in any row (a profiler's text result, which JMH writes with a NaN score) is left out.
     */
    public List<String> auxCounterNames() {
        Set<String> names = new LinkedHashSet<>();
        for (Row row : rows) {
            row.result().secondary().forEach((name, metric) -> {
                if (JmhResult.isAuxCounter(name) && !Double.isNaN(metric.score())) {
                    names.add(name);
                }
            });
        }
        return new ArrayList<>(names);
    }

    /** A title such as {@code PeerReadBenchmark.read, avgt, 2 threads, valueBytes=100}. */
    public String title() {
        StringBuilder title = new StringBuilder(name).append(", ").append(mode).append(", ")
                .append(threads).append(threads == 1 ? " thread" : " threads");
        if (!params.isEmpty()) {
            title.append(", ").append(paramsText());
        }
        return title.toString();
    }

    /** The shared parameters as {@code a=1, b=2}. */
    public String paramsText() {
        return params.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
    }

    /** A file name for this table's chart: suite, name, mode, threads and parameters, file-name safe. */
    public String chartFileName(String suite) {
        StringBuilder fileName = new StringBuilder(suite).append('-').append(name).append('-').append(mode)
                .append("-t").append(threads);
        params.forEach((key, value) -> fileName.append('-').append(key).append('_').append(value));
        return fileName.toString().replaceAll("[^A-Za-z0-9._-]", "_") + ".svg";
    }

    private Optional<Row> rowLabelled(String label) {
        return rows.stream().filter(row -> row.label().equals(label)).findFirst();
    }

    private Optional<Row> onlyRowStartingWith(String prefix) {
        List<Row> matches = rows.stream()
                .filter(row -> row.label().regionMatches(true, 0, prefix, 0, prefix.length()))
                .collect(Collectors.toList());
        return matches.size() == 1 ? Optional.of(matches.get(0)) : Optional.empty();
    }
}
