package dev.basalt.benchmarks.report;

/**
 * Which way a JMH score points, so that a ratio always reads "how many times faster".
 *
 * <p>A ratio column compares a row with a reference store (Basalt, or {@code ConcurrentHashMap}).
 * With time per operation ({@code avgt}, {@code sample}, {@code ss}) that is the row's time divided by
 * the reference's time; with throughput ({@code thrpt}) it is the reference's throughput divided by the
 * row's. Either way a ratio above 1 means the reference is faster than the row, so the ratios of
 * different modes read the same.
 */
public enum ScoreDirection {
    /** Time per operation: lower is better. */
    LOWER_IS_BETTER,
    /** Operations per unit of time: higher is better. */
    HIGHER_IS_BETTER;

    /** The direction of a JMH mode label ({@code thrpt}, {@code avgt}, {@code sample}, {@code ss}). */
    public static ScoreDirection ofMode(String jmhMode) {
        switch (jmhMode) {
            case "thrpt":
                return HIGHER_IS_BETTER;
            case "avgt":
            case "sample":
            case "ss":
                return LOWER_IS_BETTER;
            default:
                throw new IllegalArgumentException("unknown JMH mode \"" + jmhMode + "\"");
        }
    }

    /**
     * How many times faster the reference is than the row: above 1 the reference is faster, below 1
     * the row is. NaN when either score is not a positive number.
     */
    public double timesFaster(double referenceScore, double rowScore) {
        if (!(referenceScore > 0) || !(rowScore > 0) || Double.isInfinite(referenceScore) || Double.isInfinite(rowScore)) {
            return Double.NaN;
        }
        return this == LOWER_IS_BETTER ? rowScore / referenceScore : referenceScore / rowScore;
    }

    /** The sentence a table header gives for a ratio column against {@code reference}. */
    public String ratioMeaning(String reference) {
        return this == LOWER_IS_BETTER
                ? "peer time ÷ " + reference + " time: above 1 means " + reference + " is faster"
                : reference + " throughput ÷ peer throughput: above 1 means " + reference + " is faster";
    }

    /** Words for a chart's subtitle. */
    String betterWords() {
        return this == LOWER_IS_BETTER ? "lower is better" : "higher is better";
    }
}
