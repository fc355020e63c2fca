package dev.basalt.internal.expiry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A reference {@link ExpirySweeper} over a real {@link ExpiryQueue} and a {@link HashMap} that
 * stands in for the store's hash index: {@code (namespaceId, keyHash) -> current record}. It
 * shows the protocol the store follows: every put with an expiration queues an entry, a due
 * entry purges its key only if the key still points at that entry's location, and the queue
 * is rebuilt by {@link ExpiryQueue#removeIf} when it holds more than twice the live keys with
 * an expiration. Locations are handed out here, unique and growing, as the log does.
 */
final class ModelSweeper implements ExpirySweeper, AutoCloseable {
    /** What the log stores for a record without an expiration. */
    static final long NO_EXPIRATION = 0;
    /** No rebuild below this many queued entries: small queues are not worth an O(n) pass. */
    static final long REBUILD_FLOOR_ENTRIES = 64;

    /** A key of one namespace, as the store identifies it. */
    record Key(int namespaceId, long keyHash) {
    }

    /** The record a key points at now. */
    record Current(long location, long expirationEpochSeconds) {
    }

    final ExpiryQueue queue;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<Key, Current> index = new HashMap<>();
    private final List<Integer> batches = new ArrayList<>();
    private final List<Runnable> duringSweep = new ArrayList<>();
    private long nextLocation = 1;
    private long liveKeysWithExpiration;
    private long purged;
    private long stale;
    private long rebuilds;

    ModelSweeper(ExpiryQueue queue) {
        this.queue = queue;
    }

    /** A put: a new record at a new location; queued if it expires. Returns the location. */
    long put(int namespaceId, long keyHash, long expirationEpochSeconds) {
        lock.lock();
        try {
            final long location = nextLocation++;
            final Current previous = index.put(new Key(namespaceId, keyHash),
                new Current(location, expirationEpochSeconds));
            forget(previous);
            if (expirationEpochSeconds != NO_EXPIRATION) {
                liveKeysWithExpiration++;
                queue.add(expirationEpochSeconds, namespaceId, keyHash, location);
                rebuildIfMostlyStale();
            }
            return location;
        } finally {
            lock.unlock();
        }
    }

    void delete(int namespaceId, long keyHash) {
        lock.lock();
        try {
            forget(index.remove(new Key(namespaceId, keyHash)));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int sweep(long nowEpochSeconds, int maxEntries) {
        lock.lock();
        try {
            duringSweep.forEach(Runnable::run);
            final int handled = queue.pollDue(nowEpochSeconds, maxEntries, this::purgeIfCurrent);
            batches.add(handled);
            return handled;
        } finally {
            lock.unlock();
        }
    }

    /** Runs inside every sweep, under the lock (a test's way to let the nano clock move). */
    void whileSweeping(Runnable action) {
        duringSweep.add(action);
    }

    /** The location the key points at, or null. */
    Long locationOf(int namespaceId, long keyHash) {
        final Current current = index.get(new Key(namespaceId, keyHash));
        return current == null ? null : current.location();
    }

    int liveKeys() {
        return index.size();
    }

    long liveKeysWithExpiration() {
        return liveKeysWithExpiration;
    }

    long purged() {
        return purged;
    }

    long stale() {
        return stale;
    }

    long rebuilds() {
        return rebuilds;
    }

    /** Entries handled by each sweep so far, in order. */
    List<Integer> batches() {
        return batches;
    }

    @Override
    public void close() {
        queue.close();
    }

    /** Due entry: purge only if the key still points at this very record. */
    private void purgeIfCurrent(long expirationEpochSeconds, int namespaceId, long keyHash, long location) {
        final Key key = new Key(namespaceId, keyHash);
        final Current current = index.get(key);
        if (current != null && current.location() == location) {
            index.remove(key);
            liveKeysWithExpiration--;
            purged++;
        } else {
            stale++;
        }
    }

    /** The anti-growth rule: more than twice the live TTL'd keys queued means mostly stale. */
    private void rebuildIfMostlyStale() {
        if (queue.size() > 2 * Math.max(liveKeysWithExpiration, REBUILD_FLOOR_ENTRIES)) {
            queue.removeIf((expirationEpochSeconds, namespaceId, keyHash, location) -> {
                final Current current = index.get(new Key(namespaceId, keyHash));
                return current == null || current.location() != location;
            });
            rebuilds++;
            assert queue.size() == liveKeysWithExpiration : "size=" + queue.size();
        }
    }

    private void forget(Current previous) {
        if (previous != null && previous.expirationEpochSeconds() != NO_EXPIRATION) {
            liveKeysWithExpiration--;
        }
    }
}
