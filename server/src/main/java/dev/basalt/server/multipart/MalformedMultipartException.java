package dev.basalt.server.multipart;

import java.io.IOException;

/** A multipart body that breaks the grammar of RFC 7578/2046; the message says where. */
public final class MalformedMultipartException extends IOException {
    private static final long serialVersionUID = 1L;

    /** A body that breaks the grammar as {@code message} says. */
    public MalformedMultipartException(String message) {
        super(message);
    }
}
