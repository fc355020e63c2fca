package dev.basalt.testing;

import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Well-formed strings of an exact UTF-8 length, for the edges of the 512-byte limits of keys
 * and prefixes. Drawing chars at random cannot reach those edges with multi-byte text: a
 * surrogate half drawn on its own is unpaired, and at 150 or more chars one is all but
 * certain, so every long multi-byte string is rejected for its surrogate, never for its length.
 * These strings are built from whole code points (one to four bytes each) and then padded with
 * ASCII to the drawn byte length, so a four-byte character can end exactly at, or straddle,
 * byte 512.
 */
public final class Utf8Arbitraries {
    /** One code point of each UTF-8 length, and '/' and 'a' as in real keys. */
    private static final List<String> CODE_POINTS = List.of("a", "/", "\u00e9", "\u20ac", "\ud83d\ude00");

    private Utf8Arbitraries() {
    }

    /** Well-formed strings of {@code minBytes..maxBytes} bytes of UTF-8, mostly multi-byte. */
    public static Arbitrary<String> wellFormedOfUtf8Length(int minBytes, int maxBytes) {
        Arbitrary<Integer> lengths = Arbitraries.integers().between(minBytes, maxBytes);
        Arbitrary<List<String>> codePoints = Arbitraries.of(CODE_POINTS).list().ofMinSize(maxBytes).ofMaxSize(maxBytes);
        return Combinators.combine(lengths, codePoints).as(Utf8Arbitraries::build);
    }

    /** The code points in order while they fit in {@code bytes}, then ASCII up to exactly {@code bytes}. */
    static String build(int bytes, List<String> codePoints) {
        StringBuilder text = new StringBuilder();
        int length = 0;
        for (String codePoint : codePoints) {
            int size = codePoint.getBytes(StandardCharsets.UTF_8).length;
            if (length + size > bytes) {
                break;
            }
            text.append(codePoint);
            length += size;
        }
        return text.append("z".repeat(bytes - length)).toString();
    }
}
