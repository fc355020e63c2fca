package dev.basalt.benchmarks.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class JmhJsonReaderTest {
    private final JmhJsonReader reader = new JmhJsonReader();

    @Test
    void readsEveryFieldOfAnAverageTimeResultWithGcProfiler() {
        JmhResult basalt = Fixtures.results(Fixtures.PEER_SUITE).get(0);

        assertThat(basalt.benchmark()).isEqualTo("dev.basalt.benchmarks.peer.PeerReadBenchmark.read");
        assertThat(basalt.simpleName()).isEqualTo("PeerReadBenchmark.read");
        assertThat(basalt.mode()).isEqualTo("avgt");
        assertThat(basalt.threads()).isEqualTo(1);
        assertThat(basalt.forks()).isEqualTo(1);
        assertThat(basalt.vmName()).isEqualTo("OpenJDK 64-Bit Server VM");
        assertThat(basalt.vmVersion()).isEqualTo("17.0.15+6-Debian-1deb12u1");
        assertThat(basalt.jvmArgs()).hasSize(6).endsWith("-Xmx4g");
        assertThat(basalt.params()).containsExactly(
                java.util.Map.entry("store", "basalt"), java.util.Map.entry("valueBytes", "100"));
        assertThat(basalt.store()).contains("basalt");
        assertThat(basalt.primary()).isEqualTo(new Metric(900.0, 100.0, "ns/op"));
        assertThat(basalt.allocationBytesPerOp()).hasValueSatisfying(alloc -> {
            assertThat(alloc.score()).isEqualTo(0.02);
            assertThat(alloc.unit()).isEqualTo("B/op");
        });
        assertThat(basalt.secondary().get("gc.count").error()).isNaN();
        assertThat(basalt.secondary().keySet()).noneMatch(JmhResult::isAuxCounter);
    }

    @Test
    void readsSampleTimePercentilesAndSkipsTheirSecondaryCopies() {
        JmhResult mixed = Fixtures.results(Fixtures.PEER_SUITE).stream()
                .filter(result -> result.mode().equals("sample") && result.store().orElseThrow().equals("rocksdb"))
                .findFirst().orElseThrow();

        assertThat(mixed.percentile("50.0")).hasValue(4000.0);
        assertThat(mixed.percentile("99.0")).hasValue(40000.0);
        assertThat(mixed.percentile("99.9")).hasValue(250000.0);
        assertThat(mixed.secondary()).containsKey("p0.999");
        assertThat(mixed.secondary().keySet()).noneMatch(JmhResult::isAuxCounter);
    }

    @Test
    void auxCountersAreTheSecondariesThatAreNeitherGcNorPercentiles() {
        JmhResult put = Fixtures.results(Fixtures.PEER_SUITE).stream()
                .filter(result -> result.mode().equals("thrpt")).findFirst().orElseThrow();

        assertThat(put.secondary().keySet().stream().filter(JmhResult::isAuxCounter)).containsExactly("fsyncs", "puts");
        assertThat(put.secondary().get("puts")).isEqualTo(new Metric(9.0e6, Double.NaN, "#"));
        assertThat(put.primary().unit()).isEqualTo("ops/s");
    }

    @Test
    void readsARealJmhFileWithSingleIterationNaNsAndAHistogram() {
        List<JmhResult> results = Fixtures.results(Fixtures.REAL_READ_BENCHMARK);

        assertThat(results).extracting(JmhResult::mode).containsExactly("avgt", "avgt", "sample", "sample");
        assertThat(results.get(0).primary().error()).isNaN();
        assertThat(results.get(0).primary().score()).isCloseTo(252.389, within(0.001));
        assertThat(results.get(2).primary().error()).isCloseTo(2716.654, within(0.001));
        assertThat(results.get(2).percentile("99.9")).isPresent();
        assertThat(results.get(2).percentile("50.0")).hasValue(311.0);
        assertThat(results.get(0).store()).isEmpty();
        assertThat(results.get(0).params()).containsEntry("keyCount", "10000");
    }

    @Test
    void stripsTheProfilerPrefixOfOlderJmhAndReadsInfinities() {
        String json = "[{\"benchmark\":\"a.B.c\",\"mode\":\"thrpt\",\"threads\":1,\"forks\":1,"
                + "\"primaryMetric\":{\"score\":\"+INF\",\"scoreError\":\"-INF\",\"scoreUnit\":\"ops/s\"},"
                + "\"secondaryMetrics\":{\"\u00b7gc.alloc.rate.norm\":{\"score\":12.5,\"scoreError\":\"NaN\",\"scoreUnit\":\"B/op\"}}}]";

        JmhResult result = reader.read(json).get(0);

        assertThat(result.primary().score()).isInfinite().isPositive();
        assertThat(result.primary().error()).isInfinite().isNegative();
        assertThat(result.allocationBytesPerOp()).hasValueSatisfying(alloc -> assertThat(alloc.score()).isEqualTo(12.5));
        assertThat(result.params()).isEmpty();
        assertThat(result.jvmArgs()).isEmpty();
        assertThat(result.vmName()).isEmpty();
    }

    @Test
    void rejectsAFileThatIsNotAnArrayOrLacksAScore() {
        assertThatThrownBy(() -> reader.read("{}")).hasMessageContaining("array");
        assertThatThrownBy(() -> reader.read("[{\"benchmark\":\"a.B.c\",\"mode\":\"avgt\",\"primaryMetric\":{}}]"))
                .hasMessageContaining("score");
    }
}
