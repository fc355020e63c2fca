package dev.basalt.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.PutOptions;
import dev.basalt.ValueType;
import java.nio.ByteBuffer;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** API.md "Keys and values": a key is 1..512 bytes of well-formed UTF-8, except "." and "..". */
class KeysTest extends AcceptanceTestBase {
    private static final String EMOJI = "\uD83D\uDE00"; // U+1F600, 4 bytes of UTF-8

    @Test
    void keyOf512AsciiBytesIsAccepted() {
        String key = "k".repeat(512);
        ns.put(key, "v");
        assertThat(ns.get(key)).isEqualTo("v");
    }

    @Test
    void keyOf512BytesOfFourByteCharactersIsAccepted() {
        String key = EMOJI.repeat(128);
        assertThat(utf8(key)).hasSize(512);
        ns.put(key, "v");
        assertThat(ns.get(key)).isEqualTo("v");
    }

    @Test
    void keyOf513BytesIsRejectedByPutNamingBothFigures() {
        String key = "k".repeat(513);
        assertThatThrownBy(() -> ns.put(key, "v"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("513")
                .hasMessageContaining("512");
    }

    @Test
    void keyLimitCountsUtf8BytesNotCharacters() {
        // 257 chars, but 128 * 4 + 1 = 513 bytes.
        String key = EMOJI.repeat(128) + "a";
        assertThat(key.length()).isLessThan(512);
        assertThatThrownBy(() -> ns.put(key, "v"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("513")
                .hasMessageContaining("512");
    }

    @Test
    void keyOf513BytesIsRejectedByEveryKeyedCall() {
        assertRejectedEverywhere("k".repeat(513));
    }

    @Test
    void emptyKeyIsRejected() {
        assertRejectedEverywhere("");
    }

    @Test
    void dotKeyIsRejected() {
        assertRejectedEverywhere(".");
    }

    @Test
    void dotDotKeyIsRejected() {
        assertRejectedEverywhere("..");
    }

    @Test
    void loneHighSurrogateKeyIsRejected() {
        assertRejectedEverywhere("\uD800");
    }

    @Test
    void loneLowSurrogateInsideKeyIsRejected() {
        assertRejectedEverywhere("a\uDC00b");
    }

    @Test
    void highSurrogateAtEndOfKeyIsRejected() {
        assertRejectedEverywhere("key" + "\uD83D");
    }

    @Test
    void swappedSurrogatePairIsRejected() {
        assertRejectedEverywhere("\uDE00\uD83D");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "/", "a/b", "/leading", "trailing/", "a b", " ", "  two  ", "\u0000", "a\u0000b",
        EMOJI, "k" + EMOJI + "y", "\u00e9t\u00e9", "\u65e5\u672c\u8a9e", "tab\there", "line\nbreak",
        "...", ".a", "a.", "./x", "a/../b", "..x", "%2e%2e", "\\", "\uFEFF", "\uFFFF"
    })
    void unusualButWellFormedKeysRoundTripExactly(String key) {
        ns.put(key, "value of " + key);
        assertThat(ns.get(key)).isEqualTo("value of " + key);
        assertThat(ns.get(key, ValueType.BYTES)).isEqualTo(utf8("value of " + key));

        ByteBuffer dst = ByteBuffer.allocate(1024);
        int length = ns.read(ByteBuffer.wrap(utf8(key)), dst);
        assertThat(length).isEqualTo(utf8("value of " + key).length);

        ns.delete(key);
        assertThat(ns.get(key)).isNull();
    }

    @Test
    void keysDifferingOnlyByTrailingNulAreDistinct() {
        ns.put("a", "plain");
        ns.put("a\u0000", "with nul");
        assertThat(ns.get("a")).isEqualTo("plain");
        assertThat(ns.get("a\u0000")).isEqualTo("with nul");
    }

    @Test
    void keysAreCaseSensitive() {
        ns.put("Key", "upper");
        ns.put("key", "lower");
        assertThat(ns.get("Key")).isEqualTo("upper");
        assertThat(ns.get("key")).isEqualTo("lower");
    }

    @Test
    void composedAndDecomposedFormsAreDifferentKeys() {
        // No Unicode normalisation: the key is its bytes.
        String composed = "\u00e9";
        String decomposed = "e\u0301";
        ns.put(composed, "composed");
        assertThat(ns.get(decomposed)).isNull();
        ns.put(decomposed, "decomposed");
        assertThat(ns.get(composed)).isEqualTo("composed");
        assertThat(ns.get(decomposed)).isEqualTo("decomposed");
    }

    @Test
    void unusualKeysSurviveReopen() {
        List<String> keys = List.of("/", "a b", "\u0000", EMOJI, "k".repeat(512), "...");
        for (String key : keys) {
            ns.put(key, "v:" + key);
        }
        reopen();
        for (String key : keys) {
            assertThat(ns.get(key)).as("key %s", key).isEqualTo("v:" + key);
        }
    }

    /** Every call that takes a key as a String throws IllegalArgumentException and writes nothing. */
    private void assertRejectedEverywhere(String key) {
        Object statsBefore = db.stats();
        List<ThrowingCallable> calls = List.of(
                () -> ns.put(key, "v"),
                () -> ns.put(key, utf8("v")),
                () -> ns.put(key, ByteBuffer.wrap(utf8("v"))),
                () -> ns.put(key, new java.io.ByteArrayInputStream(utf8("v"))),
                () -> ns.put(key, "v", PutOptions.none()),
                () -> ns.get(key),
                () -> ns.get(key, ValueType.BYTES),
                () -> ns.getWithMetadata(key),
                () -> ns.getWithMetadata(key, ValueType.BYTES),
                () -> ns.get(List.of(key)),
                () -> ns.get(List.of("fine", key), ValueType.BYTES),
                () -> ns.getWithMetadata(List.of(key), ValueType.TEXT),
                () -> ns.delete(key));
        for (int i = 0; i < calls.size(); i++) {
            assertThatThrownBy(calls.get(i))
                    .as("call #%d with key of %d chars", i, key.length())
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(db.stats()).as("stats after rejected calls").isEqualTo(statsBefore);
    }
}
