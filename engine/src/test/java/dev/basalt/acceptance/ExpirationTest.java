package dev.basalt.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.Basalt;
import dev.basalt.BasaltOptions;
import dev.basalt.KvNamespace;
import dev.basalt.PutOptions;
import dev.basalt.ValueType;
import dev.basalt.ValueWithMetadata;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * API.md "Expiration" and "Details": TTL is relative to the clock's epoch second (rounded
 * down), expiration is absolute, TTL wins when both are given, a key is gone for every
 * read at its expiration second.
 */
class ExpirationTest extends AcceptanceTestBase {
    /** A second directory for engines with other options (never inside {@link #dir}). */
    @TempDir
    Path spareDir;

    private long now() {
        return clock.epochSecond();
    }

    // ---- TTL and absolute expiration ------------------------------------------------------------

    @Test
    void ttlSetsExpirationRelativeToTheClock() {
        long start = now();
        ns.put("k", "v", PutOptions.expirationTtl(100));
        clock.setEpochSecond(start + 99);
        assertThat(ns.get("k")).isEqualTo("v");
        clock.setEpochSecond(start + 100);
        assertThat(ns.get("k")).isNull();
    }

    @Test
    void absoluteExpirationIsEpochSeconds() {
        long expiration = now() + 50;
        ns.put("k", "v", PutOptions.expiration(expiration));
        clock.setEpochSecond(expiration - 1);
        assertThat(ns.get("k")).isEqualTo("v");
        clock.setEpochSecond(expiration);
        assertThat(ns.get("k")).isNull();
    }

    @Test
    void fluentFormsAreEquivalentToFactories() {
        long start = now();
        ns.put("ttl", "v", PutOptions.none().withExpirationTtl(10));
        ns.put("abs", "v", PutOptions.none().withExpiration(start + 10));
        clock.setEpochSecond(start + 9);
        assertThat(ns.get("ttl")).isEqualTo("v");
        assertThat(ns.get("abs")).isEqualTo("v");
        clock.setEpochSecond(start + 10);
        assertThat(ns.get("ttl")).isNull();
        assertThat(ns.get("abs")).isNull();
    }

    @Test
    void keyWithoutExpirationNeverExpires() {
        ns.put("k", "v");
        clock.advanceSeconds(100L * 365 * 24 * 3600);
        assertThat(ns.get("k")).isEqualTo("v");
    }

    @Test
    void ttlWinsOverEarlierGivenExpiration() {
        long start = now();
        ns.put("k", "v", PutOptions.expiration(start + 1000).withExpirationTtl(10));
        clock.setEpochSecond(start + 9);
        assertThat(ns.get("k")).isEqualTo("v");
        clock.setEpochSecond(start + 10);
        assertThat(ns.get("k")).isNull();
    }

    @Test
    void ttlWinsOverLaterGivenExpiration() {
        long start = now();
        ns.put("k", "v", PutOptions.expirationTtl(10).withExpiration(start + 1000));
        clock.setEpochSecond(start + 10);
        assertThat(ns.get("k")).isNull();
    }

    @Test
    void ignoredExpirationIsNotValidated() {
        long start = now();
        // The expiration is in the past, but the TTL counts, so the put is legal.
        ns.put("k", "v", PutOptions.expiration(start - 5).withExpirationTtl(10));
        ns.put("k2", "v", PutOptions.expirationTtl(10).withExpiration(0));
        assertThat(ns.get("k")).isEqualTo("v");
        assertThat(ns.get("k2")).isEqualTo("v");
        clock.setEpochSecond(start + 10);
        assertThat(ns.get("k")).isNull();
        assertThat(ns.get("k2")).isNull();
    }

    @Test
    void nowIsTheClocksEpochSecondRoundedDown() {
        long start = now();
        clock.setInstant(Instant.ofEpochSecond(start, 900_000_000));
        ns.put("ttl", "v", PutOptions.expirationTtl(1));       // expiration = start + 1
        ns.put("abs", "v", PutOptions.expiration(start + 1));  // legal: now is start, not start + 0.9
        clock.setInstant(Instant.ofEpochSecond(start, 999_999_999));
        assertThat(ns.get("ttl")).isEqualTo("v");
        assertThat(ns.get("abs")).isEqualTo("v");
        clock.setInstant(Instant.ofEpochSecond(start + 1));
        assertThat(ns.get("ttl")).isNull();
        assertThat(ns.get("abs")).isNull();
    }

    // ---- validation ----------------------------------------------------------------------------

    @Test
    void zeroTtlIsRejectedEvenWithZeroMinimum() {
        assertThatThrownBy(() -> ns.put("k", "v", PutOptions.expirationTtl(0)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(ns.get("k")).isNull();
    }

    @Test
    void negativeTtlIsRejected() {
        assertThatThrownBy(() -> ns.put("k", "v", PutOptions.expirationTtl(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void expirationAtNowIsRejectedEvenWithZeroMinimum() {
        assertThatThrownBy(() -> ns.put("k", "v", PutOptions.expiration(now())))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(ns.get("k")).isNull();
    }

    @Test
    void expirationInThePastIsRejected() {
        assertThatThrownBy(() -> ns.put("k", "v", PutOptions.expiration(now() - 100)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void expirationOneSecondAheadIsAcceptedWithZeroMinimum() {
        ns.put("k", "v", PutOptions.expiration(now() + 1));
        assertThat(ns.get("k")).isEqualTo("v");
    }

    @Test
    void ttlOfOneSecondIsAcceptedWithZeroMinimum() {
        ns.put("k", "v", PutOptions.expirationTtl(1));
        assertThat(ns.get("k")).isEqualTo("v");
        clock.advanceSeconds(1);
        assertThat(ns.get("k")).isNull();
    }

    @Test
    void defaultMinimumTtlIsSixtySeconds() {
        try (Basalt other = Basalt.open(spareDir,
                BasaltOptions.defaults().withClock(clock))) {
            KvNamespace strict = other.namespace("N");
            assertThatThrownBy(() -> strict.put("k", "v", PutOptions.expirationTtl(59)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("59")
                    .hasMessageContaining("60");
            strict.put("k", "v", PutOptions.expirationTtl(60));
            assertThat(strict.get("k")).isEqualTo("v");
        }
    }

    @Test
    void ttlBelowConfiguredMinimumIsRejectedNamingBothFigures() {
        try (Basalt other = openWithMinimumTtl(Duration.ofSeconds(300))) {
            KvNamespace strict = other.namespace("N");
            assertThatThrownBy(() -> strict.put("k", "v", PutOptions.expirationTtl(299)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("299")
                    .hasMessageContaining("300");
            assertThat(strict.get("k")).isNull();
            strict.put("k", "v", PutOptions.expirationTtl(300));
            assertThat(strict.get("k")).isEqualTo("v");
        }
    }

    @Test
    void absoluteExpirationBelowConfiguredMinimumIsRejected() {
        try (Basalt other = openWithMinimumTtl(Duration.ofSeconds(300))) {
            KvNamespace strict = other.namespace("N");
            long start = now();
            assertThatThrownBy(() -> strict.put("k", "v", PutOptions.expiration(start + 299)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("300");
            strict.put("k", "v", PutOptions.expiration(start + 300));
            assertThat(strict.get("k")).isEqualTo("v");
        }
    }

    @Test
    void minimumAppliesToTheTtlWhenBothAreGiven() {
        try (Basalt other = openWithMinimumTtl(Duration.ofSeconds(300))) {
            KvNamespace strict = other.namespace("N");
            long start = now();
            // The expiration would pass the minimum, but the TTL is the one that counts.
            assertThatThrownBy(() -> strict.put("k", "v",
                    PutOptions.expiration(start + 10_000).withExpirationTtl(10)))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(strict.get("k")).isNull();
        }
    }

    @Test
    void rejectedTtlLeavesOldValueAndStats() {
        ns.put("k", "old");
        Object statsBefore = db.stats();
        assertThatThrownBy(() -> ns.put("k", "new", PutOptions.expirationTtl(0)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(ns.get("k")).isEqualTo("old");
        clock.advanceSeconds(1000);
        assertThat(ns.get("k")).isEqualTo("old");
        assertThat(db.stats()).isEqualTo(statsBefore);
    }

    // ---- gone for every read at the expiration second -------------------------------------------

    @Test
    void expiredKeyIsGoneForGet() {
        long expiration = putExpiring("k", 30);
        clock.setEpochSecond(expiration - 1);
        assertThat(ns.get("k")).isEqualTo("v");
        assertThat(ns.get("k", ValueType.BYTES)).isEqualTo(utf8("v"));
        clock.setEpochSecond(expiration);
        assertThat(ns.get("k")).isNull();
        assertThat(ns.get("k", ValueType.BYTES)).isNull();
        assertThat(ns.get("k", ValueType.JSON)).isNull();
    }

    @Test
    void expiredKeyIsGoneForStream() throws IOException {
        long expiration = putExpiring("k", 30);
        clock.setEpochSecond(expiration - 1);
        try (InputStream in = ns.get("k", ValueType.STREAM)) {
            assertThat(in.readAllBytes()).isEqualTo(utf8("v"));
        }
        clock.setEpochSecond(expiration);
        assertThat(ns.get("k", ValueType.STREAM)).isNull();
    }

    @Test
    void expiredKeyIsGoneForGetWithMetadata() {
        long expiration = putExpiring("k", 30);
        clock.setEpochSecond(expiration - 1);
        ValueWithMetadata<String> before = ns.getWithMetadata("k");
        assertThat(before.value()).isEqualTo("v");
        assertThat(before.metadata().asString()).isEqualTo("m");
        clock.setEpochSecond(expiration);
        ValueWithMetadata<String> after = ns.getWithMetadata("k");
        assertThat(after.value()).isNull();
        assertThat(after.metadata()).isNull();
    }

    @Test
    void expiredKeyIsGoneForBulkGet() {
        long expiration = putExpiring("k", 30);
        ns.put("other", "o");
        clock.setEpochSecond(expiration - 1);
        assertThat(ns.get(List.of("k", "other"))).containsEntry("k", "v").containsEntry("other", "o");
        clock.setEpochSecond(expiration);
        Map<String, String> after = ns.get(List.of("k", "other"));
        assertThat(after).containsKey("k").containsEntry("other", "o");
        assertThat(after.get("k")).isNull();
    }

    @Test
    void expiredKeyIsGoneForBulkGetWithMetadata() {
        long expiration = putExpiring("k", 30);
        clock.setEpochSecond(expiration - 1);
        Map<String, ValueWithMetadata<String>> before = ns.getWithMetadata(List.of("k"), ValueType.TEXT);
        assertThat(before.get("k").value()).isEqualTo("v");
        clock.setEpochSecond(expiration);
        Map<String, ValueWithMetadata<String>> after = ns.getWithMetadata(List.of("k"), ValueType.TEXT);
        assertThat(after).containsKey("k");
        assertThat(after.get("k")).as("expired key in bulk getWithMetadata maps to null (issue #17)").isNull();
    }

    @Test
    void expiredKeyIsGoneForRead() {
        long expiration = putExpiring("k", 30);
        ByteBuffer key = ByteBuffer.wrap(utf8("k"));
        clock.setEpochSecond(expiration - 1);
        assertThat(ns.read(key, ByteBuffer.allocate(16))).isEqualTo(1);
        clock.setEpochSecond(expiration);
        ByteBuffer dst = ByteBuffer.allocate(16);
        assertThat(ns.read(key, dst)).isEqualTo(-1);
        assertThat(dst.position()).isZero();
    }

    @Test
    void expiredKeyStaysGoneLongAfter() {
        long expiration = putExpiring("k", 30);
        clock.setEpochSecond(expiration + 10_000);
        assertThat(ns.get("k")).isNull();
    }

    @Test
    void expiredKeyStaysGoneAfterReopen() {
        long expiration = putExpiring("k", 30);
        clock.setEpochSecond(expiration + 1);
        reopen();
        assertThat(ns.get("k")).isNull();
        assertThat(ns.getWithMetadata("k").metadata()).isNull();
    }

    @Test
    void overwrittenThenExpiredKeyStaysGoneAfterReopen() {
        // ARCHITECTURE.md: put(k,v1); put(k,v2,ttl); clock passes the ttl; restart: get(k) is null.
        ns.put("k", "v1");
        long start = now();
        ns.put("k", "v2", PutOptions.expirationTtl(10));
        clock.setEpochSecond(start + 11);
        reopen();
        assertThat(ns.get("k")).isNull();
    }

    @Test
    void expirationSurvivesReopen() {
        long expiration = putExpiring("k", 100);
        reopen();
        clock.setEpochSecond(expiration - 1);
        assertThat(ns.get("k")).isEqualTo("v");
        clock.setEpochSecond(expiration);
        assertThat(ns.get("k")).isNull();
    }

    @Test
    void expiredKeyCanBeWrittenAgain() {
        long expiration = putExpiring("k", 30);
        clock.setEpochSecond(expiration + 5);
        ns.put("k", "again");
        assertThat(ns.get("k")).isEqualTo("again");
        assertThat(ns.getWithMetadata("k").metadata()).isNull();
        clock.advanceSeconds(10_000);
        assertThat(ns.get("k")).isEqualTo("again");
    }

    // ---- put replaces value, metadata and expiration together ------------------------------------

    @Test
    void putWithoutExpirationClearsEarlierExpiration() {
        long expiration = putExpiring("k", 30);
        ns.put("k", "v2");
        clock.setEpochSecond(expiration + 1000);
        ValueWithMetadata<String> got = ns.getWithMetadata("k");
        assertThat(got.value()).isEqualTo("v2");
        assertThat(got.metadata()).isNull();
    }

    @Test
    void putWithExpirationAddsItToAKeyThatHadNone() {
        ns.put("k", "v1", PutOptions.none().withMetadata("m1"));
        long start = now();
        ns.put("k", "v2", PutOptions.expirationTtl(20));
        assertThat(ns.getWithMetadata("k").metadata()).isNull();
        clock.setEpochSecond(start + 20);
        assertThat(ns.get("k")).isNull();
    }

    @Test
    void putWithLaterExpirationReplacesEarlierOne() {
        long start = now();
        ns.put("k", "v1", PutOptions.expirationTtl(10));
        ns.put("k", "v2", PutOptions.expirationTtl(100));
        clock.setEpochSecond(start + 50);
        assertThat(ns.get("k")).isEqualTo("v2");
        clock.setEpochSecond(start + 100);
        assertThat(ns.get("k")).isNull();
    }

    @Test
    void putWithEarlierExpirationReplacesLaterOne() {
        long start = now();
        ns.put("k", "v1", PutOptions.expirationTtl(100));
        ns.put("k", "v2", PutOptions.expirationTtl(10));
        clock.setEpochSecond(start + 10);
        assertThat(ns.get("k")).isNull();
        clock.setEpochSecond(start + 50);
        assertThat(ns.get("k")).isNull();
    }

    @Test
    void deleteOfExpiringKeyIsFinal() {
        long expiration = putExpiring("k", 30);
        ns.delete("k");
        clock.setEpochSecond(expiration - 1);
        assertThat(ns.get("k")).isNull();
    }

    /** Puts "v" with metadata "m" expiring {@code ttlSeconds} from now; returns the expiration. */
    private long putExpiring(String key, long ttlSeconds) {
        long expiration = now() + ttlSeconds;
        ns.put(key, "v", PutOptions.expirationTtl(ttlSeconds).withMetadata("m"));
        return expiration;
    }

    private Basalt openWithMinimumTtl(Duration minimum) {
        return Basalt.open(spareDir,
                BasaltOptions.defaults().withClock(clock).withMinExpirationTtl(minimum));
    }
}
