/**
 * Compaction: picks sealed segments whose dead fraction passes a threshold
 * ({@link dev.basalt.internal.compaction.VictimPolicy}) and, one victim at a time, copies its live
 * records to the end of the log and repoints each key with a compare-and-set, commits, and
 * deletes the victim once no reader can reach it
 * ({@link dev.basalt.internal.compaction.CompactionPass}, the protocol of
 * {@code docs/compaction.md}), paced by {@link dev.basalt.internal.compaction.IoPacer}.
 *
 * <p>It reaches the engine only through {@link dev.basalt.internal.compaction.CompactionHost} and
 * {@link dev.basalt.internal.compaction.LiveKeys}, which the engine implements: the compactor
 * imports the log, the index and {@code env}, never the engine. Threads: one pass at a time, on
 * {@code basalt-compaction}, on a caller of {@code compact()} or in the offline tool.
 */
package dev.basalt.internal.compaction;
