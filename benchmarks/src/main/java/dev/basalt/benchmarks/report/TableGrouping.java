package dev.basalt.benchmarks.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sorts JMH results into {@link ResultTable}s.
 *
 * <p>A result with a {@code store} parameter joins the table of its method, mode, thread count and
 * other parameters, as the row of its store. A result without one (an older benchmark that compares
 * by having one method per store, like {@code ReadBenchmark}) joins the table of its class, mode,
 * thread count and parameters, as the row of its method. Tables come in the order of their first
 * result in the file (JMH runs benchmarks in name order); store rows in {@link #STORE_ORDER}, then
 * unknown stores by name; method rows in file order.
 */
public final class TableGrouping {
    /** Row order of the peer tables: Basalt, the two on-heap ceilings, then the persistent peers. */
    public static final List<String> STORE_ORDER =
            List.of("basalt", "chm", "skiplist", "chronicle-map", "rocksdb", "lmdb", "mapdb", "xodus");

    private TableGrouping() {
    }

    /** The tables of a results file, in order. */
    public static List<ResultTable> tables(List<JmhResult> results) {
        Map<List<Object>, List<JmhResult>> groups = new LinkedHashMap<>();
        for (JmhResult result : results) {
            groups.computeIfAbsent(key(result), unused -> new ArrayList<>()).add(result);
        }
        List<ResultTable> tables = new ArrayList<>();
        for (List<JmhResult> group : groups.values()) {
            tables.add(table(group));
        }
        return tables;
    }

    private static List<Object> key(JmhResult result) {
        boolean byStore = result.store().isPresent();
        String benchmarkOrClass = byStore
                ? result.benchmark()
                : result.benchmark().substring(0, result.benchmark().lastIndexOf('.') + 1);
        return List.<Object>of(byStore, benchmarkOrClass, result.mode(), result.threads(), otherParams(result));
    }

    private static Map<String, String> otherParams(JmhResult result) {
        Map<String, String> params = new LinkedHashMap<>(result.params());
        params.remove(JmhResult.STORE_PARAM);
        return params;
    }

    private static ResultTable table(List<JmhResult> group) {
        JmhResult first = group.get(0);
        boolean byStore = first.store().isPresent();
        List<ResultTable.Row> rows = new ArrayList<>();
        for (JmhResult result : group) {
            rows.add(new ResultTable.Row(byStore ? result.store().orElseThrow() : result.method(), result));
        }
        if (byStore) {
            rows.sort(Comparator.comparingInt((ResultTable.Row row) -> storeRank(row.label()))
                    .thenComparing(ResultTable.Row::label));
        }
        return new ResultTable(byStore ? first.simpleName() : first.simpleClassName(), first.mode(), first.threads(),
                otherParams(first), byStore, List.copyOf(rows));
    }

    private static int storeRank(String store) {
        int rank = STORE_ORDER.indexOf(store);
        return rank < 0 ? STORE_ORDER.size() : rank;
    }
}
