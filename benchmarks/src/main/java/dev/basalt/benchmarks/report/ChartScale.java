package dev.basalt.benchmarks.report;

import java.util.ArrayList;
import java.util.List;

/**
 * Maps scores to bar lengths in pixels for {@link SvgBarChart}: linear from zero, or logarithmic over
 * whole decades when the scores spread too far for a linear axis.
 *
 * <p>Why {@value #LOG_SPREAD}: on a 420-pixel axis a linear bar 30 times shorter than the longest is 14
 * pixels, still readable beside its value; beyond that (say an in-memory map at 30 ns/op beside a store
 * at 5 µs/op) the short bars shrink to a sliver and a log axis shows the ratios better.
 */
abstract class ChartScale {
    /** The largest ratio of the largest to the smallest score still drawn on a linear axis. */
    static final double LOG_SPREAD = 30;

    /** Ticks aimed at on a linear axis. */
    private static final int LINEAR_TICKS = 5;

    final double lengthPixels;

    private ChartScale(double lengthPixels) {
        this.lengthPixels = lengthPixels;
    }

    /** The pixel offset of a value from the axis start, clamped to the axis. */
    abstract double position(double value);

    /** Values at which the axis gets a grid line and a label. */
    abstract List<Double> ticks();

    /** The scale's name for the chart's subtitle. */
    abstract String name();

    /** A log axis when every score is positive and they spread by {@value #LOG_SPREAD}x or more, else a linear one. */
    static ChartScale choose(List<Metric> metrics, double lengthPixels) {
        double min = Double.POSITIVE_INFINITY;
        double maxScore = 0;
        double maxEnd = 0;
        for (Metric metric : metrics) {
            double score = metric.score();
            if (!Double.isFinite(score)) {
                continue;
            }
            min = Math.min(min, score);
            maxScore = Math.max(maxScore, score);
            maxEnd = Math.max(maxEnd, score + (metric.hasError() ? metric.error() : 0));
        }
        if (min > 0 && Double.isFinite(min) && maxScore / min >= LOG_SPREAD) {
            return new Log(min, maxEnd, lengthPixels);
        }
        return new Linear(maxEnd, lengthPixels);
    }

    final double clamp(double pixels) {
        return Math.max(0, Math.min(lengthPixels, pixels));
    }

    /** From zero to a round number above the longest bar or error bar. */
    static final class Linear extends ChartScale {
        private final double step;
        private final double max;

        Linear(double maxValue, double lengthPixels) {
            super(lengthPixels);
            double top = maxValue > 0 && Double.isFinite(maxValue) ? maxValue : 1;
            this.step = roundStep(top / LINEAR_TICKS);
            this.max = Math.ceil(top / step) * step;
        }

        /** The smallest of 1, 2 or 5 times a power of ten that is at least {@code rough}. */
        private static double roundStep(double rough) {
            double power = Math.pow(10, Math.floor(Math.log10(rough)));
            for (double multiple : new double[] {1, 2, 5}) {
                if (multiple * power >= rough) {
                    return multiple * power;
                }
            }
            return 10 * power;
        }

        @Override
        double position(double value) {
            return clamp(value / max * lengthPixels);
        }

        @Override
        List<Double> ticks() {
            List<Double> ticks = new ArrayList<>();
            for (int i = 0; i * step <= max * (1 + 1e-9); i++) {
                ticks.add(i * step);
            }
            return ticks;
        }

        @Override
        String name() {
            return "linear scale";
        }
    }

    /** Whole decades from below the smallest score to above the largest error bar. */
    static final class Log extends ChartScale {
        private final double lowDecade;
        private final double highDecade;

        Log(double minScore, double maxValue, double lengthPixels) {
            super(lengthPixels);
            double low = Math.floor(Math.log10(minScore));
            if (Math.pow(10, low) >= minScore) {
                low -= 1; // a score right on the axis start would get no bar at all
            }
            double high = Math.ceil(Math.log10(maxValue));
            this.lowDecade = low;
            this.highDecade = Math.max(high, low + 1);
        }

        @Override
        double position(double value) {
            if (!(value > 0)) {
                return 0;
            }
            return clamp((Math.log10(value) - lowDecade) / (highDecade - lowDecade) * lengthPixels);
        }

        @Override
        List<Double> ticks() {
            List<Double> ticks = new ArrayList<>();
            for (double decade = lowDecade; decade <= highDecade; decade++) {
                ticks.add(Math.pow(10, decade));
            }
            return ticks;
        }

        @Override
        String name() {
            return "log scale";
        }
    }
}
