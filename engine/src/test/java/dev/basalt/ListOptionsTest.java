package dev.basalt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ListOptionsTest {
    @Test
    void allListsEveryKeyAThousandAPageFromTheStart() {
        ListOptions all = ListOptions.all();
        assertThat(all.prefix()).isEmpty();
        assertThat(all.limit()).isEqualTo(1000);
        assertThat(all.cursor()).isNull();
    }

    @Test
    void prefixLimitAndCursorCombine() {
        ListOptions options = ListOptions.prefix("user:").withLimit(10).withCursor("c1");
        assertThat(options.prefix()).isEqualTo("user:");
        assertThat(options.limit()).isEqualTo(10);
        assertThat(options.cursor()).isEqualTo("c1");
        assertThat(options).isEqualTo(ListOptions.all().withCursor("c1").withPrefix("user:").withLimit(10));
    }

    @Test
    void withMethodsLeaveTheOriginalUnchanged() {
        ListOptions original = ListOptions.prefix("a");
        original.withLimit(5).withCursor("c").withPrefix("b");
        assertThat(original).isEqualTo(ListOptions.prefix("a"));
        assertThat(ListOptions.all().limit()).isEqualTo(1000);
    }

    @Test
    void nullPrefixMeansEveryKey() {
        assertThat(ListOptions.prefix(null).prefix()).isEmpty();
        assertThat(ListOptions.prefix("x").withPrefix(null).prefix()).isEmpty();
        assertThat(ListOptions.prefix(null)).isEqualTo(ListOptions.all());
    }

    @Test
    void nullAndEmptyCursorBothMeanTheStart() {
        assertThat(ListOptions.all().withCursor("").cursor()).isNull();
        assertThat(ListOptions.all().withCursor("c").withCursor(null).cursor()).isNull();
    }

    @Test
    void limitBoundsAreOneAndAThousand() {
        assertThat(ListOptions.all().withLimit(1).limit()).isEqualTo(1);
        assertThat(ListOptions.all().withLimit(1000).limit()).isEqualTo(1000);
        assertThatThrownBy(() -> ListOptions.all().withLimit(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("limit is 0; it must be 1..1000");
        assertThatThrownBy(() -> ListOptions.all().withLimit(1001))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("limit is 1001; it must be 1..1000");
        assertThatThrownBy(() -> ListOptions.all().withLimit(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("limit is -1; it must be 1..1000");
    }

    @Test
    void prefixOf512Utf8BytesIsAccepted() {
        assertThat(ListOptions.prefix("a".repeat(512)).prefix()).hasSize(512);
        String emoji = "\uD83D\uDE00"; // 4 bytes of UTF-8
        assertThat(ListOptions.prefix(emoji.repeat(128)).prefix()).hasSize(256);
    }

    @Test
    void prefixOver512Utf8BytesNamesBothFigures() {
        assertThatThrownBy(() -> ListOptions.prefix("a".repeat(513)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("prefix is 513 bytes of UTF-8; the limit is 512");
        // 171 chars of 3 bytes: 513 bytes from only 171 chars.
        assertThatThrownBy(() -> ListOptions.prefix("\u20ac".repeat(171)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("prefix is 513 bytes of UTF-8; the limit is 512");
        // 2-byte chars: 257 x 2 = 514.
        assertThatThrownBy(() -> ListOptions.all().withPrefix("\u00e9".repeat(257)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("prefix is 514 bytes of UTF-8; the limit is 512");
    }

    @Test
    void prefixWithAnUnpairedSurrogateIsRejected() {
        assertThatThrownBy(() -> ListOptions.prefix("ab\uD83D"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("prefix has an unpaired surrogate at index 2; it cannot be encoded as UTF-8");
        assertThatThrownBy(() -> ListOptions.prefix("\uDE00x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("index 0");
    }
}
