package dev.basalt.tools;

/** A mistake in how a command was called (exit code 2), found after picocli's own checks. */
final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}
