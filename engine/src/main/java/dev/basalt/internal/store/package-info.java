/**
 * The engine: one open directory, wired from the parts below it. {@link
 * dev.basalt.internal.store.Store} opens and recovers the directory, owns the threads and
 * closes everything; {@link dev.basalt.internal.store.WritePath} serialises appends and applies
 * them per the durability mode (group commit); {@link dev.basalt.internal.store.Reads} runs
 * every read lock-free inside a {@link dev.basalt.internal.store.ReadEpochs} epoch and hands the
 * API a {@link dev.basalt.internal.store.RecordView}; each
 * {@link dev.basalt.internal.store.NamespaceState} owns its hash index, key listing and expiry
 * entries behind a narrow interface (apply, locate, list, purge-if-still-at,
 * repoint-if-still-at); {@link dev.basalt.internal.store.ExpirySweep} purges due keys;
 * {@link dev.basalt.internal.store.CompactionRuns} runs the compaction passes, asked for or in
 * the background, one at a time.
 *
 * <p>Threads: callers' threads for reads and writes; {@code basalt-background} (expiry sweep,
 * periodic fsync) and {@code basalt-compaction}; every structural change under the append lock.
 *
 * <p>Imports: the compactor, the log, the listing, the index, the expiry queue and {@code env};
 * the API face ({@code dev.basalt}) imports this, never the other way round (only the API's
 * option, result and exception types are used here).
 */
package dev.basalt.internal.store;
