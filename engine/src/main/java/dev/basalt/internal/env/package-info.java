/**
 * The environment the engine runs in, at the bottom of the layering (every part may import it,
 * it imports no other part): the file-system seam ({@link dev.basalt.internal.env.FileIo},
 * through which every file operation goes, so tests can inject faults and crash images), the
 * durable-publish protocol (write tmp, force, atomic move, fsync the directory), the directory
 * lock, crash points, the JVM-flag check, the engine's fixed
 * {@link dev.basalt.internal.env.Limits}, and the means to copy off-heap structures for a
 * checkpoint while their writer goes on ({@link dev.basalt.internal.env.CopySpace},
 * {@link dev.basalt.internal.env.TrackedCopy}), and the return of freed memory to the system
 * ({@link dev.basalt.internal.env.FreedMemory}).
 *
 * <p>Threads: stateless or thread-safe; crash points are inert (a constant test) unless a crash
 * test armed one by system property.
 */
package dev.basalt.internal.env;
