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
     * Runs a Lincheck check and writes its report line, passed or not: {@code failures} is 1
     * when the check threw (its minimised scenario is in the exception, which is rethrown) and
     * 0 when it returned, counted rather than written as a constant after the check. Lincheck
     * 2.39 draws its scenarios from its own random source, which it does not let a caller seed,
     * so the line's seed is 0 and a failure is reproduced from the scenario Lincheck prints.
     */
    static void checkAndReport(String test, String mode, int scenarios, int runsPerScenario, Runnable check) {
        System.out.println(test + ": Lincheck picks its own scenarios (not seedable); a failure prints the scenario");
        int failures = 0;
        try {
            check.run();
        } catch (Throwable failed) {
            failures++;
            throw failed;
        } finally {
            ReliabilityReport.line(test, 0)
                    .figure("mode", mode)
                    .figure("scenarios", scenarios)
                    .figure("runsPerScenario", runsPerScenario)
                    .figure("failures", failures)
                    .write();
        }
    }
}
