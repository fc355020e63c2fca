package dev.basalt.server.envelope;

/**
 * A request the server refuses: the HTTP status, Cloudflare's numeric error code and a message
 * that names the limit and the figure. Thrown anywhere below the router and turned into one
 * error envelope there; nothing has been written to the store when it is thrown by a check.
 */
public final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final int code;

    /** A refusal with HTTP {@code status} and Cloudflare error {@code code}. */
    public ApiException(int status, int code, String message) {
        super(message, null, false, false); // an expected outcome: no stack trace to fill in
        this.status = status;
        this.code = code;
    }

    /** The HTTP status of the response. */
    public int status() {
        return status;
    }

    /** Cloudflare's error code, the {@code code} of the envelope's only error. */
    public int code() {
        return code;
    }
}
