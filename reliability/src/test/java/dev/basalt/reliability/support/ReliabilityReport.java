package dev.basalt.reliability.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * The figures of the reliability suite: each campaign appends one JSON line to
 * {@code target/reliability/report.jsonl} ({@link #FILE}), and {@link ReportTable} prints them as
 * one table when the run ends. A line holds the campaign's name, its seed, its scale and its
 * figures in the order given, for example
 * {@code {"test":"power-loss","seed":42,"scale":"CI","run":"20261126-233000","images":1000,"lost":0}}.
 *
 * <p>Campaigns run in one JVM, one after another (Surefire's default), but the appends are
 * synchronised anyway so that a campaign running threads may report from any of them.
 */
public final class ReliabilityReport {
    /** Where the lines go, relative to the module directory Surefire runs in. */
    public static final Path FILE = Path.of("target", "reliability", "report.jsonl");
    /** The build this JVM runs for (Surefire passes Maven's start time); lines of other builds are dropped. */
    static final String RUN = System.getProperty("basalt.reliability.run", "unknown");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ReliabilityReport() {
    }

    /** Starts a line for {@code test}; add figures in the order they should be shown, then {@link Line#write()}. */
    public static Line line(String test, long seed) {
        return new Line(test, seed);
    }

    /** One campaign's figures, written as one JSON line. */
    public static final class Line {
        private final Map<String, Object> fields = new LinkedHashMap<>();

        private Line(String test, long seed) {
            fields.put("test", test);
            fields.put("seed", seed);
            fields.put("scale", Scale.current().name());
            fields.put("run", RUN);
        }

        /** Adds a figure (a number, a boolean or a short text). */
        public Line figure(String name, Object value) {
            fields.put(name, value);
            return this;
        }

        /** Appends the line to {@link #FILE} and prints it. */
        public void write() {
            String json = JSON.writeValueAsString(fields);
            System.out.println("reliability " + json);
            synchronized (ReliabilityReport.class) {
                try {
                    Files.createDirectories(FILE.getParent());
                    Files.writeString(FILE, json + "\n", StandardCharsets.UTF_8,
                            StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot append to " + FILE.toAbsolutePath(), e);
                }
            }
        }
    }
}
