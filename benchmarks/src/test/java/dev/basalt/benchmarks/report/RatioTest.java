package dev.basalt.benchmarks.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Ratios read "how many times faster the reference is" in every mode, and are absent without a reference. */
class RatioTest {
    private final List<ResultTable> tables = Fixtures.tables(Fixtures.PEER_SUITE);

    @Test
    void timePerOperationRatioIsPeerTimeOverBasaltTime() {
        ResultTable reads = Fixtures.table(tables, "PeerReadBenchmark.read, avgt, 1 thread, valueBytes=100");

        // rocksdb 4000 ns/op against basalt 900 ns/op: Basalt is 4.44x faster, so above 1
        assertThat(reads.timesFasterBasalt(row(reads, "rocksdb"))).isCloseTo(4000.0 / 900.0, within(1e-9));
        // chm 800 ns/op is faster than Basalt: below 1
        assertThat(reads.timesFasterBasalt(row(reads, "chm"))).isCloseTo(800.0 / 900.0, within(1e-9)).isLessThan(1);
        assertThat(reads.timesFasterConcurrentHashMap(row(reads, "basalt"))).isCloseTo(900.0 / 800.0, within(1e-9));
        assertThat(reads.timesFasterBasalt(row(reads, "basalt"))).isEqualTo(1.0);
        assertThat(reads.direction().ratioMeaning("Basalt"))
                .isEqualTo("peer time ÷ Basalt time: above 1 means Basalt is faster");
    }

    @Test
    void throughputRatioIsBasaltThroughputOverPeerThroughput() {
        ResultTable puts = Fixtures.table(tables, "PeerPutBenchmark.put, thrpt, 2 threads, durability=none");

        // basalt 300,000 ops/s against rocksdb 150,000 ops/s: Basalt is 2x faster, so above 1
        assertThat(puts.timesFasterBasalt(row(puts, "rocksdb"))).isCloseTo(2.0, within(1e-9));
        // chm 3,000,000 ops/s is 10x faster than Basalt
        assertThat(puts.timesFasterConcurrentHashMap(row(puts, "basalt"))).isCloseTo(10.0, within(1e-9));
        assertThat(puts.direction().ratioMeaning("Basalt"))
                .isEqualTo("Basalt throughput ÷ peer throughput: above 1 means Basalt is faster");
    }

    @Test
    void aTableWithoutBasaltOrChmHasNoRatios() {
        ResultTable sync = Fixtures.table(tables, "PeerPutBenchmark.put, thrpt, 2 threads, durability=sync");

        assertThat(sync.basaltRow()).isEmpty();
        assertThat(sync.concurrentHashMapRow()).isEmpty();
        assertThat(sync.timesFasterBasalt(row(sync, "rocksdb"))).isNaN();
        assertThat(sync.timesFasterConcurrentHashMap(row(sync, "lmdb"))).isNaN();
        assertThat(Numbers.ratio(Double.NaN)).isEqualTo("—");
    }

    @Test
    void scoreDirectionFollowsTheMode() {
        assertThat(ScoreDirection.ofMode("thrpt")).isEqualTo(ScoreDirection.HIGHER_IS_BETTER);
        assertThat(List.of("avgt", "sample", "ss")).allSatisfy(
                mode -> assertThat(ScoreDirection.ofMode(mode)).isEqualTo(ScoreDirection.LOWER_IS_BETTER));
        assertThat(ScoreDirection.LOWER_IS_BETTER.timesFaster(0, 5)).isNaN();
    }

    private static ResultTable.Row row(ResultTable table, String label) {
        return table.rows().stream().filter(row -> row.label().equals(label)).findFirst().orElseThrow();
    }
}
