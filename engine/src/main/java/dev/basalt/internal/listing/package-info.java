/**
 * The prefix-sorted key index: for each namespace, every live key in ascending unsigned byte
 * order, so that {@code list} with a prefix, a limit and a cursor costs O(log n + page).
 *
 * <p>Parts: {@link dev.basalt.internal.listing.KeyListing} is an off-heap skip list of key
 * bytes (one writer, lock-free readers, removed nodes reused only after the store's read
 * epochs say no reader is left), whose nodes' levels {@link
 * dev.basalt.internal.listing.TowerHeights} draws; {@link dev.basalt.internal.listing.Cursors} turns the last
 * key of a page into an opaque cursor authenticated with a per-directory secret
 * ({@code CURSOR_KEY}) and back.
 *
 * <p>The listing is derived data: recovery rebuilds it from the hash index's keys. It imports
 * nothing from the other engine parts except the environment's {@code DurableFiles}; only the
 * store wires it to the log and the hash index.
 */
package dev.basalt.internal.listing;
