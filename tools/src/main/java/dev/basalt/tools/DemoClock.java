package dev.basalt.tools;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** The demo's clock: it stands still and moves only when the demo moves it ("time travel"). Thread-safe. */
final class DemoClock extends Clock {
    private final AtomicLong epochMillis;

    DemoClock(Instant start) {
        this.epochMillis = new AtomicLong(start.toEpochMilli());
    }

    void advance(Duration by) {
        epochMillis.addAndGet(by.toMillis());
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(epochMillis.get());
    }

    @Override
    public long millis() {
        return epochMillis.get();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        if (!zone.equals(ZoneOffset.UTC)) {
            throw new UnsupportedOperationException("the demo clock runs in UTC only");
        }
        return this;
    }
}
