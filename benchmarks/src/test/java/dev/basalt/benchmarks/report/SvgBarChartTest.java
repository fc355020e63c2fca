package dev.basalt.benchmarks.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class SvgBarChartTest {
    private final List<ResultTable> tables = Fixtures.tables(Fixtures.PEER_SUITE);

    @Test
    void everyChartIsWellFormedSvgWithOneBarPerRow() throws Exception {
        for (ResultTable table : tables) {
            Document svg = parse(SvgBarChart.render(table));

            assertThat(svg.getDocumentElement().getTagName()).isEqualTo("svg");
            assertThat(svg.getDocumentElement().getAttribute("xmlns")).isEqualTo("http://www.w3.org/2000/svg");
            assertThat(bars(svg).keySet()).containsExactlyElementsOf(
                    table.rows().stream().map(ResultTable.Row::label).toList());
        }
    }

    @Test
    void barLengthsAreOrderedLikeScoresOnALinearScale() throws Exception {
        ResultTable reads = Fixtures.table(tables, "PeerReadBenchmark.read, avgt, 1 thread, valueBytes=100");
        String text = SvgBarChart.render(reads);
        Map<String, Double> widths = widths(parse(text));

        // chm 800 < basalt 900 < lmdb 1500 < rocksdb 4000 (spread 5x: linear)
        assertThat(widths.get("chm")).isLessThan(widths.get("basalt"));
        assertThat(widths.get("basalt")).isLessThan(widths.get("lmdb"));
        assertThat(widths.get("lmdb")).isLessThan(widths.get("rocksdb"));
        assertThat(widths.get("lmdb") / widths.get("basalt")).isBetween(1500.0 / 900 - 0.01, 1500.0 / 900 + 0.01);
        assertThat(text).contains("linear scale", "ns/op, lower is better", "<title>PeerReadBenchmark.read");
    }

    @Test
    void barsKeepTheScoreOrderInThroughputAndAWideSpreadGoesOnALogScale() throws Exception {
        ResultTable puts = Fixtures.table(tables, "PeerPutBenchmark.put, thrpt, 2 threads, durability=none");
        String text = SvgBarChart.render(puts);
        Map<String, Double> widths = widths(parse(text));

        // rocksdb 150,000 < basalt 300,000 < chm 3,000,000 ops/s: a 20x spread stays linear
        assertThat(widths.get("rocksdb")).isLessThan(widths.get("basalt"));
        assertThat(widths.get("basalt")).isLessThan(widths.get("chm"));

        ResultTable mixed = Fixtures.table(tables, "PeerMixedBenchmark.mixed, sample, 2 threads, valueBytes=100, writePercent=10");
        assertThat(SvgBarChart.render(mixed)).contains("linear scale");
        ChartScale log = ChartScale.choose(List.of(new Metric(30, 1, "ns/op"), new Metric(5000, 100, "ns/op")), 420);
        assertThat(log.name()).isEqualTo("log scale");
        assertThat(log.position(30)).isGreaterThan(0).isLessThan(log.position(100));
        assertThat(log.position(5000)).isLessThanOrEqualTo(420);
        assertThat(log.ticks()).containsExactly(10.0, 100.0, 1000.0, 10000.0);
    }

    @Test
    void basaltIsHighlightedAndErrorBarsSpanScorePlusMinusError() throws Exception {
        ResultTable reads = Fixtures.table(tables, "PeerReadBenchmark.read, avgt, 1 thread, valueBytes=100");
        Document svg = parse(SvgBarChart.render(reads));
        Map<String, Element> bars = bars(svg);

        String basaltFill = bars.get("basalt").getAttribute("fill");
        assertThat(bars.values()).filteredOn(bar -> bar.getAttribute("fill").equals(basaltFill)).hasSize(1);
        NodeList errors = svg.getElementsByTagName("g");
        assertThat(errors.getLength()).isEqualTo(reads.rows().size());
        // basalt 900 ± 100: the error bar runs from 800 to 1000, centred on the bar's end
        Element basaltError = (Element) ((Element) errors.item(0)).getElementsByTagName("line").item(0);
        double barEnd = Double.parseDouble(bars.get("basalt").getAttribute("x"))
                + Double.parseDouble(bars.get("basalt").getAttribute("width"));
        double low = Double.parseDouble(basaltError.getAttribute("x1"));
        double high = Double.parseDouble(basaltError.getAttribute("x2"));
        assertThat((low + high) / 2).isBetween(barEnd - 0.2, barEnd + 0.2);
        assertThat(high - low).isGreaterThan(0);
    }

    @Test
    void labelsWithXmlCharactersAreEscaped() throws Exception {
        JmhResult odd = new JmhResult("a.B<&>.c", "avgt", 1, 1, List.of(), "", "", Map.of("store", "x\"<&>'"),
                new Metric(1, Double.NaN, "ns/op"), Map.of(), Map.of());

        Document svg = parse(SvgBarChart.render(TableGrouping.tables(List.of(odd)).get(0)));

        assertThat(bars(svg)).containsKey("x\"<&>'");
    }

    static Document parse(String svg) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(false);
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    }

    private static Map<String, Element> bars(Document svg) {
        Map<String, Element> bars = new LinkedHashMap<>();
        NodeList rects = svg.getElementsByTagName("rect");
        for (int i = 0; i < rects.getLength(); i++) {
            Element rect = (Element) rects.item(i);
            if (rect.getAttribute("class").equals("bar")) {
                bars.put(rect.getAttribute("data-label"), rect);
            }
        }
        return bars;
    }

    private static Map<String, Double> widths(Document svg) {
        Map<String, Double> widths = new LinkedHashMap<>();
        bars(svg).forEach((label, bar) -> widths.put(label, Double.parseDouble(bar.getAttribute("width"))));
        return widths;
    }
}
