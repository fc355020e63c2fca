package dev.basalt.tools;

/** A bulk file that does not follow the format: the message names the file, entry, line and field. */
final class BulkFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BulkFormatException(String message) {
        super(message);
    }
}
