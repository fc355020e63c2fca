package dev.basalt.internal.store;

import dev.basalt.BasaltException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Group commit: writers that append while an fsync is running share the next one.
 *
 * <p>A writer whose record is not yet durable either becomes the leader (no sync running: it
 * runs one at once, so a lone writer never waits for company) or waits for the running sync
 * and, if that did not cover it, leads the next. The leader's sync covers every record
 * appended before it started, so under load one fsync acknowledges many writes.
 *
 * <p>Threads: any number of writers. Invariant: {@code durableSequence} only grows, and every
 * record up to it is forced and applied to the indexes.
 */
final class GroupCommit {
    /** Forces the log and applies pending index updates; returns the sequence now durable. */
    interface Syncer {
        long syncAll();
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition synced = lock.newCondition();
    private final Syncer syncer;
    private long durableSequence;
    private boolean syncing;
    private RuntimeException failure;

    GroupCommit(Syncer syncer, long durableSequence) {
        this.syncer = syncer;
        this.durableSequence = durableSequence;
    }

    /** Returns once the record with {@code sequence} is durable; throws if a sync failed. */
    void awaitDurable(long sequence) {
        lock.lock();
        try {
            while (durableSequence < sequence) {
                if (failure != null) {
                    throw new BasaltException("write not acknowledged: " + failure.getMessage(), failure);
                }
                if (syncing) {
                    synced.awaitUninterruptibly();
                    continue;
                }
                lead();
            }
        } finally {
            lock.unlock();
        }
    }

    private void lead() {
        syncing = true;
        lock.unlock();
        long covered = -1;
        RuntimeException error = null;
        try {
            covered = syncer.syncAll();
        } catch (RuntimeException e) {
            error = e;
        } finally {
            lock.lock();
            syncing = false;
            if (error != null) {
                failure = error;
            } else {
                durableSequence = Math.max(durableSequence, covered);
            }
            synced.signalAll();
        }
        if (error != null) {
            throw new BasaltException("write not acknowledged: " + error.getMessage(), error);
        }
    }
}
