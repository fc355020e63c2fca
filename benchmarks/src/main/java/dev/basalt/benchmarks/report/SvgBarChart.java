package dev.basalt.benchmarks.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Draws one {@link ResultTable} as a horizontal bar chart in SVG: one bar per row with its
 * error bar (score ± error), Basalt in orange and the other rows in blue-grey, the unit, the direction
 * and the scale (linear or log, see {@link ChartScale}) in the subtitle, and each score written in a
 * column to the right.
 *
 * <p>Hand-written SVG 1.1 text with no script or external reference, so that it is valid XML and
 * renders as an image in a browser or on GitHub.
 */
final class SvgBarChart {
    /** Left margin, and the gaps between label column, plot and value column, in pixels. */
    private static final int MARGIN = 12;
    private static final int PLOT_WIDTH = 420;
    /**
     * A generous average advance of a 13-pixel sans-serif character (digits are about 7.2 pixels in
     * Helvetica and Arial), so that computed column widths hold their text without measuring fonts.
     */
    private static final double CHARACTER_WIDTH = 7.8;
    private static final double TITLE_CHARACTER_WIDTH = 9.2;
    private static final int TOP = 64;
    private static final int ROW_HEIGHT = 28;
    private static final int BAR_HEIGHT = 16;
    private static final int AXIS_HEIGHT = 40;
    private static final int ERROR_CAP_HALF_HEIGHT = 5;

    private static final String BASALT_FILL = "#e8590c";
    private static final String PEER_FILL = "#748ca8";
    private static final String INK = "#212529";
    private static final String GRID = "#dee2e6";

    private SvgBarChart() {
    }

    /** The SVG document of a table's chart. */
    static String render(ResultTable table) {
        List<Metric> scores = new ArrayList<>();
        for (ResultTable.Row row : table.rows()) {
            scores.add(row.result().primary());
        }
        ChartScale scale = ChartScale.choose(scores, PLOT_WIDTH);
        int plotHeight = table.rows().size() * ROW_HEIGHT;
        int height = TOP + plotHeight + AXIS_HEIGHT;
        String subtitle = subtitle(table, scale);
        Layout layout = Layout.of(table, subtitle);
        int width = layout.width;

        StringBuilder svg = new StringBuilder();
        svg.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        svg.append(format("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\""
                + " font-family=\"Helvetica, Arial, sans-serif\" font-size=\"13\">\n", width, height, width, height));
        svg.append(format("<title>%s</title>\n", escape(table.title())));
        svg.append(format("<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n", width, height));
        svg.append(format("<text x=\"12\" y=\"24\" font-size=\"15\" font-weight=\"bold\" fill=\"%s\">%s</text>\n",
                INK, escape(table.title())));
        svg.append(format("<text x=\"12\" y=\"44\" fill=\"#495057\">%s</text>\n", escape(subtitle)));
        appendGrid(svg, layout, scale, plotHeight);
        int index = 0;
        for (ResultTable.Row row : table.rows()) {
            appendRow(svg, layout, table, row, scale, TOP + index * ROW_HEIGHT);
            index++;
        }
        svg.append("</svg>\n");
        return svg.toString();
    }

    private static String subtitle(ResultTable table, ChartScale scale) {
        return table.unit() + ", " + table.direction().betterWords() + "; " + scale.name()
                + "; error bars: 99.9 % confidence interval; Basalt in orange";
    }

    private static void appendGrid(StringBuilder svg, Layout layout, ChartScale scale, int plotHeight) {
        int plotX = layout.plotX;
        int axisY = TOP + plotHeight;
        for (double tick : scale.ticks()) {
            double x = plotX + scale.position(tick);
            svg.append(format("<line class=\"grid\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\"/>\n",
                    x, TOP - 4, x, axisY, GRID));
            svg.append(format("<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#495057\" font-size=\"11\">%s</text>\n",
                    x, axisY + 16, escape(Numbers.tick(tick))));
        }
        svg.append(format("<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\"/>\n",
                plotX, axisY, plotX + PLOT_WIDTH, axisY, INK));
        svg.append(format("<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\"/>\n",
                plotX, TOP - 4, plotX, axisY, INK));
    }

    private static void appendRow(
            StringBuilder svg, Layout layout, ResultTable table, ResultTable.Row row, ChartScale scale, int rowTop) {
        int plotX = layout.plotX;
        Metric score = row.result().primary();
        boolean basalt = table.basaltRow().map(row::equals).orElse(false);
        double barY = rowTop + (ROW_HEIGHT - BAR_HEIGHT) / 2.0;
        double centreY = rowTop + ROW_HEIGHT / 2.0;
        svg.append(format("<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" fill=\"%s\"%s>%s</text>\n",
                layout.labelRightX, centreY + 4.5, INK, basalt ? " font-weight=\"bold\"" : "", escape(row.label())));
        svg.append(format("<rect class=\"bar\" data-label=\"%s\" x=\"%d\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>\n",
                escape(row.label()), plotX, barY, scale.position(score.score()), BAR_HEIGHT, basalt ? BASALT_FILL : PEER_FILL));
        if (score.hasError() && score.error() > 0) {
            double low = plotX + scale.position(score.score() - score.error());
            double high = plotX + scale.position(score.score() + score.error());
            svg.append(format("<g class=\"error\" stroke=\"%s\" stroke-width=\"1.5\">"
                            + "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>"
                            + "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>"
                            + "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/></g>\n",
                    INK,
                    low, centreY, high, centreY,
                    low, centreY - ERROR_CAP_HALF_HEIGHT, low, centreY + ERROR_CAP_HALF_HEIGHT,
                    high, centreY - ERROR_CAP_HALF_HEIGHT, high, centreY + ERROR_CAP_HALF_HEIGHT));
        }
        String value = valueText(score);
        svg.append(format("<text x=\"%d\" y=\"%.1f\" fill=\"%s\">%s</text>\n", layout.valueX, centreY + 4.5, INK, escape(value)));
    }

    private static String valueText(Metric score) {
        return Numbers.score(score.score()) + (score.hasError() ? " ± " + Numbers.score(score.error()) : "") + " " + score.unit();
    }

    /** Column positions sized to the longest label and value, so that no text is cut off. */
    private static final class Layout {
        final int labelRightX;
        final int plotX;
        final int valueX;
        final int width;

        private Layout(int labelRightX, int plotX, int valueX, int width) {
            this.labelRightX = labelRightX;
            this.plotX = plotX;
            this.valueX = valueX;
            this.width = width;
        }

        static Layout of(ResultTable table, String subtitle) {
            int longestLabel = 0;
            int longestValue = 0;
            for (ResultTable.Row row : table.rows()) {
                longestLabel = Math.max(longestLabel, row.label().length());
                longestValue = Math.max(longestValue, valueText(row.result().primary()).length());
            }
            int labelRightX = MARGIN + (int) Math.ceil(longestLabel * CHARACTER_WIDTH);
            int plotX = labelRightX + MARGIN;
            int valueX = plotX + PLOT_WIDTH + MARGIN + 2;
            int contentWidth = valueX + (int) Math.ceil(longestValue * CHARACTER_WIDTH) + MARGIN;
            int titleWidth = 2 * MARGIN + (int) Math.ceil(table.title().length() * TITLE_CHARACTER_WIDTH);
            int subtitleWidth = 2 * MARGIN + (int) Math.ceil(subtitle.length() * CHARACTER_WIDTH);
            return new Layout(labelRightX, plotX, valueX, Math.max(contentWidth, Math.max(titleWidth, subtitleWidth)));
        }
    }

    private static String format(String pattern, Object... args) {
        return String.format(Locale.ROOT, pattern, args);
    }

    /** Text safe inside an XML element or a double-quoted attribute. */
    static String escape(String text) {
        StringBuilder escaped = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> escaped.append("&amp;");
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '"' -> escaped.append("&quot;");
                case '\'' -> escaped.append("&apos;");
                default -> escaped.append(c);
            }
        }
        return escaped.toString();
    }
}
