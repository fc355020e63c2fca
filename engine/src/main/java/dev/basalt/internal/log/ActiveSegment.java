package dev.basalt.internal.log;

import dev.basalt.internal.env.InterruptSafeChannel;

/** The active segment's writer state; replaced under the force lock when it rolls. */
final class ActiveSegment {
    final Segment segment;
    final InterruptSafeChannel channel;
    final HintFile.Builder hints;
    long tail;
    /**
     * How far failed appends may have written past {@link #tail}: a write that fails with
     * ENOSPC has often written part of the record first. Those bytes are zeroed before the
     * segment is sealed or closed, so that a sealed segment ends in zeros and neither the
     * verifier nor a rescan takes them for damage (found by the disk-full campaign on a
     * real tmpfs).
     */
    long failedAppendEnd;

    ActiveSegment(Segment segment, InterruptSafeChannel channel, HintFile.Builder hints, long tail) {
        this.segment = segment;
        this.channel = channel;
        this.hints = hints;
        this.tail = tail;
    }
}
