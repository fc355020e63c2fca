package dev.basalt.reliability.concurrency;

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
}
