package dev.basalt.tools;

/** A command that ran and failed (exit code 1), with a message for the user and no stack trace. */
final class FailureException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    FailureException(String message) {
        super(message);
    }
}
