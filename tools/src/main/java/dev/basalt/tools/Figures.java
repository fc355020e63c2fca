package dev.basalt.tools;

import java.util.Locale;

/** Formats figures the same way in every command: thousands separators, binary units. */
final class Figures {
    private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB"};
    private static final int KIBI = 1024;

    private Figures() {
    }

    /** "1,234,567". */
    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** "12.3 MiB" (bytes below 1 KiB as "512 B"). */
    static String bytes(long n) {
        double value = n;
        int unit = 0;
        while (value >= KIBI && unit < UNITS.length - 1) {
            value /= KIBI;
            unit++;
        }
        return unit == 0 ? n + " B" : String.format(Locale.ROOT, "%.1f %s", value, UNITS[unit]);
    }

    /** "123,456/s" for {@code n} things in {@code nanos}. */
    static String rate(long n, long nanos) {
        return count(Math.round(n / (Math.max(nanos, 1) / 1e9))) + "/s";
    }

    /** " (123,456/s)" for a figure worth a rate (1,000 things or more), else "". */
    static String rateNote(long n, long nanos) {
        return n >= 1_000 ? " (" + rate(n, nanos) + ")" : "";
    }

    /** "1.23 s" or "45 ms". */
    static String duration(long nanos) {
        return nanos >= 1_000_000_000L ? String.format(Locale.ROOT, "%.2f s", nanos / 1e9)
                : String.format(Locale.ROOT, "%d ms", nanos / 1_000_000L);
    }
}
