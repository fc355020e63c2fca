package dev.basalt.reliability.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReportTableTest {
    @Test
    void rendersOneRowPerCampaignWithItsFiguresInOrder() {
        String table = ReportTable.render(List.of(
                "{\"test\":\"power-loss\",\"seed\":42,\"scale\":\"CI\",\"run\":\"r1\",\"images\":1000,\"lost\":0}",
                "",
                "{\"test\":\"kill-9\",\"seed\":-7,\"scale\":\"CI\",\"cycles\":80}"));

        assertThat(table.lines().filter(line -> !line.isBlank()).toList()).containsExactly(
                "Reliability figures (" + ReliabilityReport.FILE + ")",
                "campaign    seed  figures",
                "power-loss    42  images=1000  lost=0",
                "kill-9        -7  cycles=80",
                "skipped: none");
    }

    @Test
    void aSkippedCampaignIsNamedWithItsReasonOnTheLastLine() {
        String table = ReportTable.render(List.of(
                "{\"test\":\"disk-full-injected\",\"seed\":1,\"runs\":40}",
                "{\"test\":\"disk-full-tmpfs\",\"seed\":2,\"skipped\":\"mounting a 6m tmpfs failed\"}"));

        assertThat(table.lines().reduce((first, second) -> second)).hasValue(
                "SKIPPED, not run here: disk-full-tmpfs (mounting a 6m tmpfs failed)");
    }
}
