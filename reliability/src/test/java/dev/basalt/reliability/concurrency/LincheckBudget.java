package dev.basalt.reliability.concurrency;

import dev.basalt.reliability.support.ReliabilityReport;
import dev.basalt.reliability.support.Scale;

/** How much Lincheck runs: scenarios (iterations) and runs of each, from the suite's scale. */
final class LincheckBudget {
    private LincheckBudget() {
    }

    static int iterations() {
        return Scale.count("basalt.lincheck.iterations", 20, 500);
    }

    static int invocationsPerIteration() {
        return Scale.count("basalt.lincheck.invocations", 1_000, 10_000);
    }

    /** Interleavings explored per scenario in model-checking mode, which costs far more per run. */
    static int modelCheckingInvocations() {
        return Scale.count("basalt.lincheck.mcInvocations", 200, 5_000);
    }

    /**
     * The report line of a Lincheck check that passed. Lincheck 2.39 draws its scenarios from its
     * own random source, which it does not let a caller seed, so the line's seed is 0 and a
     * failure is reproduced from the minimised scenario Lincheck prints instead.
     */
    static void report(String test, String mode, int scenarios, int runsPerScenario) {
        System.out.println(test + ": Lincheck picks its own scenarios (not seedable); a failure prints the scenario");
        ReliabilityReport.line(test, 0)
                .figure("mode", mode)
                .figure("scenarios", scenarios)
                .figure("runsPerScenario", runsPerScenario)
                .figure("failures", 0)
                .write();
    }
}
