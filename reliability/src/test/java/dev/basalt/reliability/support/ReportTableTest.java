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
                "kill-9        -7  cycles=80");
    }
}
