/**
 * Expiry: every record written with an expiration waits in an off-heap, expiration-ordered
 * queue until its second, and a background agent then purges its key from the indexes, but
 * only if they still point at that very record.
 *
 * <p>Parts: {@link dev.basalt.internal.expiry.ExpiryQueue}, a 4-ary heap of 32-byte entries in
 * chunked direct buffers, owned by the store's lock;
 * {@link dev.basalt.internal.expiry.ExpiryAgent}, the Agrona agent that paces bounded sweeps by
 * an injected clock; and {@link dev.basalt.internal.expiry.ExpirySweeper}, the batch the store
 * implements. Reads do not depend on any of it: they check the expiration in the record
 * themselves. The queue is derived data, rebuilt from the index when a store opens. See
 * {@code docs/expiry.md}.
 *
 * <p>This package imports nothing from the other engine parts; only the store wires it.
 */
package dev.basalt.internal.expiry;
