package dev.basalt.internal.checkpoint;

/** A checkpoint that cannot be trusted; the message says why (the open then replays the log). */
public final class CheckpointRejected extends Exception {
    private static final long serialVersionUID = 1L;

    CheckpointRejected(String reason) {
        super(reason, null, false, false);
    }
}
