package dev.basalt.benchmarks.report;

import java.util.List;
import java.util.Locale;

/**
 * A line chart in SVG of a few series over the same x axis (seconds of a run): one polyline per
 * series, Basalt in the orange of {@link SvgBarChart} and peers in a fixed palette, a legend under
 * the title, and a linear y axis from zero with round ticks ({@link Numbers#tick}).
 *
 * <p>Hand-written SVG 1.1 like the bar chart: valid XML, no script, renders on GitHub. Stateless.
 */
public final class SvgLineChart {
    private static final int LEFT = 84;
    private static final int RIGHT = 24;
    private static final int TOP = 84;
    private static final int PLOT_WIDTH = 640;
    private static final int PLOT_HEIGHT = 300;
    private static final int BOTTOM = 48;
    private static final String INK = "#212529";
    private static final String GRID = "#dee2e6";
    private static final String BASALT = "#e8590c";
    private static final String[] PEERS = {"#1c7ed6", "#2f9e44", "#7048e8", "#868e96", "#c2255c"};

    /** One line: a label and a y value per x = 1, 2, 3 ... */
    public record Series(String label, double[] values) {
    }

    private SvgLineChart() {
    }

    /** The SVG document; {@code xLabel} and {@code yLabel} name the axes with their units. */
    public static String render(String title, String xLabel, String yLabel, List<Series> series) {
        int points = 1;
        double max = 0;
        for (Series s : series) {
            points = Math.max(points, s.values().length);
            for (double v : s.values()) {
                max = Math.max(max, v);
            }
        }
        double step = niceStep(max <= 0 ? 1 : max / 5);
        double top = Math.max(step, Math.ceil(max / step) * step);
        // Wide enough for the title at the bar chart's generous 9.2 pixels per bold character.
        int width = Math.max(LEFT + PLOT_WIDTH + RIGHT, 24 + (int) Math.ceil(title.length() * 9.2));
        int height = TOP + PLOT_HEIGHT + BOTTOM;
        StringBuilder svg = new StringBuilder();
        svg.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        svg.append(format("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\""
                + " font-family=\"Helvetica, Arial, sans-serif\" font-size=\"13\">\n", width, height, width, height));
        svg.append(format("<title>%s</title>\n", SvgBarChart.escape(title)));
        svg.append(format("<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n", width, height));
        svg.append(format("<text x=\"12\" y=\"24\" font-size=\"15\" font-weight=\"bold\" fill=\"%s\">%s</text>\n",
                INK, SvgBarChart.escape(title)));
        int legendX = LEFT;
        for (int i = 0; i < series.size(); i++) {
            String colour = colour(series, i);
            svg.append(format("<line x1=\"%d\" y1=\"48\" x2=\"%d\" y2=\"48\" stroke=\"%s\" stroke-width=\"3\"/>\n",
                    legendX, legendX + 20, colour));
            svg.append(format("<text x=\"%d\" y=\"52\" fill=\"%s\">%s</text>\n", legendX + 26, INK,
                    SvgBarChart.escape(series.get(i).label())));
            legendX += 40 + (int) Math.ceil(series.get(i).label().length() * 7.8);
        }
        int axisY = TOP + PLOT_HEIGHT;
        for (double tick = 0; tick <= top + step / 2; tick += step) {
            double y = axisY - tick / top * PLOT_HEIGHT;
            svg.append(format("<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\"/>\n",
                    LEFT, y, LEFT + PLOT_WIDTH, y, GRID));
            svg.append(format("<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" fill=\"#495057\" font-size=\"11\">%s</text>\n",
                    LEFT - 6, y + 4, SvgBarChart.escape(Numbers.tick(tick))));
        }
        double xStep = niceStep(Math.max(1, points / 6.0));
        for (double x = 0; x <= points; x += xStep) {
            double px = LEFT + x / points * PLOT_WIDTH;
            svg.append(format("<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#495057\" font-size=\"11\">%s</text>\n",
                    px, axisY + 16, SvgBarChart.escape(Numbers.tick(x))));
        }
        svg.append(format("<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\"/>\n",
                LEFT, axisY, LEFT + PLOT_WIDTH, axisY, INK));
        svg.append(format("<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\"/>\n", LEFT, TOP, LEFT, axisY, INK));
        svg.append(format("<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"#495057\">%s</text>\n",
                LEFT + PLOT_WIDTH / 2, axisY + 38, SvgBarChart.escape(xLabel)));
        svg.append(format("<text x=\"16\" y=\"%d\" text-anchor=\"middle\" fill=\"#495057\" transform=\"rotate(-90 16 %d)\">%s</text>\n",
                TOP + PLOT_HEIGHT / 2, TOP + PLOT_HEIGHT / 2, SvgBarChart.escape(yLabel)));
        for (int i = 0; i < series.size(); i++) {
            double[] values = series.get(i).values();
            StringBuilder pointsText = new StringBuilder();
            for (int p = 0; p < values.length; p++) {
                // Window p covers second p..p+1; drawn at its end, so the first point sits at x = 1.
                double px = LEFT + (p + 1.0) / points * PLOT_WIDTH;
                double py = axisY - values[p] / top * PLOT_HEIGHT;
                pointsText.append(format("%.1f,%.1f ", px, py));
            }
            svg.append(format("<polyline class=\"series\" data-label=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\""
                    + " points=\"%s\"/>\n", SvgBarChart.escape(series.get(i).label()), colour(series, i),
                    pointsText.toString().trim()));
        }
        svg.append("</svg>\n");
        return svg.toString();
    }

    private static String colour(List<Series> series, int index) {
        if (series.get(index).label().startsWith("basalt")) {
            return BASALT;
        }
        return PEERS[index % PEERS.length];
    }

    /** 1, 2 or 5 times a power of ten, at least {@code rough}. */
    private static double niceStep(double rough) {
        double power = Math.pow(10, Math.floor(Math.log10(rough)));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * power >= rough) {
                return m * power;
            }
        }
        return 10 * power;
    }

    private static String format(String pattern, Object... args) {
        return String.format(Locale.ROOT, pattern, args);
    }
}
