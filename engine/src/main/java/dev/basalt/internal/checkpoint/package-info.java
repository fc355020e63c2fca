/**
 * The checkpoint: the engine's in-memory state (each namespace's hash index, key listing and
 * expiry entries, and the per-segment live figures) written to one file at a clean close, stamped
 * with the log it covers, so that the next open loads it by sequential reads instead of rebuilding
 * it from every record. It is an optimisation, never the truth: one that is missing, damaged, from
 * another store or behind the log is ignored with a warning that says why, and the open replays
 * the log as it always could. Format: {@code docs/format.md}, "Checkpoint file".
 */
package dev.basalt.internal.checkpoint;
