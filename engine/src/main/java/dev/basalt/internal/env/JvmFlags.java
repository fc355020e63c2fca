package dev.basalt.internal.env;

import dev.basalt.BasaltException;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks, before any library touches them, that the JVM grants what Agrona and Chronicle Bytes
 * need on Java 17, so that a missing flag is one clear error naming the flags instead of a
 * stack trace from inside a library.
 *
 * <p>The set is the smallest that works, found by removing flags one at a time from
 * Chronicle's recommended list and re-running a map, read and unmap:
 * Agrona 2 reaches {@code jdk.internal.misc.Unsafe}; Chronicle maps files through
 * {@code sun.nio.ch.FileChannelImpl} by reflection and unmaps through
 * {@code jdk.internal.ref.Cleaner}; Agrona's CRC32C reaches the JDK's intrinsic in
 * {@code java.util.zip.CRC32C}, which checks every record without allocating.
 */
public final class JvmFlags {
    /** The flags, as they go on a {@code java} command line. */
    public static final List<String> REQUIRED = List.of(
            "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
            "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/java.util.zip=ALL-UNNAMED");

    private JvmFlags() {
    }

    /** Throws a {@link BasaltException} naming every flag this JVM lacks. */
    public static void check() {
        Module base = Object.class.getModule();
        Module agrona = moduleOf("org.agrona.UnsafeApi");
        Module chronicle = moduleOf("net.openhft.chronicle.core.OS");
        List<String> missing = new ArrayList<>();
        if (!base.isExported("jdk.internal.misc", agrona)) {
            missing.add(flag("--add-exports", "jdk.internal.misc", agrona));
        }
        if (!base.isExported("jdk.internal.ref", chronicle)) {
            missing.add(flag("--add-exports", "jdk.internal.ref", chronicle));
        }
        if (!base.isOpen("java.lang.reflect", chronicle)) {
            missing.add(flag("--add-opens", "java.lang.reflect", chronicle));
        }
        if (!base.isOpen("sun.nio.ch", chronicle)) {
            missing.add(flag("--add-opens", "sun.nio.ch", chronicle));
        }
        if (!base.isOpen("java.util.zip", agrona)) {
            missing.add(flag("--add-opens", "java.util.zip", agrona));
        }
        if (!missing.isEmpty()) {
            throw new BasaltException("this JVM lacks flags that Basalt needs on Java 17 (for Agrona and Chronicle Bytes);"
                    + " add them to the java command line: " + String.join(" ", missing));
        }
    }

    private static String flag(String kind, String pkg, Module target) {
        String who = target.isNamed() ? target.getName() : "ALL-UNNAMED";
        return kind + "=java.base/" + pkg + "=" + who;
    }

    private static Module moduleOf(String className) {
        try {
            return Class.forName(className, false, JvmFlags.class.getClassLoader()).getModule();
        } catch (ClassNotFoundException e) {
            throw new BasaltException("Basalt's dependency " + className + " is not on the class path", e);
        }
    }
}
