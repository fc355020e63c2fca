package dev.basalt.listing;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;

/**
 * The order {@code list} promises: keys compared by their UTF-8 bytes, unsigned. This is not
 * {@link String#compareTo} (UTF-16 code units: U+10000 sorts before U+E000 there, after it in
 * UTF-8) and not signed byte order (where every non-ASCII byte sorts before {@code 'A'}).
 *
 * <p>Stateless; thread-safe.
 */
final class Utf8Order {
    /** Ascending unsigned UTF-8 byte order of strings. */
    static final Comparator<String> UNSIGNED_UTF8 = (a, b) -> Arrays.compareUnsigned(utf8(a), utf8(b));

    private Utf8Order() {
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** An empty model map in listing order. */
    static <V> TreeMap<String, V> newModel() {
        return new TreeMap<>(UNSIGNED_UTF8);
    }

    /** Whether {@code key}'s UTF-8 bytes start with {@code prefix}'s. */
    static boolean startsWith(String key, String prefix) {
        byte[] k = utf8(key);
        byte[] p = utf8(prefix);
        return k.length >= p.length && Arrays.equals(k, 0, p.length, p, 0, p.length);
    }

    /** A sorted copy of {@code keys} in listing order. */
    static List<String> sorted(List<String> keys) {
        return keys.stream().sorted(UNSIGNED_UTF8).toList();
    }
}
