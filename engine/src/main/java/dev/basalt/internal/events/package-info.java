/**
 * JDK Flight Recorder events of the engine: a compaction pass, an expiry batch, recovery at
 * open, and a log fsync slower than a threshold. Every event is {@code @Enabled(false)}: a
 * recording with the JDK's {@code default} or {@code profile} settings does not include them, and
 * an event that is off costs an emit site a check of the event type's enabled flag (the event
 * object does not escape, so the JIT may drop its allocation; not measured here). The recovery
 * event's key count is computed once per open either way. Turn them on by name, for example
 * {@code -XX:StartFlightRecording:dev.basalt.CompactionPass#enabled=true} (JDK 17 takes a
 * {@code .jfc} file; see docs/observability.md).
 *
 * <p>Emit-site pattern: {@code var e = new XEvent(); e.begin(); ...work...; e.finish(figures)},
 * where {@code finish} sets the fields and commits only when {@code shouldCommit()} says the
 * event is on and over its threshold. A checkpoint event is left out on purpose: the engine has
 * no checkpoint yet, and a reserved event type that never fires would only mislead.
 *
 * <p>This package depends on nothing else in the engine; the store and the log call into it.
 */
package dev.basalt.internal.events;
