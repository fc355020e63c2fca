package dev.basalt.internal.tooling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import org.junit.jupiter.api.Test;

class PutChecksTest {
    private static final JsonMapper MAPPER = JsonMapper.builder().build();
    private static final long NOW = 1_700_000_000L;

    @Test
    void keysFollowTheEngineRules() {
        PutChecks.key("user:1");
        assertThatThrownBy(() -> PutChecks.key("")).hasMessage("key is 0 bytes of UTF-8; it must be 1..512");
        assertThatThrownBy(() -> PutChecks.key("..")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PutChecks.key("k".repeat(513))).hasMessage("key is 513 bytes of UTF-8; the limit is 512");
    }

    @Test
    void metadataIsAtMost1024BytesOfCompactJson() {
        JsonNode fits = MAPPER.createObjectNode().put("s", "x".repeat(1016)); // {"s":"..."} is 1024 bytes
        PutChecks.metadata(fits, MAPPER);
        JsonNode tooBig = MAPPER.createObjectNode().put("s", "x".repeat(1017));
        assertThatThrownBy(() -> PutChecks.metadata(tooBig, MAPPER)).hasMessage(
                "metadata is 1025 bytes of JSON; the limit is 1024");
        PutChecks.metadata(MAPPER.nullNode(), MAPPER);
    }

    @Test
    void theTtlWinsAndMustBeAtLeastTheMinimum() {
        assertThat(PutChecks.expiration(1L, 120L, NOW, 60)).isEqualTo(NOW + 120);
        assertThat(PutChecks.expiration(NOW + 60, null, NOW, 60)).isEqualTo(NOW + 60);
        assertThat(PutChecks.expiration(null, null, NOW, 60)).isZero();
        assertThatThrownBy(() -> PutChecks.expiration(null, 59L, NOW, 60)).hasMessage(
                "expirationTtl is 59 seconds; the minimum is 60");
        assertThatThrownBy(() -> PutChecks.expiration(NOW, null, NOW, 0)).hasMessageContaining("the minimum is 1");
    }
}
