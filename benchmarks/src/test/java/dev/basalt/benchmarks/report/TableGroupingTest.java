package dev.basalt.benchmarks.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TableGroupingTest {
    private final List<ResultTable> tables = Fixtures.tables(Fixtures.PEER_SUITE);

    @Test
    void oneTablePerMethodModeThreadsAndParamsOtherThanStore() {
        assertThat(tables).extracting(ResultTable::title).containsExactly(
                "PeerReadBenchmark.read, avgt, 1 thread, valueBytes=100",
                "PeerReadBenchmark.read, avgt, 1 thread, valueBytes=4096",
                "PeerReadBenchmark.read, avgt, 2 threads, valueBytes=100",
                "PeerMixedBenchmark.mixed, sample, 2 threads, valueBytes=100, writePercent=10",
                "PeerPutBenchmark.put, thrpt, 2 threads, durability=none",
                "PeerPutBenchmark.put, thrpt, 2 threads, durability=sync",
                "ReadBenchmark, avgt, 1 thread, keyCount=1000000");
        assertThat(tables).allSatisfy(table -> assertThat(table.params()).doesNotContainKey("store"));
    }

    @Test
    void storeRowsComeInTheReportOrderWhateverTheFileOrder() {
        ResultTable reads = Fixtures.table(tables, "PeerReadBenchmark.read, avgt, 1 thread, valueBytes=100");

        assertThat(reads.rowsAreStores()).isTrue();
        assertThat(reads.rows()).extracting(ResultTable.Row::label).containsExactly("basalt", "chm", "rocksdb", "lmdb");
    }

    @Test
    void resultsWithoutAStoreParameterMakeOneTableWithAMethodPerRow() {
        ResultTable old = Fixtures.table(tables, "ReadBenchmark, avgt, 1 thread, keyCount=1000000");

        assertThat(old.rowsAreStores()).isFalse();
        assertThat(old.rows()).extracting(ResultTable.Row::label).containsExactly("basaltRead", "concurrentHashMapRead");
        assertThat(old.basaltRow()).hasValueSatisfying(row -> assertThat(row.label()).isEqualTo("basaltRead"));
        assertThat(old.concurrentHashMapRow())
                .hasValueSatisfying(row -> assertThat(row.label()).isEqualTo("concurrentHashMapRead"));
    }

    @Test
    void theRealFileGivesOneTablePerModeWithPercentilesOnlyForSampleTime() {
        List<ResultTable> real = Fixtures.tables(Fixtures.REAL_READ_BENCHMARK);

        assertThat(real).extracting(ResultTable::title).containsExactly(
                "ReadBenchmark, avgt, 1 thread, keyCount=10000", "ReadBenchmark, sample, 1 thread, keyCount=10000");
        assertThat(real).extracting(ResultTable::hasPercentiles).containsExactly(false, true);
        assertThat(real).allSatisfy(table -> {
            assertThat(table.hasAllocation()).isTrue();
            assertThat(table.auxCounterNames()).isEmpty();
        });
    }

    @Test
    void chartFileNamesAreFileNameSafeAndDistinct() {
        List<String> names = tables.stream().map(table -> table.chartFileName("quick")).toList();

        assertThat(names).doesNotHaveDuplicates().allMatch(name -> name.matches("quick-[A-Za-z0-9._-]+\\.svg"));
        assertThat(names.get(0)).isEqualTo("quick-PeerReadBenchmark.read-avgt-t1-valueBytes_100.svg");
    }
}
