/**
 * Tooling: the engine functions behind the {@code basalt} command line, here so that tests
 * call exactly what the commands call.
 *
 * <p>Parts: {@link dev.basalt.internal.tooling.Verifier}, a read-only check of a whole data
 * directory (STORE, every segment's header and records, every hint file against its segment,
 * CURSOR_KEY) that reports each damaged range as file, offset and reason and never repairs;
 * {@link dev.basalt.internal.tooling.SegmentDump}, the records of one segment for debugging;
 * {@link dev.basalt.internal.tooling.SegmentCheck}, the walk both share; and
 * {@link dev.basalt.internal.tooling.PutChecks}, the engine's argument rules for a put, so a
 * bulk file can be validated whole before anything is written.
 *
 * <p>Nothing here writes to a data directory. Segments are read through a read-only
 * {@code FileChannel} into a direct buffer, not mapped: a mapping of a file that another
 * process truncates (recovery cuts the active segment's torn tail) faults the reading JVM
 * with SIGBUS, while a channel read just returns fewer bytes.
 */
package dev.basalt.internal.tooling;
