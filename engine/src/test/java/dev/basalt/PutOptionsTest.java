package dev.basalt;

import dev.basalt.internal.env.Limits;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.MissingNode;
import tools.jackson.databind.node.NullNode;
import tools.jackson.databind.node.ObjectNode;

class PutOptionsTest {
    private static final long NOW = 1_699_999_988L;
    private static final long MIN_TTL = 60;
    private static final ObjectMapper MAPPER = JsonMapper.builder().build();

    @Nested
    class Expiration {
        @Test
        void noneNeverExpires() {
            assertThat(PutOptions.none().resolveExpirationEpochSeconds(NOW, MIN_TTL))
                    .isEqualTo(Limits.NO_EXPIRATION);
            assertThat(PutOptions.none().expiration()).isNull();
            assertThat(PutOptions.none().expirationTtl()).isNull();
        }

        @Test
        void ttlIsAddedToNow() {
            assertThat(PutOptions.expirationTtl(3600).resolveExpirationEpochSeconds(NOW, MIN_TTL))
                    .isEqualTo(NOW + 3600);
        }

        @Test
        void ttlAtTheMinimumIsAccepted() {
            assertThat(PutOptions.expirationTtl(60).resolveExpirationEpochSeconds(NOW, MIN_TTL))
                    .isEqualTo(NOW + 60);
        }

        @Test
        void ttlBelowTheMinimumNamesBothFigures() {
            assertThatThrownBy(() -> PutOptions.expirationTtl(59).resolveExpirationEpochSeconds(NOW, MIN_TTL))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("expirationTtl is 59 seconds; the minimum is 60");
        }

        @Test
        void zeroTtlIsRejectedEvenWithNoMinimum() {
            assertThatThrownBy(() -> PutOptions.expirationTtl(0).resolveExpirationEpochSeconds(NOW, 0))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("expirationTtl is 0 seconds; the minimum is 1");
            assertThatThrownBy(() -> PutOptions.expirationTtl(-5).resolveExpirationEpochSeconds(NOW, 0))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("expirationTtl is -5 seconds; the minimum is 1");
            assertThat(PutOptions.expirationTtl(1).resolveExpirationEpochSeconds(NOW, 0)).isEqualTo(NOW + 1);
        }

        @Test
        void ttlThatWouldOverflowNamesTheFigureAndTheMaximum() {
            assertThatThrownBy(() -> PutOptions.expirationTtl(Long.MAX_VALUE)
                            .resolveExpirationEpochSeconds(NOW, MIN_TTL))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("expirationTtl is " + Long.MAX_VALUE + " seconds")
                    .hasMessageContaining("the maximum is " + (Long.MAX_VALUE - NOW));
        }

        @Test
        void largestTtlThatFitsIsAccepted() {
            long largest = Long.MAX_VALUE - NOW;
            assertThat(PutOptions.expirationTtl(largest).resolveExpirationEpochSeconds(NOW, MIN_TTL))
                    .isEqualTo(Long.MAX_VALUE);
            assertThatThrownBy(() -> PutOptions.expirationTtl(largest + 1)
                            .resolveExpirationEpochSeconds(NOW, MIN_TTL))
                    .isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        void absoluteExpirationIsReturnedAsGiven() {
            assertThat(PutOptions.expiration(NOW + 61).resolveExpirationEpochSeconds(NOW, MIN_TTL))
                    .isEqualTo(NOW + 61);
            assertThat(PutOptions.expiration(NOW + 60).resolveExpirationEpochSeconds(NOW, MIN_TTL))
                    .isEqualTo(NOW + 60);
        }

        @Test
        void absoluteExpirationTooSoonNamesItNowAndTheMinimum() {
            assertThatThrownBy(() -> PutOptions.expiration(1_700_000_000L)
                            .resolveExpirationEpochSeconds(NOW, MIN_TTL))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("expiration 1700000000 is 12 seconds after now (1699999988); the minimum is 60");
        }

        @Test
        void absoluteExpirationAtOrBeforeNowIsRejectedEvenWithNoMinimum() {
            assertThatThrownBy(() -> PutOptions.expiration(NOW).resolveExpirationEpochSeconds(NOW, 0))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("expiration 1699999988 is 0 seconds after now (1699999988); the minimum is 1");
            assertThatThrownBy(() -> PutOptions.expiration(NOW - 5).resolveExpirationEpochSeconds(NOW, 0))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("expiration 1699999983 is 5 seconds before now (1699999988); the minimum is 1");
            assertThat(PutOptions.expiration(NOW + 1).resolveExpirationEpochSeconds(NOW, 0)).isEqualTo(NOW + 1);
        }

        @Test
        void absoluteExpirationFarInThePastDoesNotOverflowTheMessage() {
            assertThatThrownBy(() -> PutOptions.expiration(Long.MIN_VALUE).resolveExpirationEpochSeconds(NOW, 0))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("expiration " + Long.MIN_VALUE + " is more than")
                    .hasMessageContaining("the minimum is 1");
        }

        @Test
        void ttlWinsOverAbsoluteExpirationWhichIsNotValidated() {
            PutOptions both = PutOptions.expiration(0).withExpirationTtl(120);
            assertThat(both.resolveExpirationEpochSeconds(NOW, MIN_TTL)).isEqualTo(NOW + 120);
            PutOptions otherOrder = PutOptions.expirationTtl(120).withExpiration(NOW + 10_000);
            assertThat(otherOrder.resolveExpirationEpochSeconds(NOW, MIN_TTL)).isEqualTo(NOW + 120);
            assertThat(otherOrder.expiration()).isEqualTo(NOW + 10_000);
            assertThat(otherOrder.expirationTtl()).isEqualTo(120);
        }

        @Test
        void invalidTtlFailsEvenWhenTheAbsoluteExpirationIsValid() {
            PutOptions both = PutOptions.expiration(NOW + 10_000).withExpirationTtl(10);
            assertThatThrownBy(() -> both.resolveExpirationEpochSeconds(NOW, MIN_TTL))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("expirationTtl is 10 seconds; the minimum is 60");
        }

        @Test
        void negativeMinimumIsAnEngineBug() {
            assertThatThrownBy(() -> PutOptions.none().resolveExpirationEpochSeconds(NOW, -1))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("-1");
        }

        @Test
        void withMethodsLeaveTheOriginalUnchanged() {
            PutOptions original = PutOptions.expiration(NOW + 100);
            PutOptions changed = original.withExpirationTtl(300).withMetadata("m");
            assertThat(original.expirationTtl()).isNull();
            assertThat(original.metadata()).isNull();
            assertThat(changed.expiration()).isEqualTo(NOW + 100);
            assertThat(changed).isNotEqualTo(original)
                    .isEqualTo(PutOptions.expiration(NOW + 100).withExpirationTtl(300).withMetadata("m"));
        }
    }

    @Nested
    class Metadata {
        @Test
        void noMetadataIsNull() {
            assertThat(PutOptions.none().metadataJson(MAPPER)).isNull();
            assertThat(PutOptions.none().withMetadata(null).metadataJson(MAPPER)).isNull();
        }

        @Test
        void jsonNullNodeAndMissingNodeMeanNone() {
            assertThat(PutOptions.none().withMetadata(NullNode.getInstance()).metadataJson(MAPPER)).isNull();
            assertThat(PutOptions.none().withMetadata(MissingNode.getInstance()).metadataJson(MAPPER)).isNull();
        }

        @Test
        void nullClearsEarlierMetadata() {
            PutOptions cleared = PutOptions.none().withMetadata(Map.of("a", 1)).withMetadata(null);
            assertThat(cleared.metadata()).isNull();
            assertThat(cleared.metadataJson(MAPPER)).isNull();
        }

        @Test
        void javaStringIsAJsonStringNotRawJson() {
            byte[] json = PutOptions.none().withMetadata("{\"a\":1}").metadataJson(MAPPER);
            assertThat(new String(json, StandardCharsets.UTF_8)).isEqualTo("\"{\\\"a\\\":1}\"");
            assertThat(MAPPER.readTree(json).isString()).isTrue();
        }

        @Test
        void jsonNodeWritesAsItselfCompactly() {
            ObjectNode node = JsonNodeFactory.instance.objectNode();
            node.put("user", 42).putArray("tags").add("x").add("y");
            byte[] json = PutOptions.none().withMetadata(node).metadataJson(MAPPER);
            assertThat(new String(json, StandardCharsets.UTF_8)).isEqualTo("{\"user\":42,\"tags\":[\"x\",\"y\"]}");
            assertThat(MAPPER.readTree(json)).isEqualTo(node);
        }

        @Test
        void jsonNodeIsCopiedWhenGiven() {
            ObjectNode node = JsonNodeFactory.instance.objectNode().put("v", 1);
            PutOptions options = PutOptions.none().withMetadata(node);
            node.put("v", 2);
            assertThat(new String(options.metadataJson(MAPPER), StandardCharsets.UTF_8)).isEqualTo("{\"v\":1}");
        }

        @Test
        void recordsAndMapsSerializeByJackson() {
            record Owner(String name, int id) { }
            byte[] json = PutOptions.none().withMetadata(new Owner("ann", 7)).metadataJson(MAPPER);
            JsonNode tree = MAPPER.readTree(json);
            assertThat(tree.get("name").asString()).isEqualTo("ann");
            assertThat(tree.get("id").asInt()).isEqualTo(7);
        }

        @Test
        void exactly1024BytesIsAccepted() {
            String metadata = "a".repeat(1024 - 2); // two quotes make it 1024 bytes of JSON
            byte[] json = PutOptions.none().withMetadata(metadata).metadataJson(MAPPER);
            assertThat(json).hasSize(1024);
        }

        @Test
        void over1024BytesNamesTheFigureAndTheLimit() {
            String metadata = "a".repeat(1025 - 2);
            assertThatThrownBy(() -> PutOptions.none().withMetadata(metadata).metadataJson(MAPPER))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("metadata is 1025 bytes of JSON; the limit is 1024");
        }

        @Test
        void sizeCountsUtf8BytesNotChars() {
            String threeByteChars = "\u20ac".repeat(341); // 1023 bytes + 2 quotes = 1025
            assertThatThrownBy(() -> PutOptions.none().withMetadata(threeByteChars).metadataJson(MAPPER))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("metadata is 1025 bytes of JSON; the limit is 1024");
        }

        @Test
        void objectNodeOfExactSizeAtTheBoundary() {
            // {"k":"<n chars>"} is n + 8 bytes.
            ObjectNode fits = JsonNodeFactory.instance.objectNode().put("k", "b".repeat(1024 - 8));
            assertThat(PutOptions.none().withMetadata(fits).metadataJson(MAPPER)).hasSize(1024);
            ObjectNode tooBig = JsonNodeFactory.instance.objectNode().put("k", "b".repeat(1025 - 8));
            assertThatThrownBy(() -> PutOptions.none().withMetadata(tooBig).metadataJson(MAPPER))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("metadata is 1025 bytes of JSON; the limit is 1024");
        }

        @Test
        void unserializableObjectNamesItsTypeAndJacksonsReason() {
            Object broken = new BrokenGetter();
            assertThatThrownBy(() -> PutOptions.none().withMetadata(broken).metadataJson(MAPPER))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("metadata of type " + BrokenGetter.class.getName()
                            + " cannot be serialized as JSON: ")
                    .hasMessageContaining("no secret here")
                    .hasCauseInstanceOf(tools.jackson.core.JacksonException.class);
        }

        @Test
        void selfReferenceIsUnserializable() {
            SelfReference cycle = new SelfReference();
            assertThatThrownBy(() -> PutOptions.none().withMetadata(cycle).metadataJson(MAPPER))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("metadata of type " + SelfReference.class.getName()
                            + " cannot be serialized as JSON: ");
        }
    }

    /** A bean whose only property cannot be read. */
    public static final class BrokenGetter {
        public String getSecret() {
            throw new IllegalStateException("no secret here");
        }
    }

    /** A bean that refers to itself, so its JSON would never end. */
    public static final class SelfReference {
        public SelfReference getSelf() {
            return this;
        }
    }
}
