package dev.basalt.internal.listing;

import static dev.basalt.internal.listing.Scans.bytes;
import static dev.basalt.internal.listing.Scans.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** One named case per edge of {@link Cursors}. */
class CursorsTest {
    static final byte[] KEY_A = filled(0x11);
    static final byte[] KEY_B = filled(0x22);
    private static final String FOREIGN = "cursor does not belong to this namespace and prefix (or was tampered with)";

    private final Cursors cursors = new Cursors(KEY_A);

    @Test
    void aCursorRoundTripsItsLastKey() {
        for (byte[] key : new byte[][] {utf8("k"), utf8("a/b c\u00e9\ud83d\ude00"), bytes(0x00), bytes(0xFF, 0xFF),
            bytes(0x61, 0x00, 0x62), filled(0x7F, 512)}) {
            final String cursor = cursors.encode("ns", new byte[0], key);
            assertThat(cursor).matches("[A-Za-z0-9_-]+");
            assertThat(cursors.decode(cursor, "ns", new byte[0])).containsExactly(key);
        }
    }

    @Test
    void aCursorIsBoundToItsPrefixIncludingAPrefixThatIsTheWholeKey() {
        final String cursor = cursors.encode("ns", utf8("abc"), utf8("abc"));
        assertThat(cursors.decode(cursor, "ns", utf8("abc"))).containsExactly(utf8("abc"));
        assertThatThrownBy(() -> cursors.decode(cursor, "ns", utf8("ab"))).isInstanceOf(IllegalArgumentException.class)
            .hasMessage(FOREIGN);
        assertThatThrownBy(() -> cursors.decode(cursor, "ns", new byte[0])).hasMessage(FOREIGN);
    }

    @Test
    void aCursorOfAnotherNamespaceOrDirectoryIsForeign() {
        final String cursor = cursors.encode("orders", utf8("a"), utf8("a1"));
        assertThatThrownBy(() -> cursors.decode(cursor, "users", utf8("a"))).isInstanceOf(IllegalArgumentException.class)
            .hasMessage(FOREIGN);
        assertThatThrownBy(() -> new Cursors(KEY_B).decode(cursor, "orders", utf8("a")))
            .isInstanceOf(IllegalArgumentException.class).hasMessage(FOREIGN);
        assertThat(new Cursors(KEY_A.clone()).decode(cursor, "orders", utf8("a"))).containsExactly(utf8("a1"));
    }

    @Test
    void fieldBoundariesCannotBeShifted() {
        // Plain concatenation would give "abbc" for both; 0x00 separators would confuse keys holding 0x00.
        final String cursor = cursors.encode("a", utf8("b"), utf8("bc"));
        assertThatThrownBy(() -> cursors.decode(cursor, "ab", new byte[0])).hasMessage(FOREIGN);
        final String withNul = cursors.encode("n", utf8("p"), bytes('p', 0, 'p', 'q'));
        assertThatThrownBy(() -> cursors.decode(withNul, "n", bytes('p', 0, 'p'))).hasMessage(FOREIGN);
    }

    @Test
    void anotherVersionIsNamed() {
        final byte[] raw = Base64.getUrlDecoder().decode(cursors.encode("ns", new byte[0], utf8("k")));
        raw[0] = 7;
        final String cursor = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        assertThatThrownBy(() -> cursors.decode(cursor, "ns", new byte[0])).isInstanceOf(IllegalArgumentException.class)
            .hasMessage("cursor version 7 is not supported; expected 1");
    }

    @Test
    void malformedCursorsAreRejectedBeforeTheMacIsComputed() {
        final String good = cursors.encode("ns", new byte[0], utf8("key"));
        assertMalformed(null);
        assertMalformed("");
        assertMalformed("AAAA");
        assertMalformed("!".repeat(good.length()));
        assertMalformed("A".repeat(Cursors.MAX_CURSOR_CHARS + 1));
        assertMalformed(good + "=");
        assertMalformed(good + "A");
        assertMalformed(good.substring(0, good.length() - 1));
        assertMalformed("+" + good.substring(1)); // standard base64, not URL-safe
        // The key length field claims more bytes than the cursor holds, then fewer.
        final byte[] raw = Base64.getUrlDecoder().decode(good);
        assertMalformed(withLength(raw, 4));
        assertMalformed(withLength(raw, 0));
        assertMalformed(withLength(raw, 0xFFFF));
    }

    @Test
    void nonCanonicalBase64IsRejected() {
        // 3 + 1 + 16 = 20 bytes: 27 characters, the last carrying 2 unused bits.
        final String good = cursors.encode("ns", new byte[0], utf8("k"));
        assertThat(good).hasSize(27);
        final char last = good.charAt(good.length() - 1);
        final String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        final char strayBits = alphabet.charAt(alphabet.indexOf(last) | 1);
        if (strayBits != last) {
            assertMalformed(good.substring(0, good.length() - 1) + strayBits);
        }
        assertMalformed(good + "=");
    }

    @Test
    void encodeRejectsKeysAndPrefixesOutsideTheLimits() {
        assertThatThrownBy(() -> cursors.encode("ns", new byte[0], new byte[0])).isInstanceOf(IllegalArgumentException.class)
            .hasMessage("cursor key is 0 bytes; it must be 1..512");
        assertThatThrownBy(() -> cursors.encode("ns", new byte[0], new byte[513])).isInstanceOf(IllegalArgumentException.class)
            .hasMessage("cursor key is 513 bytes; it must be 1..512");
        assertThatThrownBy(() -> cursors.encode("ns", new byte[513], new byte[513])).isInstanceOf(IllegalArgumentException.class)
            .hasMessage("prefix is 513 bytes of UTF-8; the limit is 512");
        assertThatThrownBy(() -> cursors.encode("ns", utf8("b"), utf8("a"))).isInstanceOf(IllegalArgumentException.class)
            .hasMessage("cursor key does not start with the prefix");
        assertThatThrownBy(() -> cursors.decode("x", "ns", new byte[513])).isInstanceOf(IllegalArgumentException.class)
            .hasMessage("prefix is 513 bytes of UTF-8; the limit is 512");
        assertThatThrownBy(() -> new Cursors(new byte[16])).isInstanceOf(IllegalArgumentException.class)
            .hasMessage("cursor MAC key is 16 bytes; it must be 32 bytes");
    }

    @Test
    void cursorLengthsMatchTheFormat() {
        assertThat(cursors.encode("ns", new byte[0], new byte[16])).hasSize(47);
        assertThat(cursors.encode("ns", new byte[0], new byte[512])).hasSize(Cursors.MAX_CURSOR_CHARS).hasSize(708);
    }

    private void assertMalformed(String cursor) {
        assertThatThrownBy(() -> cursors.decode(cursor, "ns", new byte[0])).as(String.valueOf(cursor))
            .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("cursor is malformed");
    }

    private static String withLength(byte[] raw, int keyLength) {
        final byte[] copy = raw.clone();
        ByteBuffer.wrap(copy).putShort(Cursors.KEY_LENGTH_OFFSET, (short) keyLength);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(copy);
    }

    static byte[] filled(int value) {
        return filled(value, Cursors.KEY_BYTES);
    }

    static byte[] filled(int value, int length) {
        final byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) value);
        return bytes;
    }
}
