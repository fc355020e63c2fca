package dev.basalt.tools;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * The streams a command uses, injected so tests run every command in-process: {@code in} for
 * values and bulk files read from "-", {@code out} for raw value bytes (a {@code get} must not
 * pass binary values through a character encoder), {@code text} for everything else on
 * standard output, and {@code err} for messages and progress. A command writes to either
 * {@code out} or {@code text}, never both. {@code terminal} says whether a person is at a
 * terminal ({@code System.console() != null} in {@code main}; tests choose): it decides between
 * progress bars and plain progress lines, and whether a command may ask for confirmation on
 * {@code in}.
 */
final class Io {
    final InputStream in;
    final OutputStream out;
    final PrintWriter text;
    final PrintWriter err;
    final boolean terminal;

    private Io(InputStream in, OutputStream out, PrintWriter text, PrintWriter err, boolean terminal) {
        this.in = in;
        this.out = out;
        this.text = text;
        this.err = err;
        this.terminal = terminal;
    }

    /** Byte streams, as {@code main} has them; {@code terminal} when a person is at a terminal. */
    static Io of(InputStream in, OutputStream out, OutputStream err, boolean terminal) {
        return new Io(in, out, new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true),
                new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true), terminal);
    }

    /** Character streams only (the older test entry point): raw bytes are decoded as UTF-8 into {@code text}. */
    static Io of(PrintWriter text, PrintWriter err) {
        return new Io(InputStream.nullInputStream(), new Utf8ToWriter(text), text, err, false);
    }

    void flush() {
        text.flush();
        err.flush();
        try {
            out.flush();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Collects bytes and hands them to a writer as UTF-8 text on flush. */
    private static final class Utf8ToWriter extends ByteArrayOutputStream {
        private final PrintWriter writer;

        Utf8ToWriter(PrintWriter writer) {
            this.writer = writer;
        }

        @Override
        public synchronized void flush() {
            writer.write(toString(StandardCharsets.UTF_8));
            writer.flush();
            reset();
        }
    }
}
