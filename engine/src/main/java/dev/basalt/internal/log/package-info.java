/**
 * The segment log: numbered, append-only segment files, the only place data lives, in the
 * format of {@code docs/format.md} ({@link dev.basalt.internal.log.LogFormat} holds its
 * offsets; {@link dev.basalt.internal.log.Records} reads a record's fields).
 *
 * <p>Promises: a record is appended only through the active segment
 * ({@link dev.basalt.internal.log.ActiveSegment}: its channel, or a shared mapping whose pages a
 * write through the channel backed first) and read only through a read-only map of a durable
 * range; a segment's records are replayed at open by
 * {@link dev.basalt.internal.log.SegmentReplay}, write batches whole or not at all; a segment is sealed when full, gets a hint file
 * (Bitcask-style: key locations without values, so an open reads no value), and is never written
 * again; {@link dev.basalt.internal.log.LogRecovery} replays hints and scans at open, cutting a
 * torn tail and reporting damage by file and offset; compaction commits are atomic
 * ({@link dev.basalt.internal.log.CompactionCommit}). A mapping is released only by the last
 * {@link dev.basalt.internal.log.Segment#release()}, after the engine's read epochs drained.
 *
 * <p>Threads: one appender at a time (the engine's append lock); {@code force} may run beside
 * appends (group commit); segment lookups are lock-free. Imports: {@code env} only (and the
 * API's exception and option types).
 */
package dev.basalt.internal.log;
