/**
 * The environment the engine runs in, at the bottom of the layering (every part may import it,
 * it imports no other part): the file-system seam ({@link dev.basalt.internal.env.FileIo},
 * through which every file operation goes, so tests can inject faults and crash images), the
 * durable-publish protocol (write tmp, force, atomic move, fsync the directory), the directory
 * lock, crash points, the JVM-flag check, and the engine's fixed
 * {@link dev.basalt.internal.env.Limits}.
 *
 * <p>Threads: stateless or thread-safe; crash points are inert (a constant test) unless a crash
 * test armed one by system property.
 */
package dev.basalt.internal.env;
