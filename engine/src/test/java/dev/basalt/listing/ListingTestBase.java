package dev.basalt.listing;

import dev.basalt.Basalt;
import dev.basalt.BasaltOptions;
import dev.basalt.Durability;
import dev.basalt.KvNamespace;
import dev.basalt.testing.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * One open engine per test on a fresh directory, with a {@link ManualClock} and no minimum
 * TTL, so expiry is tested by moving the clock.
 *
 * <p>The background expiry sweeps once at open and then only every hour: a test that wants a
 * purge calls {@code BasaltInternals.sweepAllDue}, and a test that checks "omitted without a
 * sweep" can prove no sweep ran ({@code stats().expiredAndPurged() == 0}). PERIODIC durability:
 * these tests load thousands of keys and are about listing, not fsync (close still syncs, so
 * reopen sees every write).
 *
 * <p>Not thread-safe: each test method runs on one thread and owns its engine.
 */
abstract class ListingTestBase {
    static final String NAMESPACE = "LISTING";
    /** 4 MiB segments: every test's data fits in one or two. */
    static final long SEGMENT_BYTES = 4L << 20;
    static final Duration NO_BACKGROUND_SWEEP = Duration.ofHours(1);

    @TempDir
    Path dir;

    final ManualClock clock = new ManualClock();
    Basalt db;
    KvNamespace ns;

    @BeforeEach
    void openEngine() {
        db = Basalt.open(dir, options());
        ns = db.namespace(NAMESPACE);
    }

    @AfterEach
    void closeEngine() {
        if (db != null) {
            db.close();
        }
    }

    BasaltOptions options() {
        return BasaltOptions.defaults()
                .withClock(clock)
                .withMinExpirationTtl(Duration.ZERO)
                .withDurability(Durability.PERIODIC)
                .withSegmentSize(SEGMENT_BYTES)
                .withExpiryPace(NO_BACKGROUND_SWEEP);
    }

    /** Closes the engine and opens the same directory again with the same options. */
    void reopen() {
        db.close();
        db = Basalt.open(dir, options());
        ns = db.namespace(NAMESPACE);
    }
}
