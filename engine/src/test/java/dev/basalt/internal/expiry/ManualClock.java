package dev.basalt.internal.expiry;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A UTC clock that a test sets and moves by hand, in either direction. Not thread-safe. */
final class ManualClock extends Clock {
    private Instant now;

    ManualClock(long epochSeconds) {
        this.now = Instant.ofEpochSecond(epochSeconds);
    }

    void setEpochSeconds(long epochSeconds) {
        now = Instant.ofEpochSecond(epochSeconds);
    }

    void setEpochMillis(long epochMillis) {
        now = Instant.ofEpochMilli(epochMillis);
    }

    long epochSeconds() {
        return now.getEpochSecond();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("a manual clock has one zone, UTC");
    }

    @Override
    public Instant instant() {
        return now;
    }
}
