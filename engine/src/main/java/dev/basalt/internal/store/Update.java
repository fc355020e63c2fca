package dev.basalt.internal.store;

/**
 * An index change waiting for its record to become durable (group commit): applied in
 * sequence order by whichever thread completes the fsync that covers it.
 */
record Update(long sequence, NamespaceState namespace, long keyHash, byte[] key, long location, byte type) {
}
