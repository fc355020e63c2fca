package dev.basalt;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import javax.management.InstanceAlreadyExistsException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Registers a {@link BasaltMXBean} for an open store and unregisters it on close. A store whose
 * bean cannot be registered (a security manager, a name taken by another class loader's copy of
 * the engine) still opens: the failure is logged, and monitoring is the only thing lost.
 *
 * <p>Thread ownership: created by {@code Basalt.open}, closed once by {@code Basalt.close}.
 */
final class BasaltJmx implements BasaltMXBean, AutoCloseable {
    private static final System.Logger LOG = System.getLogger("dev.basalt.Basalt");
    /** Tells apart two stores of one directory in one JVM (only possible across class loaders). */
    private static final AtomicLong DUPLICATES = new AtomicLong();

    private final String directory;
    private final Supplier<BasaltStats> stats;
    private volatile ObjectName registeredAs;

    private BasaltJmx(String directory, Supplier<BasaltStats> stats) {
        this.directory = directory;
        this.stats = stats;
    }

    /** The bean of the store in {@code directory}, registered on the platform MBean server. */
    static BasaltJmx register(Path directory, Supplier<BasaltStats> stats) {
        BasaltJmx bean = new BasaltJmx(directory.toAbsolutePath().normalize().toString(), stats);
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try {
            ObjectName name = objectName(bean.directory, null);
            try {
                server.registerMBean(bean, name);
            } catch (InstanceAlreadyExistsException e) {
                name = objectName(bean.directory, DUPLICATES.incrementAndGet());
                server.registerMBean(bean, name);
            }
            bean.registeredAs = name;
        } catch (JMException | SecurityException e) {
            LOG.log(System.Logger.Level.WARNING, "the JMX bean of the store in " + bean.directory
                    + " was not registered: " + e);
        }
        return bean;
    }

    /** {@code dev.basalt:type=Basalt,name="<directory>"}, with {@code ,id=<n>} on a duplicate. */
    static ObjectName objectName(String directory, Long duplicate) throws JMException {
        return new ObjectName("dev.basalt:type=Basalt,name=" + ObjectName.quote(directory)
                + (duplicate == null ? "" : ",id=" + duplicate));
    }

    /** The name this bean is registered under, or null when it is not registered. */
    ObjectName registeredAs() {
        return registeredAs;
    }

    /** Unregisters the bean; idempotent. */
    @Override
    public void close() {
        ObjectName name = registeredAs;
        registeredAs = null;
        if (name == null) {
            return;
        }
        try {
            ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
        } catch (JMException | SecurityException e) {
            LOG.log(System.Logger.Level.WARNING, "the JMX bean " + name + " was not unregistered: " + e);
        }
    }

    @Override
    public String getDirectory() {
        return directory;
    }

    @Override
    public long getLiveKeys() {
        return stats.get().liveKeys();
    }

    @Override
    public long getLiveBytes() {
        return stats.get().liveBytes();
    }

    @Override
    public long getTotalLogBytes() {
        return stats.get().totalLogBytes();
    }

    @Override
    public int getSegmentCount() {
        return stats.get().segmentCount();
    }

    @Override
    public long getOffHeapIndexBytes() {
        return stats.get().offHeapIndexBytes();
    }

    @Override
    public long getExpiredAndPurged() {
        return stats.get().expiredAndPurged();
    }

    @Override
    public long getCompactionsRun() {
        return stats.get().compactionsRun();
    }

    @Override
    public long getBytesReclaimed() {
        return stats.get().bytesReclaimed();
    }

    @Override
    public long getCorruptRecordsSkipped() {
        return stats.get().corruptRecordsSkipped();
    }

    @Override
    public long getNamespaces() {
        return stats.get().namespaces();
    }

    @Override
    public long getLogSyncs() {
        return stats.get().logSyncs();
    }
}
