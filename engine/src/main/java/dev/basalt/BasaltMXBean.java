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
    /**
     * The store's directory, absolute.
     *
     * @return the figure of the same name in {@link BasaltStats}
     */
    String getDirectory();

    /**
     * {@link BasaltStats#liveKeys()}.
     *
     * @return the figure of the same name in {@link BasaltStats}
     */
    long getLiveKeys();

    /**
     * {@link BasaltStats#liveBytes()}.
     *
     * @return the figure of the same name in {@link BasaltStats}
     */
    long getLiveBytes();

    /**
     * {@link BasaltStats#totalLogBytes()}.
     *
     * @return the figure of the same name in {@link BasaltStats}
     */
    long getTotalLogBytes();

    /**
     * {@link BasaltStats#segmentCount()}.
     *
     * @return the figure of the same name in {@link BasaltStats}
     */
    int getSegmentCount();

    /**
     * {@link BasaltStats#offHeapIndexBytes()}.
     *
     * @return the figure of the same name in {@link BasaltStats}
     */
    long getOffHeapIndexBytes();

    /**
     * {@link BasaltStats#expiredAndPurged()}.
     *
     * @return the figure of the same name in {@link BasaltStats}
     */
    long getExpiredAndPurged();

    /**
     * {@link BasaltStats#compactionsRun()}.
     *
     * @return the figure of the same name in {@link BasaltStats}
     */
    long getCompactionsRun();

    /**
     * {@link BasaltStats#bytesReclaimed()}.
     *
     * @return the figure of the same name in {@link BasaltStats}
     */
    long getBytesReclaimed();

    /**
     * {@link BasaltStats#corruptRecordsSkipped()}.
     *
     * @return the figure of the same name in {@link BasaltStats}
     */
    long getCorruptRecordsSkipped();

    /**
     * {@link BasaltStats#namespaces()}.
     *
     * @return the figure of the same name in {@link BasaltStats}
     */
    long getNamespaces();

    /**
     * {@link BasaltStats#logSyncs()}.
     *
     * @return the figure of the same name in {@link BasaltStats}
     */
    long getLogSyncs();
}
