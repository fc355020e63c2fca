package dev.basalt.server.routing;

import com.sun.net.httpserver.HttpExchange;
import dev.basalt.server.envelope.ApiException;
import dev.basalt.server.envelope.Envelope;
import dev.basalt.server.envelope.KvErrors;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Request bodies read under a byte limit: a declared Content-Length over the limit is refused
 * before a byte is read, and an undeclared (chunked) body is cut off one byte past it. Nothing
 * is ever held beyond the limit.
 */
final class Bodies {
    private Bodies() {
    }

    /** The request body, failing with 413 (10024) once more than {@code limit} bytes arrive. */
    static InputStream limited(HttpExchange exchange, long limit, String what) {
        String declared = exchange.getRequestHeaders().getFirst("Content-Length");
        if (declared != null) {
            long length;
            try {
                length = Long.parseLong(declared.strip());
            } catch (NumberFormatException e) {
                throw KvErrors.badRequest(KvErrors.MALFORMED_BODY, "Content-Length is not a number");
            }
            if (length > limit) {
                throw tooLarge(what, "is " + length + " bytes", limit);
            }
        }
        return new Limited(exchange.getRequestBody(), limit, what);
    }

    /** The body as one JSON document of at most {@code limit} bytes. */
    static JsonNode json(HttpExchange exchange, long limit, String what) {
        try (InputStream in = limited(exchange, limit, what)) {
            JsonNode node = Envelope.MAPPER.readTree(in);
            if (node == null || node.isMissingNode()) {
                throw KvErrors.badRequest(KvErrors.MALFORMED_BODY, what + " is empty; it must be JSON");
            }
            return node;
        } catch (JacksonException e) {
            if (e.getCause() instanceof ApiException refusal) {
                throw refusal;
            }
            throw KvErrors.badRequest(KvErrors.MALFORMED_BODY, what + " is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static ApiException tooLarge(String what, String figure, long limit) {
        return KvErrors.tooLarge(what + " " + figure + "; the limit is " + limit + " bytes");
    }

    /** Counts bytes and refuses the one past the limit. */
    private static final class Limited extends FilterInputStream {
        private final long limit;
        private final String what;
        private long count;

        Limited(InputStream in, long limit, String what) {
            super(in);
            this.limit = limit;
            this.what = what;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] target, int offset, int length) throws IOException {
            int n = super.read(target, offset, (int) Math.min(length, limit + 1 - count));
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) {
            count += n;
            if (count > limit) {
                throw tooLarge(what, "is more than " + limit + " bytes", limit);
            }
        }
    }
}
