package dev.basalt.benchmarks.report;

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

    /** A ratio with two decimals. */
    static String ratio(double value) {
        return Double.isFinite(value) ? String.format(Locale.ROOT, "%.2f", value) : NONE;
    }
}
