package dev.basalt;

/**
 * An engine fault that is not the caller's mistake: an I/O failure (disk full, a read
 * error), corruption found on read, a stored value that is not what the read asked for
 * (for example not valid JSON), an engine that an earlier failed fsync has stopped, or a
 * JVM that lacks the flags the engine needs.
 *
 * <p>Unchecked, like the I/O exceptions of most embedded stores. Where a file is involved
 * the message names it and the offset. A {@code BasaltException} from a write means the
 * write was not acknowledged; everything acknowledged before it is kept.
 */
public class BasaltException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * An engine fault described by {@code message}.
     *
     * @param message what went wrong, naming the file, the figure or the limit
     */
    public BasaltException(String message) {
        super(message);
    }

    /**
     * An engine fault described by {@code message}, caused by {@code cause}.
     *
     * @param message what went wrong, naming the file, the figure or the limit
     * @param cause the failure underneath
     */
    public BasaltException(String message, Throwable cause) {
        super(message, cause);
    }
}
