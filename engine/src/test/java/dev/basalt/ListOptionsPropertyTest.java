package dev.basalt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The prefix bound is measured in UTF-8 bytes exactly as Java encodes them. */
class ListOptionsPropertyTest {
    @Property
    void prefixIsAcceptedExactlyWhenItIsWellFormedAndItsUtf8FitsIn512Bytes(
            @ForAll("prefixes") String prefix) {
        boolean wellFormed = prefix.codePoints().noneMatch(cp -> cp >= 0xD800 && cp <= 0xDFFF);
        int utf8Bytes = prefix.getBytes(StandardCharsets.UTF_8).length;
        if (wellFormed && utf8Bytes <= 512) {
            assertThat(ListOptions.prefix(prefix).prefix()).isEqualTo(prefix);
        } else if (wellFormed) {
            assertThatThrownBy(() -> ListOptions.prefix(prefix))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("prefix is " + utf8Bytes + " bytes of UTF-8; the limit is 512");
        } else {
            assertThatThrownBy(() -> ListOptions.prefix(prefix))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("unpaired surrogate");
        }
    }

    /**
     * One-, two-, three- and four-byte characters and both surrogate halves, which pair up
     * by chance or stay unpaired; up to 300 chars (up to 900 bytes), so both sides of 512 occur.
     */
    @Provide
    Arbitrary<String> prefixes() {
        return Arbitraries.strings()
                .withChars('a', '/', '\u00e9', '\u20ac', '\uD83D', '\uDE00')
                .ofMaxLength(300);
    }
}
