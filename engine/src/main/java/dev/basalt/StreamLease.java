package dev.basalt;

import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The segment reference a {@link ValueStream} holds, and the {@link Cleaner} action that gives
 * it back if the stream becomes unreachable without being closed or read to the end.
 *
 * <p>Why: a value stream retains its segment so that the mapping outlives compaction. A stream
 * the caller forgets would pin that segment (its mapping, and after compaction its deleted
 * file's disk space) until the JVM exits. With the lease the garbage collector ends the pin and
 * a {@code WARNING} on the {@code dev.basalt.ValueStream} logger names the namespace and key, so
 * the leak is found and fixed rather than silently tolerated.
 *
 * <p>The action is this object, which references a release action bound to the segment, the
 * names and a flag, never the stream (a cleaning action that reached the stream would keep it
 * reachable, and it would never be cleaned). It runs at most once: {@link ValueStream#close()} runs it through
 * {@link Cleaner.Cleanable#clean()}, which also unregisters it.
 *
 * <p>Threads: one daemon thread per JVM, {@code "ValueStream cleaner (dev.basalt)"}, started
 * with the first value stream, like the JDK's own common cleaner.
 */
final class StreamLease implements Runnable {
    private static final System.Logger LOG = System.getLogger("dev.basalt.ValueStream");
    /** Leases not yet returned, across the JVM; for tests. */
    private static final AtomicLong OUTSTANDING = new AtomicLong();
    /** Leases the cleaner returned because their stream was dropped unclosed; for tests. */
    private static final AtomicLong RETURNED_BY_CLEANER = new AtomicLong();

    /** Created on first use, so a store that never streams starts no thread. */
    private static final class Holder {
        static final Cleaner CLEANER = Cleaner.create(action -> {
            Thread thread = new Thread(action, "ValueStream cleaner (dev.basalt)");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Gives the segment reference back; the lease knows nothing else of the engine's types. */
    private final Runnable release;
    /** What is held, for the warning, e.g. {@code "segment 3"}. */
    private final String held;
    private final String namespace;
    private final String key;
    private final AtomicBoolean returned = new AtomicBoolean();
    private volatile boolean closedByOwner;

    private StreamLease(Runnable release, String held, String namespace, String key) {
        this.release = release;
        this.held = held;
        this.namespace = namespace;
        this.key = key;
    }

    /**
     * Takes over a reference the caller already holds (given back by {@code release}, described
     * by {@code held}) for {@code stream}; the returned cleanable gives it back exactly once.
     * {@code release} must not reference the stream.
     */
    static Cleaner.Cleanable watch(Object stream, Runnable release, String held, String namespace, String key) {
        StreamLease lease = new StreamLease(release, held, namespace, key);
        OUTSTANDING.incrementAndGet();
        return new Cleanable(Holder.CLEANER.register(stream, lease), lease);
    }

    @Override
    public void run() {
        if (!returned.compareAndSet(false, true)) {
            return;
        }
        release.run();
        OUTSTANDING.decrementAndGet();
        if (!closedByOwner) {
            LOG.log(System.Logger.Level.WARNING, "a value stream of key \"" + key + "\" in namespace " + namespace
                    + " was never closed; its " + held + " was released by the garbage collector."
                    + " Close every stream from get(key, ValueType.STREAM) (try-with-resources) or read it to the end");
            RETURNED_BY_CLEANER.incrementAndGet(); // after the warning: a count seen means its warning was issued
        }
    }

    /** Leases outstanding across the JVM. */
    static long outstanding() {
        return OUTSTANDING.get();
    }

    /** Leases the cleaner returned for streams dropped unclosed, across the JVM. */
    static long returnedByCleaner() {
        return RETURNED_BY_CLEANER.get();
    }

    /** Marks the release as the owner's (no warning) before running the action. */
    private record Cleanable(Cleaner.Cleanable registered, StreamLease lease) implements Cleaner.Cleanable {
        @Override
        public void clean() {
            lease.closedByOwner = true;
            registered.clean();
        }
    }
}
