/**
 * The off-heap hash index: for each key of one namespace, the location of its newest record
 * in the segment log.
 *
 * <p>Parts: {@link dev.basalt.internal.index.KeyHash} turns key bytes into a seeded 64-bit
 * hash; {@link dev.basalt.internal.index.HashIndex} maps that hash to a location in an
 * open-addressing table held in direct buffers ({@code SlotTable}), one writer changing it while
 * readers probe it without a lock ({@code LockFreeProbes}); and a
 * {@link dev.basalt.internal.index.KeyMatcher}, supplied by the store, confirms that the
 * record at a location holds the key, because the index itself keeps no keys.
 *
 * <p>The index is derived data: recovery rebuilds it from the log and hint files. It imports
 * nothing from the other engine parts; only the store wires it to the log.
 */
package dev.basalt.internal.index;
