package dev.basalt.internal.env;

import com.sun.jna.Function;

/**
 * Functions of the C library bound through JNA, for the memory calls the JDK does not offer
 * ({@link FreedMemory}, {@link DirectMemory}). Linux only: elsewhere, or where a function cannot
 * be bound, the caller gets null and does without, and the log says so once per function.
 */
final class LibC {
    private static final System.Logger LOG = System.getLogger(LibC.class.getName());

    private LibC() {
    }

    /** {@code name} from libc, or null; {@code withoutIt} says what the caller does instead. */
    static Function function(String name, String withoutIt) {
        if (!System.getProperty("os.name", "").startsWith("Linux")) {
            LOG.log(System.Logger.Level.INFO, withoutIt + ": not Linux");
            return null;
        }
        try {
            return Function.getFunction("c", name);
        } catch (RuntimeException | LinkageError e) {
            LOG.log(System.Logger.Level.INFO, withoutIt + " (no " + name + "): " + e);
            return null;
        }
    }
}
