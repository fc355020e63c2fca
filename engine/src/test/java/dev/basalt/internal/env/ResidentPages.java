package dev.basalt.internal.env;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How much of a mapping is resident, as Linux reports it in {@code /proc/self/smaps}: what a test
 * reads to tell memory made resident when it was allocated from memory that faults on its first
 * touch, without touching it.
 */
final class ResidentPages {
    /** A mapping's first line: its address range in hex, "start-end ", then its permissions. */
    private static final Pattern MAPPING_HEADER = Pattern.compile("([0-9a-f]+)-([0-9a-f]+) ");

    private ResidentPages() {
    }

    /**
     * The resident bytes ({@code Rss}) of the mapping that holds {@code address}. The kernel may
     * have merged the mapping with a neighbour of the same kind, so this is at least the
     * mapping's own resident bytes, not exactly them.
     *
     * @throws AssertionError when no mapping holds the address
     */
    static long residentBytes(long address) {
        List<String> lines;
        try {
            lines = Files.readAllLines(Path.of("/proc/self/smaps"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (int i = 0; i < lines.size(); i++) {
            Matcher range = MAPPING_HEADER.matcher(lines.get(i));
            if (!range.lookingAt()) {
                continue; // a field of the mapping above ("Rss:    12 kB")
            }
            long start = Long.parseUnsignedLong(range.group(1), 16);
            long end = Long.parseUnsignedLong(range.group(2), 16);
            if (Long.compareUnsigned(address, start) >= 0 && Long.compareUnsigned(address, end) < 0) {
                for (int j = i + 1; j < lines.size(); j++) {
                    if (lines.get(j).startsWith("Rss:")) {
                        return kilobytes(lines.get(j)) * 1024;
                    }
                }
            }
        }
        throw new AssertionError("no mapping holds address " + Long.toHexString(address));
    }

    private static long kilobytes(String field) {
        return Long.parseLong(field.replaceAll("[^0-9]", ""));
    }
}
