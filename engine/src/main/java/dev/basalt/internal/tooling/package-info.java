/**
 * Tooling: the engine functions behind the {@code basalt} command line, here so that tests
 * call exactly what the commands call. It sits beside the engine, above the log: it may import
 * the engine ({@code store}), the compactor, the log and {@code env}; nothing but the tools
 * module and tests imports it (module-info exports it to {@code dev.basalt.tools} only).
 *
 * <p>Parts: {@link dev.basalt.internal.tooling.Verifier}, a read-only check of a whole data
 * directory (STORE, every segment's header and records, every hint file against its segment,
 * CURSOR_KEY) that reports each damaged range as file, offset and reason and never repairs;
 * {@link dev.basalt.internal.tooling.SegmentDump}, the records of one segment for debugging;
 * {@link dev.basalt.internal.tooling.SegmentCheck}, the walk both share; and
 * {@link dev.basalt.internal.tooling.OfflineCompaction}, the compaction pass of
 * {@code basalt compact} on a closed directory. A put's argument rules are the public API's
 * own ({@code KvNamespace.checkKey}, {@code PutOptions.checkMetadata},
 * {@code PutOptions.resolveExpirationEpochSeconds}, {@code BasaltOptions.checkValueSize}).
 *
 * <p>Only the offline compaction writes to a data directory, through the engine. The checks
 * read segments through a read-only {@code FileChannel} into a direct buffer, not a mapping: a
 * mapping of a file that another process truncates (recovery cuts the active segment's torn
 * tail) faults the reading JVM with SIGBUS, while a channel read just returns fewer bytes.
 * Threads: the caller's.
 */
package dev.basalt.internal.tooling;
