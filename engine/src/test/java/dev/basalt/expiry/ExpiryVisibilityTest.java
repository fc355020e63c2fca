package dev.basalt.expiry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.PutOptions;
import dev.basalt.ValueType;
import dev.basalt.ValueWithMetadata;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A key is visible through its last second and gone from its expiration second on, for every
 * read: get, getWithMetadata, bulk get, bulk getWithMetadata and the hot-path read. Reads
 * decide this themselves, so it holds whether or not anything has been purged yet.
 */
class ExpiryVisibilityTest extends ExpiryTestBase {
    private static final long TTL_SECONDS = 30;
    /** The last millisecond before a second ends: still that second for the engine. */
    private static final long LAST_MILLI_OF_A_SECOND = 999;

    @Test
    void visibleAtExpirationMinusOneSecondAndGoneAtExpirationForEveryRead() {
        long expiration = start + TTL_SECONDS;
        ns.put("ttl", "v", PutOptions.expirationTtl(TTL_SECONDS).withMetadata(Map.of("m", 1)));
        ns.put("abs", "w", PutOptions.expiration(expiration));
        ns.put("forever", "f");

        clock.setEpochSecond(expiration - 1);
        assertAllVisible();
        clock.setInstant(Instant.ofEpochSecond(expiration - 1).plusMillis(LAST_MILLI_OF_A_SECOND));
        assertAllVisible();

        clock.setEpochSecond(expiration);
        assertExpiredGone();
        assertThat(ns.get("forever")).isEqualTo("f");
    }

    @Test
    void goneBeforeAnySweepAndStillGoneAfterIt() {
        ns.put("k", "v", PutOptions.expirationTtl(TTL_SECONDS));
        ns.put("abs", "w", PutOptions.expiration(start + TTL_SECONDS));
        ns.put("ttl", "v", PutOptions.expirationTtl(TTL_SECONDS));
        clock.setEpochSecond(start + TTL_SECONDS);
        // Whether or not the background agent has purged yet, reads must not return it.
        assertExpiredGone();
        sweepAllDue();
        assertExpiredGone();
        assertThat(stats().expiredAndPurged()).isEqualTo(3);
        assertThat(stats().liveKeys()).isZero();
    }

    @Test
    void farPastTheExpirationTheKeyStaysGone() {
        ns.put("ttl", "v", PutOptions.expirationTtl(TTL_SECONDS));
        ns.put("abs", "w", PutOptions.expiration(start + TTL_SECONDS));
        clock.setEpochSecond(start + 10L * 365 * 24 * 3600);
        assertExpiredGone();
    }

    private void assertAllVisible() {
        String at = "at " + clock.instant();
        assertThat(ns.get("ttl")).as(at).isEqualTo("v");
        assertThat(ns.get("abs")).as(at).isEqualTo("w");
        ValueWithMetadata<String> withMetadata = ns.getWithMetadata("ttl");
        assertThat(withMetadata.value()).as(at).isEqualTo("v");
        assertThat(withMetadata.metadata()).as(at).isNotNull();
        assertThat(withMetadata.metadata().get("m").asInt()).as(at).isEqualTo(1);
        assertThat(ns.get(List.of("ttl", "abs", "forever"))).as(at)
                .containsEntry("ttl", "v").containsEntry("abs", "w").containsEntry("forever", "f");
        Map<String, ValueWithMetadata<String>> bulk = ns.getWithMetadata(List.of("ttl", "abs"), ValueType.TEXT);
        assertThat(bulk.get("ttl").value()).as(at).isEqualTo("v");
        assertThat(bulk.get("abs").value()).as(at).isEqualTo("w");
        assertThat(hotRead(ns, "ttl")).as(at).isEqualTo("v");
        assertThat(hotRead(ns, "abs")).as(at).isEqualTo("w");
    }

    private void assertExpiredGone() {
        String at = "at " + clock.instant();
        for (String key : List.of("ttl", "abs")) {
            assertThat(ns.get(key)).as(at + " get " + key).isNull();
            assertThat(ns.get(key, ValueType.BYTES)).as(at + " get BYTES " + key).isNull();
            ValueWithMetadata<String> withMetadata = ns.getWithMetadata(key);
            assertThat(withMetadata.value()).as(at + " getWithMetadata " + key).isNull();
            assertThat(withMetadata.metadata()).as(at + " getWithMetadata metadata " + key).isNull();
            assertThat(hotRead(ns, key)).as(at + " read " + key).isNull();
        }
        Map<String, String> bulk = ns.get(List.of("ttl", "abs"));
        assertThat(bulk).as(at + " bulk get").containsOnlyKeys("ttl", "abs");
        assertThat(bulk.values()).as(at + " bulk get").containsOnlyNulls();
        Map<String, ValueWithMetadata<String>> bulkWithMetadata =
                ns.getWithMetadata(List.of("ttl", "abs"), ValueType.TEXT);
        assertThat(bulkWithMetadata).as(at + " bulk getWithMetadata").containsOnlyKeys("ttl", "abs");
        for (String key : List.of("ttl", "abs")) {
            ValueWithMetadata<String> one = bulkWithMetadata.get(key);
            assertThat(one == null ? null : one.value()).as(at + " bulk getWithMetadata " + key).isNull();
        }
    }
}
