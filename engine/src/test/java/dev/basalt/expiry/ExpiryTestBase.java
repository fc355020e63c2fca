package dev.basalt.expiry;

import dev.basalt.Basalt;
import dev.basalt.BasaltInternals;
import dev.basalt.BasaltOptions;
import dev.basalt.BasaltStats;
import dev.basalt.Durability;
import dev.basalt.KvNamespace;
import dev.basalt.testing.ManualClock;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * One engine per test on a fresh directory, driven by a {@link ManualClock} with no minimum
 * TTL, so expiry is tested through the public API without sleeping.
 *
 * <p>The engine's background expiry agent runs too, and reads the same clock: once a test moves
 * the clock past an expiration, the agent may purge before the test's own
 * {@link #sweepAllDue()} does. Tests therefore assert on end states and on counters, which are
 * the same whoever swept, never on who did the work.
 *
 * <p>{@link Durability#PERIODIC}: writes apply at once and {@code close()} forces them, so a
 * test can write thousands of keys and reopen without waiting for an fsync per write.
 *
 * <p>Not thread-safe: each test method owns its engine on one thread.
 */
abstract class ExpiryTestBase {
    static final String NAMESPACE = "EXPIRY";
    /** The smallest segment the engine allows; small tests stay small on disk. */
    static final long SEGMENT_BYTES = 1L << 20;

    @TempDir
    Path dir;

    final ManualClock clock = new ManualClock();
    /** The epoch second the clock starts at; expirations are written relative to it. */
    final long start = clock.epochSecond();
    Basalt db;
    KvNamespace ns;

    @BeforeEach
    void openEngine() {
        open();
    }

    @AfterEach
    void closeEngine() {
        if (db != null) {
            db.close();
        }
    }

    /** The options every open of this test uses; override to change one. */
    BasaltOptions options() {
        return BasaltOptions.defaults()
                .withClock(clock)
                .withMinExpirationTtl(Duration.ZERO)
                .withDurability(Durability.PERIODIC)
                .withSegmentSize(SEGMENT_BYTES);
    }

    final void open() {
        db = Basalt.open(dir, options());
        ns = db.namespace(NAMESPACE);
    }

    /** Closes the engine and opens the same directory again with the same options. */
    final void reopen() {
        db.close();
        db = null;
        open();
    }

    /**
     * Closes, deletes the checkpoint the close wrote, and opens: the open replays the log, as
     * after a crash. Purges write nothing to the log, so this open finds purged records again.
     */
    final void reopenReplayingTheLog() {
        db.close();
        db = null;
        try {
            java.nio.file.Files.delete(dir.resolve("CHECKPOINT"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        open();
    }

    long now() {
        return clock.epochSecond();
    }

    /** Sweeps by hand at the clock's second until nothing due is left; returns entries handled here. */
    long sweepAllDue() {
        return BasaltInternals.sweepAllDue(db, now());
    }

    BasaltStats stats() {
        return db.stats();
    }

    /** The hot path's answer for {@code key}: the value as text, or null when it returns -1. */
    static String hotRead(KvNamespace namespace, String key) {
        ByteBuffer keyBytes = ByteBuffer.wrap(key.getBytes(StandardCharsets.UTF_8));
        ByteBuffer dst = ByteBuffer.allocate(256);
        int length = namespace.read(keyBytes, dst);
        if (length < 0) {
            return null;
        }
        if (length > dst.capacity()) {
            throw new AssertionError("test values are shorter than " + dst.capacity() + " bytes; got " + length);
        }
        return new String(dst.array(), 0, length, StandardCharsets.UTF_8);
    }
}
