package dev.basalt.tools;

import java.io.OutputStream;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.StreamWriteFeature;
import tools.jackson.core.util.MinimalPrettyPrinter;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The CLI's one JSON mapper, and generators that print one array element per line. */
final class Json {
    /**
     * The mapper. Generators do not close open arrays and objects when closed after a failure
     * (Jackson's default): a command that fails midway leaves a document that does not parse,
     * never one that looks complete.
     */
    static final JsonMapper MAPPER = JsonMapper.builder().disable(StreamWriteFeature.AUTO_CLOSE_CONTENT).build();

    private Json() {
    }

    /**
     * A generator for a top-level array written one element per line, compact inside each:
     * easy to read, to grep and to diff, and still a single JSON document. The caller closes
     * it (which does not close {@code out}).
     */
    static JsonGenerator linePerElement(OutputStream out) {
        return MAPPER.writer().with(new LinePerElement()).createGenerator(new NonClosing(out));
    }

    /** A compact generator; closing it does not close {@code out}. */
    static JsonGenerator compact(OutputStream out) {
        return MAPPER.writer().createGenerator(new NonClosing(out));
    }

    /** Parses {@code text} as JSON, or fails as a usage error naming the option. */
    static JsonNode parseOption(String option, String text) {
        try {
            return MAPPER.readTree(text);
        } catch (tools.jackson.core.JacksonException e) {
            throw new UsageException(option + " is not valid JSON: " + e.getOriginalMessage());
        }
    }

    /** Newlines between the elements of the outermost array only; one instance per generator. */
    private static final class LinePerElement extends MinimalPrettyPrinter {
        private static final long serialVersionUID = 1L;
        private int depth;

        @Override
        public void writeStartObject(JsonGenerator g) {
            depth++;
            super.writeStartObject(g);
        }

        @Override
        public void writeEndObject(JsonGenerator g, int entries) {
            depth--;
            super.writeEndObject(g, entries);
        }

        @Override
        public void writeStartArray(JsonGenerator g) {
            depth++;
            super.writeStartArray(g);
        }

        @Override
        public void beforeArrayValues(JsonGenerator g) {
            if (depth == 1) {
                g.writeRaw("\n  ");
            }
        }

        @Override
        public void writeArrayValueSeparator(JsonGenerator g) {
            g.writeRaw(depth == 1 ? ",\n  " : ",");
        }

        @Override
        public void writeEndArray(JsonGenerator g, int values) {
            if (depth == 1 && values > 0) {
                g.writeRaw("\n");
            }
            depth--;
            super.writeEndArray(g, values);
        }
    }

    /** Lets a generator close without closing standard output under it. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws java.io.IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws java.io.IOException {
            flush();
        }
    }
}
