package dev.basalt.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link Clock} that only moves when a test moves it, so expiry can be tested without
 * sleeping.
 *
 * <p>Thread-safe: the current instant lives in one {@link AtomicReference}, so an engine's
 * background threads read a consistent instant while the test thread moves it. Clocks
 * returned by {@link #withZone(ZoneId)} share that reference: moving one moves all.
 */
public final class ManualClock extends Clock {
    /** 2024-01-01T00:00:00Z: a round, recent start that is far from 0 and from overflow. */
    public static final long DEFAULT_START_EPOCH_SECONDS = 1_704_067_200L;

    private final AtomicReference<Instant> now;
    private final ZoneId zone;

    /** A clock standing at {@link #DEFAULT_START_EPOCH_SECONDS}. */
    public ManualClock() {
        this(Instant.ofEpochSecond(DEFAULT_START_EPOCH_SECONDS));
    }

    /** A clock standing at {@code start}, in UTC. */
    public ManualClock(Instant start) {
        this(new AtomicReference<>(Objects.requireNonNull(start, "start")), ZoneOffset.UTC);
    }

    private ManualClock(AtomicReference<Instant> now, ZoneId zone) {
        this.now = now;
        this.zone = zone;
    }

    /** Puts the clock at exactly {@code epochSeconds} (no fraction of a second). */
    public void setEpochSecond(long epochSeconds) {
        now.set(Instant.ofEpochSecond(epochSeconds));
    }

    /** Puts the clock at {@code instant}, which may carry a fraction of a second. */
    public void setInstant(Instant instant) {
        now.set(Objects.requireNonNull(instant, "instant"));
    }

    /** Moves the clock by {@code seconds}; negative values move it backwards. */
    public void advanceSeconds(long seconds) {
        now.updateAndGet(current -> current.plusSeconds(seconds));
    }

    /** Moves the clock by {@code duration}; a negative duration moves it backwards. */
    public void advance(Duration duration) {
        Objects.requireNonNull(duration, "duration");
        now.updateAndGet(current -> current.plus(duration));
    }

    /** The current epoch second, rounded down, as the engine is specified to see it. */
    public long epochSecond() {
        return now.get().getEpochSecond();
    }

    @Override
    public Instant instant() {
        return now.get();
    }

    @Override
    public long millis() {
        return now.get().toEpochMilli();
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    @Override
    public Clock withZone(ZoneId newZone) {
        return newZone.equals(zone) ? this : new ManualClock(now, newZone);
    }

    @Override
    public String toString() {
        return "ManualClock[" + now.get() + "]";
    }
}
