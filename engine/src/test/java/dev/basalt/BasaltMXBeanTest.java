package dev.basalt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.testing.ManualClock;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import javax.management.JMX;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue #17: one MXBean per open store, mirroring stats(), unregistered on close. */
class BasaltMXBeanTest {
    @TempDir
    Path tmp;

    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();

    private static BasaltOptions options() {
        return BasaltOptions.defaults().withClock(new ManualClock()).withMinExpirationTtl(Duration.ZERO)
                .withSegmentSize(1L << 20);
    }

    @Test
    void twoOpenStoresHaveTheirOwnBeansWhoseAttributesMirrorStatsAndCloseUnregistersThem() throws Exception {
        Path first = tmp.resolve("first");
        Path second = tmp.resolve("second");
        Basalt a = Basalt.open(first, options());
        try (Basalt b = Basalt.open(second, options())) {
            a.namespace("A").put("k1", "v");
            a.namespace("A").put("k2", "v");
            b.namespace("B").put("k", "v");
            ObjectName nameA = BasaltJmx.objectName(first.toAbsolutePath().toString(), null);
            ObjectName nameB = BasaltJmx.objectName(second.toAbsolutePath().toString(), null);
            assertThat(server.isRegistered(nameA)).isTrue();
            assertThat(server.isRegistered(nameB)).isTrue();
            assertThat(server.queryNames(new ObjectName("dev.basalt:type=Basalt,*"), null)).contains(nameA, nameB);

            BasaltMXBean beanA = JMX.newMXBeanProxy(server, nameA, BasaltMXBean.class);
            BasaltStats stats = a.stats();
            assertThat(beanA.getDirectory()).isEqualTo(first.toAbsolutePath().toString());
            assertThat(beanA.getLiveKeys()).isEqualTo(2).isEqualTo(stats.liveKeys());
            assertThat(beanA.getNamespaces()).isEqualTo(1);
            assertThat(beanA.getSegmentCount()).isEqualTo(stats.segmentCount());
            assertThat(beanA.getTotalLogBytes()).isEqualTo(stats.totalLogBytes());
            assertThat(beanA.getLiveBytes()).isEqualTo(stats.liveBytes());
            assertThat(beanA.getOffHeapIndexBytes()).isEqualTo(stats.offHeapIndexBytes());
            assertThat(beanA.getCompactionsRun()).isEqualTo(stats.compactionsRun());
            assertThat(beanA.getBytesReclaimed()).isEqualTo(stats.bytesReclaimed());
            assertThat(beanA.getExpiredAndPurged()).isEqualTo(stats.expiredAndPurged());
            assertThat(beanA.getCorruptRecordsSkipped()).isZero();
            assertThat(beanA.getLogSyncs()).isPositive();
            assertThat(server.getAttribute(nameB, "LiveKeys")).isEqualTo(1L);

            a.close();
            assertThat(server.isRegistered(nameA)).as("unregistered on close").isFalse();
            assertThat(server.isRegistered(nameB)).isTrue();
            a.close(); // idempotent
        } finally {
            a.close();
        }
        Set<ObjectName> left = server.queryNames(new ObjectName("dev.basalt:type=Basalt,*"), null);
        assertThat(left).noneMatch(n -> n.getKeyProperty("name").contains(tmp.getFileName().toString()));
    }

    @Test
    void reopeningADirectoryRegistersItsBeanAgainUnderTheSameName() throws Exception {
        Path dir = tmp.resolve("again");
        ObjectName name = BasaltJmx.objectName(dir.toAbsolutePath().toString(), null);
        for (int i = 0; i < 3; i++) {
            try (Basalt db = Basalt.open(dir, options())) {
                db.namespace("N").put("k" + i, "v");
                assertThat(server.getAttribute(name, "LiveKeys")).isEqualTo((long) i + 1);
            }
            assertThat(server.isRegistered(name)).isFalse();
        }
    }
}
