package dev.basalt.internal.env;

/**
 * Settings Chronicle reads once, from system properties, when its classes load. Applied before
 * the engine touches Chronicle, and only where the application has not chosen otherwise.
 */
public final class ChronicleSettings {
    private ChronicleSettings() {
    }

    public static void apply() {
        // Unmap on the closing thread, now: a background releaser would be a thread that
        // outlives close() and would keep deleted segments' disk space until it ran.
        setIfAbsent("background.releaser", "false");
        // Reference tracing records a stack trace per reservation when assertions are on.
        setIfAbsent("jvm.resource.tracing", "false");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
