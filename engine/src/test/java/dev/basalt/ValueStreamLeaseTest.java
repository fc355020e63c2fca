package dev.basalt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.internal.store.Store;
import dev.basalt.testing.ManualClock;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #17: a STREAM read whose metadata fails to parse gives its segment back, and a value
 * stream dropped without being closed is released by the garbage collector with a warning naming
 * its key. Observed through the JVM's own mappings ({@code /proc/self/maps}: a pinned segment
 * stays mapped after {@code close()}) and the lease counters; no wall-clock assertion.
 */
class ValueStreamLeaseTest {
    private static final Logger STREAM_LOGGER = Logger.getLogger("dev.basalt.ValueStream");

    @TempDir
    Path dir;

    private final List<LogRecord> warnings = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            warnings.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private Basalt db;
    private KvNamespace ns;

    @BeforeEach
    void open() {
        STREAM_LOGGER.addHandler(capture);
        STREAM_LOGGER.setUseParentHandlers(false); // the expected warning is asserted, not printed
        db = Basalt.open(dir, BasaltOptions.defaults().withClock(new ManualClock())
                .withMinExpirationTtl(Duration.ZERO).withSegmentSize(1L << 20));
        ns = db.namespace("LEASES");
    }

    @AfterEach
    void close() {
        db.close();
        STREAM_LOGGER.removeHandler(capture);
        STREAM_LOGGER.setUseParentHandlers(true);
    }

    @Test
    void aStreamReadWhoseMetadataFailsToParseReleasesItsSegment() throws IOException {
        Store store = BasaltInternals.store(db);
        byte[] value = "value".getBytes(StandardCharsets.UTF_8);
        // Only the engine can store metadata that is not JSON (a put checks it); this is how a
        // damaged-but-checksummed record, or one from a future writer, would read.
        store.put(store.namespace("LEASES"), "k".getBytes(StandardCharsets.UTF_8),
                "{not json".getBytes(StandardCharsets.UTF_8), dev.basalt.internal.env.Limits.NO_EXPIRATION, new UnsafeBuffer(value), 0,
                value.length);
        long outstanding = StreamLease.outstanding();

        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> ns.getWithMetadata("k", ValueType.STREAM))
                    .isInstanceOf(BasaltException.class)
                    .hasMessageContaining("metadata");
        }

        assertThat(StreamLease.outstanding()).isEqualTo(outstanding);
        db.close();
        assertThat(mappedSegmentsOf(dir)).as("no segment stays pinned after close").isEmpty();
    }

    @Test
    void aClosedOrFullyReadStreamGivesItsSegmentBackWithoutAWarning() throws IOException {
        ns.put("k", "abc");
        long outstanding = StreamLease.outstanding();
        InputStream closed = ns.get("k", ValueType.STREAM);
        InputStream readToEnd = ns.get("k", ValueType.STREAM);
        assertThat(StreamLease.outstanding()).isEqualTo(outstanding + 2);
        closed.close();
        closed.close();
        assertThat(readToEnd.readAllBytes()).containsExactly('a', 'b', 'c');
        assertThat(StreamLease.outstanding()).isEqualTo(outstanding);
        readToEnd.close();
        assertThat(StreamLease.outstanding()).isEqualTo(outstanding);
        db.close();
        assertThat(mappedSegmentsOf(dir)).isEmpty();
        assertThat(warningsAbout("\"k\"")).isEmpty();
    }

    @Test
    void aStreamDroppedUnclosedIsReleasedByTheCleanerWithAWarningNamingTheKey() throws Exception {
        ns.put("forgotten-key", "value");
        long returned = StreamLease.returnedByCleaner();
        openAndDrop();
        db.close();
        assertThat(mappedSegmentsOf(dir)).as("the dropped stream still pins its segment").isNotEmpty();

        // Wait (bounded) for this stream's own warning: other tests' dropped streams may move the
        // JVM-wide counter too, and the cleaner thread logs after it unmaps.
        for (int i = 0; i < 200 && warningsAbout("\"forgotten-key\"").isEmpty(); i++) {
            System.gc();
            Thread.sleep(10);
        }

        assertThat(StreamLease.returnedByCleaner()).as("the cleaner ran").isGreaterThan(returned);
        assertThat(mappedSegmentsOf(dir)).as("and unmapped the segment").isEmpty();
        assertThat(warningsAbout("\"forgotten-key\"")).singleElement().satisfies(record -> {
            assertThat(record.getLevel()).isEqualTo(java.util.logging.Level.WARNING);
            assertThat(record.getMessage()).contains("namespace LEASES", "never closed");
        });
    }

    private void openAndDrop() throws IOException {
        InputStream stream = ns.get("forgotten-key", ValueType.STREAM);
        assertThat(stream.read()).isEqualTo('v');
    }

    private List<LogRecord> warningsAbout(String text) {
        return warnings.stream().filter(r -> r.getMessage().contains(text)).collect(Collectors.toList());
    }

    private static List<String> mappedSegmentsOf(Path dir) throws IOException {
        String prefix = dir.toRealPath().toString();
        return Files.readAllLines(Path.of("/proc/self/maps")).stream()
                .filter(line -> line.contains(prefix) && line.contains(".seg"))
                .collect(Collectors.toList());
    }
}
