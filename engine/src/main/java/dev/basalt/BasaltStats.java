package dev.basalt;

/**
 * A snapshot of an engine's size and work, returned by {@code Basalt.stats()}. The figures
 * are read one after another while the engine runs, so under concurrent writes they may not
 * agree with each other exactly; each one alone is accurate to within writes in flight.
 * Counters ({@code expiredAndPurged}, {@code compactionsRun}, {@code bytesReclaimed},
 * {@code corruptRecordsSkipped})
 * count since the engine was opened, not over the directory's life.
 *
 * @param liveKeys keys that exist now across all namespaces; a key past its expiration that
 *     the background expiry has not purged yet may still be counted
 * @param liveBytes bytes on disk of the records that hold live keys, record headers included;
 *     {@code totalLogBytes - liveBytes} is roughly what compaction can reclaim
 * @param totalLogBytes bytes of every segment file, live and dead records alike
 * @param segmentCount the number of segment files
 * @param offHeapIndexBytes bytes of native memory the in-memory structures hold (hash indexes,
 *     key listings, the expiry queue), outside the Java heap and so outside {@code -Xmx}
 * @param expiredAndPurged expired keys the background expiry has removed from the index
 * @param compactionsRun compactions completed, background and {@code compact()} alike
 * @param bytesReclaimed log bytes those compactions freed
 * @param corruptRecordsSkipped damaged ranges (each one or more records with a bad checksum or
 *     field) that recovery at open found inside the log and skipped rather than trusted; an open
 *     that loads the checkpoint instead of replaying the log carries over the figure of the open
 *     before it, since the damage is still there. A torn tail (the end of an interrupted write at
 *     the end of the active segment) is normal after a crash: it is cut off and logged, not
 *     counted here
 * @param namespaces the number of namespaces
 * @param logSyncs fsyncs of the log that completed: one per write in {@code SYNC_EACH_WRITE},
 *     one per batch of concurrent writers in {@code GROUP_COMMIT}, about one a second in
 *     {@code PERIODIC} and one per eighth of a segment written, or per 4 MiB if that is more
 *     (so that a segment's roll finds little to force), plus those of {@code sync()}, segment
 *     rolls and compaction
 */
public record BasaltStats(
        long liveKeys,
        long liveBytes,
        long totalLogBytes,
        int segmentCount,
        long offHeapIndexBytes,
        long expiredAndPurged,
        long compactionsRun,
        long bytesReclaimed,
        long corruptRecordsSkipped,
        long namespaces,
        long logSyncs) {
}
