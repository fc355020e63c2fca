package dev.basalt.testing;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * What the crash and kill children (CrashChild, CompactionKillChild, the reliability suite's
 * KillChild) share: the line protocol they write and the values their puts store, so a parent
 * can rebuild from an id exactly what a put wrote.
 */
public final class ChildOutput {
    /**
     * Unbuffered standard output: a line written here is in the pipe before the next operation
     * starts, so a SIGKILL cannot lose the record of an acknowledged write.
     */
    private static final FileOutputStream STDOUT = new FileOutputStream(FileDescriptor.out);

    /** Frames of each stack an ERROR line shows. */
    private static final int STACK_FRAMES = 12;

    private ChildOutput() {
    }

    /** Writes one whole line to standard output; lines of concurrent threads never interleave. */
    public static void emit(String line) {
        byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
        synchronized (STDOUT) {
            try {
                STDOUT.write(bytes);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /**
     * An exception, its cause and where each was thrown (the first frames of their stacks) on
     * one line, for an ERROR line of the protocol: a child's failure is often seen once, in CI,
     * so the line has to say where it came from.
     */
    public static String oneLine(Throwable e) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            text.append(t == e ? "" : " caused by ").append(t);
            StackTraceElement[] frames = t.getStackTrace();
            for (int i = 0; i < Math.min(frames.length, STACK_FRAMES); i++) {
                text.append(i == 0 ? " at " : " < ").append(frames[i]);
            }
        }
        return text.toString().replace('\n', ' ');
    }

    /** The value a put with this id and filler length stores: the id, a colon, a filler derived from the id. */
    public static String valueFor(String id, int length) {
        StringBuilder value = new StringBuilder(id.length() + 1 + length).append(id).append(':');
        int hash = id.hashCode();
        for (int i = 0; i < length; i++) {
            value.append((char) ('a' + Math.floorMod(hash + i * 7, 26)));
        }
        return value.toString();
    }
}
