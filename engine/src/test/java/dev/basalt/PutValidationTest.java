package dev.basalt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The put rules callable without a store (what the command line checks a whole input with
 * before it writes anything): the same verdicts and messages as {@code put} itself.
 */
class PutValidationTest {
    private static final long NOW = 1_800_000_000L;

    @Test
    void keysAreCheckedAsPutChecksThem() {
        assertThat(KvNamespace.checkKey("user:1")).isEqualTo(6);
        assertThat(KvNamespace.checkKey("é")).isEqualTo(2);
        assertThatThrownBy(() -> KvNamespace.checkKey("")).hasMessage("key is 0 bytes of UTF-8; it must be 1..512");
        assertThatThrownBy(() -> KvNamespace.checkKey("..")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KvNamespace.checkKey("k".repeat(513)))
                .hasMessage("key is 513 bytes of UTF-8; the limit is 512");
    }

    @Test
    void metadataIsMeasuredAsCompactJson() {
        assertThat(PutOptions.none().checkMetadata()).isZero();
        assertThat(PutOptions.none().withMetadata(Map.of("a", 1)).checkMetadata()).isEqualTo("{\"a\":1}".length());
        String big = "x".repeat(1100);
        assertThatThrownBy(() -> PutOptions.none().withMetadata(big).checkMetadata())
                .hasMessage("metadata is 1102 bytes of JSON; the limit is 1024");
    }

    @Test
    void expirationResolvesAsPutResolvesIt() {
        assertThat(PutOptions.expiration(1L).withExpirationTtl(120).resolveExpirationEpochSeconds(NOW, 60))
                .isEqualTo(NOW + 120);
        assertThat(PutOptions.expiration(NOW + 60).resolveExpirationEpochSeconds(NOW, 60)).isEqualTo(NOW + 60);
        assertThat(PutOptions.none().resolveExpirationEpochSeconds(NOW, 60)).isZero();
        assertThatThrownBy(() -> PutOptions.expirationTtl(59).resolveExpirationEpochSeconds(NOW, 60))
                .hasMessage("expirationTtl is 59 seconds; the minimum is 60");
        assertThatThrownBy(() -> PutOptions.expiration(NOW).resolveExpirationEpochSeconds(NOW, 0))
                .hasMessageContaining("the minimum is 1");
    }

    @Test
    void valueSizeIsCheckedAgainstTheConfiguredMaximum() {
        BasaltOptions options = BasaltOptions.defaults().withMaxValueSize(100);
        options.checkValueSize(100);
        assertThatThrownBy(() -> options.checkValueSize(101)).hasMessage("value is 101 bytes; the limit is 100");
    }
}
