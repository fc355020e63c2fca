package dev.basalt.benchmarks.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MarkedSectionTest {
    private static final String PROSE = "# Benchmarks\n\nHand-written prose.\n\n## Results\n\nA table by hand.\n";

    @Test
    void appendsHeadingAndMarkersWhenAbsentAndKeepsTheProse() {
        String document = MarkedSection.replace(PROSE, "quick", "first body\n");

        assertThat(document).startsWith(PROSE.stripTrailing() + "\n\n## Peer comparison (quick suite)\n\n"
                + "<!-- peer-report:quick:begin -->\n\nfirst body\n\n<!-- peer-report:quick:end -->\n");
    }

    @Test
    void replacesOnlyBetweenTheMarkersAndIsIdempotent() {
        String once = MarkedSection.replace(PROSE, "quick", "first body");
        String withProseAround = once.replace("## Peer comparison (quick suite)\n",
                "## Peer comparison (quick suite)\n\nWhat the lead wrote about the quick suite.\n") + "\nClosing note.\n";

        String replaced = MarkedSection.replace(withProseAround, "quick", "second body");

        assertThat(replaced).contains("second body").doesNotContain("first body")
                .contains("What the lead wrote about the quick suite.").endsWith("\nClosing note.\n")
                .startsWith(PROSE.stripTrailing());
        assertThat(MarkedSection.replace(replaced, "quick", "second body")).isEqualTo(replaced);
    }

    @Test
    void quickAndFullSectionsLiveSideBySide() {
        String both = MarkedSection.replace(MarkedSection.replace(PROSE, "quick", "quick body"), "full", "full body");

        String quickAgain = MarkedSection.replace(both, "quick", "new quick body");

        assertThat(quickAgain).contains("new quick body", "full body", "## Peer comparison (quick suite)",
                "## Peer comparison (full suite)").doesNotContain("\nquick body");
        assertThat(quickAgain.indexOf("<!-- peer-report:quick:end -->"))
                .isLessThan(quickAgain.indexOf("<!-- peer-report:full:begin -->"));
        assertThat(MarkedSection.replace(quickAgain, "full", "full body")).isEqualTo(quickAgain);
    }

    @Test
    void refusesBrokenMarkersInsteadOfGuessing() {
        String onlyBegin = PROSE + "<!-- peer-report:quick:begin -->\n";
        String reversed = PROSE + "<!-- peer-report:quick:end -->\n<!-- peer-report:quick:begin -->\n";

        assertThatThrownBy(() -> MarkedSection.replace(onlyBegin, "quick", "x")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> MarkedSection.replace(reversed, "quick", "x")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void anEmptyDocumentGetsJustTheSection() {
        assertThat(MarkedSection.replace("", "full", "body")).startsWith("## Peer comparison (full suite)\n");
    }
}
