package dev.basalt.expiry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.BasaltOptions;
import dev.basalt.PutOptions;
import dev.basalt.internal.expiry.ExpiryAgent;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * docs/expiry.md, "Clock jumps": "reads and purge use the same 'now', so the purge never
 * removes a key that a read would return". The background agent reads the clock before it
 * takes the store's lock; if the clock goes back and a key is written in between, the sweep
 * must not purge that key with the "now" it read before the jump.
 *
 * <p>The interleaving is forced with a {@link GatedClock} that holds the engine's background
 * thread right after it has read the time. No timing is asserted: the waits below are hang
 * guards, and the one bounded wait for the put only chooses the interleaving (if the put
 * blocks because an engine reads the clock under its lock, the agent is released first).
 */
class ExpiryAgentStaleNowTest extends ExpiryTestBase {
    /**
     * The thread the expiry agent runs on. Store.startBackground names it "basalt-background",
     * but Agrona's AgentRunner.startOnThread renames it to the agent's role name (for the
     * composite agent, a name that lists "basalt-expiry"); either is accepted.
     */
    private static final String BACKGROUND_THREAD = "basalt-background";
    private static final long HANG_GUARD_MILLIS = 10_000;
    /** How long the put may take before the test assumes it waits for the held agent. */
    private static final long PUT_WAIT_MILLIS = 2_000;

    private final GatedClock gatedClock = new GatedClock(clock,
            thread -> thread.getName().equals(BACKGROUND_THREAD) || thread.getName().contains(ExpiryAgent.ROLE_NAME));

    @Override
    BasaltOptions options() {
        return super.options().withClock(gatedClock).withExpiryPace(Duration.ofMillis(10));
    }

    @Test
    void aSweepDoesNotPurgeAKeyWrittenAfterTheClockWentBackWithTheNowItReadBefore() throws Exception {
        try {
            clock.setEpochSecond(start + 100);
            gatedClock.holdNextReadOf();
            assertThat(gatedClock.awaitHeld(HANG_GUARD_MILLIS)).as("the agent read the clock").isTrue();

            // The agent holds "now" = start + 100. The clock goes back, and a key is written
            // that is live until start + 50.
            clock.setEpochSecond(start);
            CompletableFuture<Void> put = CompletableFuture.runAsync(
                    () -> ns.put("k", "v", PutOptions.expiration(start + 50)));
            try {
                put.get(PUT_WAIT_MILLIS, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                // The put waits for the agent (an engine that reads the clock under its lock).
            }
            gatedClock.release();
            put.get(HANG_GUARD_MILLIS, TimeUnit.MILLISECONDS);

            // The agent's next read of the clock comes after the sweep it was held before.
            gatedClock.holdNextReadOf();
            assertThat(gatedClock.awaitHeld(HANG_GUARD_MILLIS)).as("the agent swept and came back").isTrue();
            assertThat(ns.get("k")).as("a key 50 s from its expiration, after the agent's sweep").isEqualTo("v");
            assertThat(stats().expiredAndPurged()).isZero();
            assertThat(stats().liveKeys()).isEqualTo(1);
        } finally {
            gatedClock.release();
        }
    }

    /** Guards the test's own machinery: with no clock jump, the held agent purges as usual. */
    @Test
    void withoutAJumpTheHeldAgentPurgesWhatIsDue() throws InterruptedException, ExecutionException {
        try {
            ns.put("k", "v", PutOptions.expiration(start + 50));
            clock.setEpochSecond(start + 50);
            gatedClock.holdNextReadOf();
            assertThat(gatedClock.awaitHeld(HANG_GUARD_MILLIS)).isTrue();
            gatedClock.release();
            // The store reads the clock again under its lock, so the number of reads per sweep
            // is not fixed: wait (bounded; a hang guard, not a timing) for the purge instead.
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(HANG_GUARD_MILLIS);
            while (stats().expiredAndPurged() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(stats().expiredAndPurged()).isEqualTo(1);
            assertThat(ns.get("k")).isNull();
        } finally {
            gatedClock.release();
        }
    }
}
