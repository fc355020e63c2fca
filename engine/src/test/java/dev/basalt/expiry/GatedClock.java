package dev.basalt.expiry;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A {@link Clock} over another that can stop one thread right after it has read the time, as if it were preempted there: {@link #holdNextReadOf()} arms it, the next
 * {@link #millis()} on that thread reads the delegate, signals {@link #awaitHeld}, and waits
 * for {@link #release()} before returning what it read. Other threads are never held.
 *
 * <p>Thread-safe: arming and releasing happen on the test thread, the hold on the gated one;
 * the latches are published through volatile fields before {@code armed} is set.
 */
final class GatedClock extends Clock {
    private final Clock delegate;
    private final Predicate<Thread> gated;
    private volatile CountDownLatch held = new CountDownLatch(0);
    private volatile CountDownLatch released = new CountDownLatch(0);
    private volatile boolean armed;

    /** A clock reading {@code delegate} that holds only threads that {@code gated} accepts. */
    GatedClock(Clock delegate, Predicate<Thread> gated) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.gated = Objects.requireNonNull(gated, "gated");
    }

    /** Holds the gated thread at its next read of the time, until {@link #release()}. */
    void holdNextReadOf() {
        held = new CountDownLatch(1);
        released = new CountDownLatch(1);
        armed = true;
    }

    /** Waits until the gated thread is held; false if it did not arrive within the timeout. */
    boolean awaitHeld(long timeoutMillis) throws InterruptedException {
        return held.await(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    /** Lets a held thread return the time it read (and disarms a hold not yet taken). */
    void release() {
        armed = false;
        released.countDown();
    }

    @Override
    public long millis() {
        long millis = delegate.millis();
        if (armed && gated.test(Thread.currentThread())) {
            armed = false;
            CountDownLatch waitFor = released;
            held.countDown();
            try {
                waitFor.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return millis;
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis());
    }

    @Override
    public ZoneId getZone() {
        return delegate.getZone();
    }

    @Override
    public Clock withZone(ZoneId zone) {
        if (!zone.equals(getZone())) {
            throw new UnsupportedOperationException("this clock keeps its delegate's zone " + getZone());
        }
        return this;
    }
}
