package dev.basalt.acceptance;

import dev.basalt.Basalt;
import dev.basalt.BasaltOptions;
import dev.basalt.KvNamespace;
import dev.basalt.testing.ManualClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * One open engine per test on a fresh directory, with a {@link ManualClock}, no minimum
 * TTL and a 1 MiB value limit (so size-limit tests stay fast).
 *
 * <p>Not thread-safe: each test method runs on one thread and owns its engine.
 */
abstract class AcceptanceTestBase {
    /** The value limit the tests run with: 1 MiB keeps "at the limit" tests cheap. */
    static final long MAX_VALUE_BYTES = 1L << 20;
    /** 4 MiB: room for a value at the limit plus its record header in one segment. */
    static final long SEGMENT_BYTES = 4L << 20;
    static final String NAMESPACE = "ACCEPTANCE";

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

    /** The options every test of this base opens with; override to change one. */
    BasaltOptions options() {
        return BasaltOptions.defaults()
                .withClock(clock)
                .withMinExpirationTtl(Duration.ZERO)
                .withMaxValueSize(MAX_VALUE_BYTES)
                .withSegmentSize(SEGMENT_BYTES);
    }

    /** Closes the engine and opens the same directory again with the same options. */
    void reopen() {
        db.close();
        db = Basalt.open(dir, options());
        ns = db.namespace(NAMESPACE);
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** {@code length} bytes of a repeating, position-dependent pattern (not all equal). */
    static byte[] patternBytes(int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (i * 31 + (i >>> 8));
        }
        return bytes;
    }

    /** A string of {@code length} ASCII characters, so also {@code length} UTF-8 bytes. */
    static String asciiOfLength(int length) {
        char[] chars = new char[length];
        Arrays.fill(chars, 'v');
        return new String(chars);
    }
}
