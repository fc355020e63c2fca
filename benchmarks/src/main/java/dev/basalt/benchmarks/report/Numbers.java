package dev.basalt.benchmarks.report;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Locale;

/** Number formatting shared by the tables and the charts: about four significant digits, "—" for no value. */
final class Numbers {
    /** Shown where there is no value: no error after one iteration, no reference row for a ratio. */
    static final String NONE = "—";

    private Numbers() {
    }

    /** A score: grouped integers from 1,000, then fewer decimals the larger the value. */
    static String score(double value) {
        if (Double.isNaN(value)) {
            return NONE;
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "∞" : "-∞";
        }
        double magnitude = Math.abs(value);
        if (magnitude == 0) {
            return "0";
        }
        if (magnitude >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", value);
        }
        if (magnitude >= 100) {
            return String.format(Locale.ROOT, "%.1f", value);
        }
        if (magnitude >= 1) {
            return String.format(Locale.ROOT, "%.2f", value);
        }
        if (magnitude >= 0.001) {
            return String.format(Locale.ROOT, "%.3f", value);
        }
        return String.format(Locale.ROOT, "%.2e", value);
    }

    /**
     * An axis tick: round values without trailing zeros ({@code 10}, {@code 0.5}, {@code 2,000}),
     * after rounding away the binary noise of {@code 3 * 0.1}.
     */
    static String tick(double value) {
        if (!Double.isFinite(value)) {
            return score(value);
        }
        BigDecimal rounded = new BigDecimal(value).round(new MathContext(10)).stripTrailingZeros();
        if (rounded.scale() <= 0) {
            return String.format(Locale.ROOT, "%,d", rounded.toBigInteger());
        }
        return rounded.toPlainString();
    }

    /** A ratio with two decimals. */
    static String ratio(double value) {
        return Double.isFinite(value) ? String.format(Locale.ROOT, "%.2f", value) : NONE;
    }
}
