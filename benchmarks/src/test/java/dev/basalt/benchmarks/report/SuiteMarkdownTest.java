package dev.basalt.benchmarks.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SuiteMarkdownTest {
    private static final RunDescription RUN = new RunDescription(Fixtures.machine(), "2026-11-26", "benchmarks/run full");

    @Test
    void sharedJdkAndFlagsComeOnceAtTheTop() {
        String md = SuiteMarkdown.render(Fixtures.tables(Fixtures.PEER_SUITE), RUN, table -> "x.svg");

        assertThat(md.split("- JDK: ", -1)).hasSize(2);
        assertThat(md).doesNotContain("\nJDK: ");
    }

    @Test
    void differingJvmsAreNamedBesideEveryTable() {
        List<JmhResult> results = List.of(
                result("a.Peer.read", "basalt", List.of("-Xmx4g")),
                result("a.Peer.write", "basalt", List.of("-Xmx8g")));

        String md = SuiteMarkdown.render(TableGrouping.tables(results), RUN, table -> "x.svg");

        assertThat(md).doesNotContain("- JDK: ")
                .contains("### Peer.read, avgt, 1 thread\n\nJDK: VM 1; JVM flags: `-Xmx4g`\n")
                .contains("### Peer.write, avgt, 1 thread\n\nJDK: VM 1; JVM flags: `-Xmx8g`\n");
    }

    @Test
    void profilerTextResultsGetNoColumnAndCommandsWithBackticksStayCode() {
        JmhResult withText = new JmhResult("a.Peer.read", "avgt", 1, 1, List.of(), "VM", "1", Map.of("store", "basalt"),
                new Metric(5, 1, "ns/op"), Map.of(), Map.of("stack", new Metric(Double.NaN, Double.NaN, "---")));

        assertThat(TableGrouping.tables(List.of(withText)).get(0).auxCounterNames()).isEmpty();
        assertThat(SuiteMarkdown.code("run `x`")).isEqualTo("`` run `x` ``");
        assertThat(SuiteMarkdown.render(List.of(), RUN, table -> "x.svg")).contains("No results in this run.");
    }

    private static JmhResult result(String benchmark, String store, List<String> jvmArgs) {
        return new JmhResult(benchmark, "avgt", 1, 1, jvmArgs, "VM", "1", Map.of("store", store),
                new Metric(5, 1, "ns/op"), Map.of(), Map.of());
    }
}
