package dev.basalt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.testing.Utf8Arbitraries;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/** The prefix bound is measured in UTF-8 bytes exactly as Java encodes them. */
class ListOptionsPropertyTest {
    @Property
    void prefixIsAcceptedExactlyWhenItIsWellFormedAndItsUtf8FitsIn512Bytes(
            @ForAll("prefixes") String prefix) {
        boolean wellFormed = prefix.codePoints().noneMatch(cp -> cp >= 0xD800 && cp <= 0xDFFF);
        int utf8Bytes = prefix.getBytes(StandardCharsets.UTF_8).length;
        Statistics.label("case").collect(!wellFormed ? "unpaired surrogate"
                : utf8Bytes <= 512 ? "well-formed, fits" : utf8Bytes <= 520 ? "well-formed, 513..520 bytes"
                : "well-formed, longer");
        // The edge the property is about must be reached, not only possible.
        Statistics.label("case").coverage(c -> {
            c.check("well-formed, 513..520 bytes").count(n -> n >= 10);
            c.check("unpaired surrogate").count(n -> n >= 10);
        });
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
     * One-, two-, three- and four-byte characters and both surrogate halves, which pair up by
     * chance or stay unpaired, up to 300 chars; and, since such random chars are all but never
     * well-formed at 512 bytes, well-formed multi-byte strings of 505..520 bytes, both sides of
     * the limit.
     */
    @Provide
    Arbitrary<String> prefixes() {
        return Arbitraries.oneOf(
                Arbitraries.strings().withChars('a', '/', '\u00e9', '\u20ac', '\uD83D', '\uDE00').ofMaxLength(300),
                Utf8Arbitraries.wellFormedOfUtf8Length(505, 520));
    }
}
