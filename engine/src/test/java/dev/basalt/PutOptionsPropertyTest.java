package dev.basalt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

/** The expiration rules of API.md, checked over random clocks, minimums and requests. */
class PutOptionsPropertyTest {
    private static final long YEAR_3000 = 32_503_680_000L;

    @Property
    void aResolvedTtlExpirationIsAlwaysAtLeastTheMinimumAhead(
            @ForAll @LongRange(min = 0, max = YEAR_3000) long now,
            @ForAll @LongRange(min = 0, max = 1_000_000) long minimum,
            @ForAll long ttl) {
        PutOptions options = PutOptions.expirationTtl(ttl);
        boolean valid = ttl >= Math.max(1, minimum) && ttl <= Long.MAX_VALUE - now;
        if (valid) {
            assertThat(options.resolveExpirationEpochSeconds(now, minimum))
                    .isEqualTo(now + ttl)
                    .isGreaterThanOrEqualTo(now + Math.max(1, minimum));
        } else {
            assertThatThrownBy(() -> options.resolveExpirationEpochSeconds(now, minimum))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(Long.toString(ttl));
        }
    }

    @Property
    void anAbsoluteExpirationIsEitherReturnedUnchangedOrRejected(
            @ForAll @LongRange(min = 0, max = YEAR_3000) long now,
            @ForAll @LongRange(min = 0, max = 1_000_000) long minimum,
            @ForAll @LongRange(min = -2_000_000, max = 2_000_000) long offsetFromNow) {
        long expiration = now + offsetFromNow;
        PutOptions options = PutOptions.expiration(expiration);
        if (offsetFromNow >= Math.max(1, minimum)) {
            assertThat(options.resolveExpirationEpochSeconds(now, minimum)).isEqualTo(expiration);
        } else {
            assertThatThrownBy(() -> options.resolveExpirationEpochSeconds(now, minimum))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("expiration " + expiration)
                    .hasMessageContaining("now (" + now + ")")
                    .hasMessageContaining("the minimum is " + Math.max(1, minimum));
        }
    }

    @Property
    void theTtlDecidesWheneverBothAreGiven(
            @ForAll @LongRange(min = 0, max = YEAR_3000) long now,
            @ForAll long anyExpiration,
            @ForAll @LongRange(min = 60, max = 1_000_000_000) long ttl) {
        PutOptions both = PutOptions.expiration(anyExpiration).withExpirationTtl(ttl);
        assertThat(both.resolveExpirationEpochSeconds(now, 60)).isEqualTo(now + ttl);
    }
}
