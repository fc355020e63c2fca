package dev.basalt.testing;

import dev.basalt.internal.env.CrashPoints;
import dev.basalt.internal.env.JvmFlags;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** What the tests that run a child JVM (crash, kill and close-race tests) share. */
public final class ChildJvm {
    private ChildJvm() {
    }

    /** The java binary running this JVM. */
    public static String javaBinary() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /**
     * This JVM's --add-opens/--add-exports flags (Surefire sets them), so the child runs like the
     * tests; the engine's own list when they cannot be read.
     */
    public static List<String> engineFlags() {
        // ProcessHandle rather than the RuntimeMXBean: the test module does not read java.management.
        List<String> arguments = List.of(ProcessHandle.current().info().arguments().orElse(new String[0]));
        Set<String> flags = new LinkedHashSet<>();
        for (int i = 0; i < arguments.size(); i++) {
            String argument = arguments.get(i);
            if (argument.startsWith("--add-opens=") || argument.startsWith("--add-exports=")) {
                flags.add(argument);
            } else if ((argument.equals("--add-opens") || argument.equals("--add-exports")) && i + 1 < arguments.size()) {
                flags.add(argument + "=" + arguments.get(++i));
            }
        }
        if (flags.isEmpty()) {
            flags.addAll(JvmFlags.REQUIRED);
        }
        if (Boolean.getBoolean(CrashPoints.OBSERVABLE_PROPERTY)) {
            flags.add("-D" + CrashPoints.OBSERVABLE_PROPERTY + "=true"); // children watch crash points too
        }
        return new ArrayList<>(flags);
    }

    /** A file's text, or a note saying why it cannot be read (for failure messages). */
    public static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    /** Lines that ended with a newline; a line cut off by a kill is dropped. */
    public static List<String> completeLines(byte[] output) {
        String text = new String(output, StandardCharsets.UTF_8);
        int end = text.lastIndexOf('\n');
        return end < 0 ? List.of() : List.of(text.substring(0, end).split("\n"));
    }
}
