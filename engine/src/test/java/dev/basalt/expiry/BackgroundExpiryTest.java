package dev.basalt.expiry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.BasaltStats;
import dev.basalt.PutOptions;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The background agent alone, with no sweep by hand, purges due keys: after a clock move, and
 * the backlog recovery leaves at open. The waits poll the stats and give up after
 * {@link #HANG_GUARD_MILLIS}: a guard against a hang, not a timing assertion (the default
 * pace is 100 ms, so the agent normally finishes in a fraction of a second).
 */
class BackgroundExpiryTest extends ExpiryTestBase {
    private static final int EXPIRING_KEYS = 2_000;
    private static final long TTL_SECONDS = 5;
    private static final long POLL_MILLIS = 10;
    private static final long HANG_GUARD_MILLIS = 10_000;

    @Test
    void theAgentAlonePurgesDueKeys() throws InterruptedException {
        ns.put("forever", "f");
        for (int i = 0; i < EXPIRING_KEYS; i++) {
            ns.put("ttl-" + i, "v", PutOptions.expirationTtl(TTL_SECONDS));
        }
        assertThat(stats().expiredAndPurged()).isZero();

        clock.advanceSeconds(TTL_SECONDS);
        BasaltStats done = awaitStats(s -> s.expiredAndPurged() == EXPIRING_KEYS);
        assertThat(done.expiredAndPurged()).isEqualTo(EXPIRING_KEYS);
        assertThat(done.liveKeys()).isEqualTo(1);
        assertThat(ns.get("forever")).isEqualTo("f");
    }

    @Test
    void theAgentAlonePurgesTheBacklogLeftAtOpen() throws InterruptedException {
        ns.put("forever", "f");
        for (int i = 0; i < EXPIRING_KEYS; i++) {
            ns.put("ttl-" + i, "v", PutOptions.expirationTtl(TTL_SECONDS));
        }
        db.close();
        db = null;
        clock.advanceSeconds(TTL_SECONDS);
        open();

        BasaltStats done = awaitStats(s -> s.expiredAndPurged() == EXPIRING_KEYS);
        assertThat(done.expiredAndPurged()).isEqualTo(EXPIRING_KEYS);
        assertThat(done.liveKeys()).isEqualTo(1);
        assertThat(ns.get("ttl-0")).isNull();
    }

    /** Polls the stats every {@link #POLL_MILLIS} until {@code done} holds or the hang guard runs out. */
    private BasaltStats awaitStats(Predicate<BasaltStats> done) throws InterruptedException {
        BasaltStats stats = stats();
        for (long waited = 0; !done.test(stats) && waited < HANG_GUARD_MILLIS; waited += POLL_MILLIS) {
            Thread.sleep(POLL_MILLIS);
            stats = stats();
        }
        return stats;
    }
}
