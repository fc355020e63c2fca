package dev.basalt.benchmarks.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the file JMH writes with {@code -rf json} (the format of JMH 1.37's {@code JSONResultFormat}).
 *
 * <p>Format points that matter here: the file is an array of runs; {@code params} is absent when a
 * benchmark has no parameters and its values are always strings; a number JMH cannot compute is
 * written as a string ({@code "NaN"}, {@code "+INF"}, {@code "-INF"}), which is what
 * {@code scoreError} holds after a single iteration; the percentile keys are {@code "0.0"},
 * {@code "50.0"}, {@code "90.0"}, ... {@code "99.9"} ... {@code "100.0"}; {@code sample} mode has
 * {@code rawDataHistogram} instead of {@code rawData} (neither is read); JMH before 1.37 prefixed
 * profiler metrics with {@code "·"} ({@code "·gc.alloc.rate.norm"}), which is stripped. The JVM fields
 * ({@code jvmArgs}, {@code vmName}, {@code vmVersion}) are only in newer files and read as empty
 * when absent.
 *
 * <p>Stateless; safe to share.
 */
public final class JmhJsonReader {
    /** The prefix JMH versions before 1.37 put on profiler results. */
    private static final String OLD_PROFILER_PREFIX = "\u00b7";

    private final ObjectMapper mapper = JsonMapper.builder().build();

    /** Reads every result of a JMH JSON file, in file order. */
    public List<JmhResult> read(Path jsonFile) {
        try {
            return read(Files.readString(jsonFile));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read JMH results " + jsonFile, e);
        }
    }

    /** Reads every result of JMH JSON text, in order. */
    public List<JmhResult> read(String json) {
        JsonNode root = mapper.readTree(json);
        if (!root.isArray()) {
            throw new IllegalArgumentException("a JMH JSON result file is an array; found " + root.getNodeType());
        }
        List<JmhResult> results = new ArrayList<>();
        for (JsonNode run : root.values()) {
            results.add(result(run));
        }
        return results;
    }

    private static JmhResult result(JsonNode run) {
        JsonNode primary = required(run, "primaryMetric");
        return new JmhResult(
                required(run, "benchmark").asString(),
                required(run, "mode").asString(),
                run.path("threads").asInt(1),
                run.path("forks").asInt(0),
                strings(run.path("jvmArgs")),
                run.path("vmName").asString(""),
                run.path("vmVersion").asString(""),
                params(run.path("params")),
                metric(primary),
                percentiles(primary.path("scorePercentiles")),
                secondaries(run.path("secondaryMetrics")));
    }

    private static JsonNode required(JsonNode node, String name) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            throw new IllegalArgumentException("JMH result without \"" + name + "\": " + abbreviated(node));
        }
        return value;
    }

    private static String abbreviated(JsonNode node) {
        String text = node.toString();
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        for (JsonNode value : array.values()) {
            values.add(value.asString());
        }
        return List.copyOf(values);
    }

    private static Map<String, String> params(JsonNode object) {
        Map<String, String> params = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> param : object.properties()) {
            params.put(param.getKey(), param.getValue().asString());
        }
        return params;
    }

    private static Metric metric(JsonNode metric) {
        return new Metric(
                number(required(metric, "score")),
                number(metric.path("scoreError")),
                metric.path("scoreUnit").asString(""));
    }

    private static Map<String, Double> percentiles(JsonNode object) {
        Map<String, Double> percentiles = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> percentile : object.properties()) {
            percentiles.put(percentile.getKey(), number(percentile.getValue()));
        }
        return percentiles;
    }

    private static Map<String, Metric> secondaries(JsonNode object) {
        Map<String, Metric> secondaries = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> secondary : object.properties()) {
            String name = secondary.getKey();
            if (name.startsWith(OLD_PROFILER_PREFIX)) {
                name = name.substring(OLD_PROFILER_PREFIX.length());
            }
            secondaries.put(name, metric(secondary.getValue()));
        }
        return secondaries;
    }

    /** A JSON number, or one of the strings JMH writes for numbers it cannot express. */
    static double number(JsonNode node) {
        if (node.isNumber()) {
            return node.doubleValue();
        }
        if (node.isMissingNode() || node.isNull()) {
            return Double.NaN;
        }
        String text = node.asString().trim();
        switch (text) {
            case "NaN":
                return Double.NaN;
            case "+INF":
            case "INF":
                return Double.POSITIVE_INFINITY;
            case "-INF":
                return Double.NEGATIVE_INFINITY;
            default:
                try {
                    return Double.parseDouble(text);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("not a JMH number: \"" + text + "\"", e);
                }
        }
    }
}
