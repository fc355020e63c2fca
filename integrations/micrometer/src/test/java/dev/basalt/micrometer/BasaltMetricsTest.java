package dev.basalt.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.Basalt;
import dev.basalt.BasaltOptions;
import dev.basalt.BasaltStats;
import dev.basalt.KvNamespace;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BasaltMetricsTest {
    @TempDir
    Path dir;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private double gauge(String name, String store) {
        Gauge gauge = registry.get(name).tag("store", store).gauge();
        return gauge.value();
    }

    private double counter(String name, String store) {
        FunctionCounter counter = registry.get(name).tag("store", store).functionCounter();
        return counter.count();
    }

    @Test
    void metersFollowStatsTaggedByStore() {
        try (Basalt db = Basalt.open(dir.resolve("a"), BasaltOptions.defaults().withSegmentSize(1L << 20));
                Basalt other = Basalt.open(dir.resolve("b"), BasaltOptions.defaults().withSegmentSize(1L << 20))) {
            new BasaltMetrics(db, "sessions", Tags.of("app", "demo")).bindTo(registry);
            new BasaltMetrics(other, "profiles").bindTo(registry);
            KvNamespace ns = db.namespace("S");
            for (int i = 0; i < 10; i++) {
                ns.put("k" + i, "value " + i);
            }
            ns.put("k0", "overwritten");
            other.namespace("P").put("only", "one");

            BasaltStats stats = db.stats();
            assertThat(gauge("basalt.keys", "sessions")).isEqualTo(10.0).isEqualTo((double) stats.liveKeys());
            assertThat(gauge("basalt.keys", "profiles")).isEqualTo(1.0);
            assertThat(gauge("basalt.live.bytes", "sessions")).isEqualTo((double) stats.liveBytes());
            assertThat(gauge("basalt.log.bytes", "sessions")).isEqualTo((double) stats.totalLogBytes()).isPositive();
            assertThat(gauge("basalt.log.segments", "sessions")).isEqualTo(stats.segmentCount());
            assertThat(gauge("basalt.index.offheap.bytes", "sessions")).isPositive();
            assertThat(gauge("basalt.namespaces", "sessions")).isEqualTo(1.0);
            assertThat(counter("basalt.log.syncs", "sessions")).isGreaterThanOrEqualTo(11.0);
            assertThat(counter("basalt.compactions", "sessions")).isZero();
            assertThat(counter("basalt.expired.purged", "sessions")).isZero();
            assertThat(counter("basalt.compaction.reclaimed.bytes", "sessions")).isZero();
            assertThat(counter("basalt.recovery.corrupt.records", "sessions")).isZero();
            assertThat(registry.get("basalt.keys").tag("app", "demo").gauge().getId().getTag("store"))
                    .isEqualTo("sessions");
            assertThat(registry.get("basalt.log.bytes").gauge().getId().getBaseUnit()).isEqualTo("bytes");

            ns.delete("k1");
            assertThat(gauge("basalt.keys", "sessions")).as("read when polled").isEqualTo(9.0);
        }
        assertThat(gauge("basalt.keys", "sessions")).as("a closed store reads NaN, never throws").isNaN();
    }
}
