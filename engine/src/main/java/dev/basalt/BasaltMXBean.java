package dev.basalt;

/**
 * The JMX view of one open store: the figures of {@link Basalt#stats()}, as read-only attributes.
 * Each open {@link Basalt} registers one on the platform MBean server under
 * {@code dev.basalt:type=Basalt,name="<absolute directory>"} and unregisters it on
 * {@link Basalt#close()}; two stores open at once in one JVM have different directories and so
 * different names. JConsole, VisualVM, {@code jcmd} and any JMX exporter (for example the
 * Prometheus JMX exporter) can read it with nothing added to the application.
 *
 * <p>Each attribute read takes a fresh {@code stats()} snapshot; see {@link BasaltStats} for what
 * each figure means. Workers KV has no counterpart: its figures live in Cloudflare's dashboard.
 */
public interface BasaltMXBean {
    /** The store's directory, absolute. */
    String getDirectory();

    /** {@link BasaltStats#liveKeys()}. */
    long getLiveKeys();

    /** {@link BasaltStats#liveBytes()}. */
    long getLiveBytes();

    /** {@link BasaltStats#totalLogBytes()}. */
    long getTotalLogBytes();

    /** {@link BasaltStats#segmentCount()}. */
    int getSegmentCount();

    /** {@link BasaltStats#offHeapIndexBytes()}. */
    long getOffHeapIndexBytes();

    /** {@link BasaltStats#expiredAndPurged()}. */
    long getExpiredAndPurged();

    /** {@link BasaltStats#compactionsRun()}. */
    long getCompactionsRun();

    /** {@link BasaltStats#bytesReclaimed()}. */
    long getBytesReclaimed();

    /** {@link BasaltStats#corruptRecordsSkipped()}. */
    long getCorruptRecordsSkipped();

    /** {@link BasaltStats#namespaces()}. */
    long getNamespaces();

    /** {@link BasaltStats#logSyncs()}. */
    long getLogSyncs();
}
