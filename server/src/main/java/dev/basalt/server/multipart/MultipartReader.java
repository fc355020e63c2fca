package dev.basalt.server.multipart;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * A streaming reader of a {@code multipart/form-data} body: {@link #next()} returns each part's
 * field name and a stream of its bytes, which ends at the next boundary. Nothing is gathered
 * beyond a 64 KiB window, so a part of any size passes through in bounded memory; the caller
 * decides how much of it to keep. Part headers are limited to {@value #MAX_HEADER_BYTES} bytes.
 * Not thread-safe: one reader per request.
 *
 * <p>How it finds the end of a part: the delimiter is {@code CRLF--boundary}. The reader hands
 * out bytes up to the first possible start of a delimiter in its window and keeps the last
 * {@code delimiter.length - 1} bytes back until more input shows whether they begin one.
 */
public final class MultipartReader {
    /** Largest block of part headers. */
    public static final int MAX_HEADER_BYTES = 16 * 1024;
    /** RFC 2046: a boundary is 1..70 characters. */
    public static final int MAX_BOUNDARY_LENGTH = 70;
    private static final int WINDOW = 64 * 1024;

    private final InputStream in;
    private final byte[] delimiter;
    private final byte[] window = new byte[WINDOW];
    private int position;
    private int limit;
    private boolean inputEnded;
    private PartStream current;
    private boolean finished;

    /** One part: its field name (from Content-Disposition) and its bytes. */
    public record Part(String name, InputStream body) {
    }

    /** A reader of {@code in} with the given boundary (from the Content-Type header). */
    public MultipartReader(InputStream in, String boundary) throws MalformedMultipartException {
        if (boundary == null || boundary.isEmpty() || boundary.length() > MAX_BOUNDARY_LENGTH) {
            throw new MalformedMultipartException("the multipart boundary must be 1.." + MAX_BOUNDARY_LENGTH
                    + " characters; got " + (boundary == null ? "none" : boundary.length()));
        }
        this.in = in;
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        // The first boundary has no CRLF before it: pretend it had, so one search finds them all.
        window[0] = '\r';
        window[1] = '\n';
        limit = 2;
        current = new PartStream(); // the preamble, skipped by the first next()
    }

    /** The boundary parameter of a {@code multipart/form-data} Content-Type, or null. */
    public static String boundaryOf(String contentType) {
        if (contentType == null) {
            return null;
        }
        for (String parameter : contentType.split(";")) {
            String trimmed = parameter.strip();
            if (trimmed.toLowerCase(Locale.ROOT).startsWith("boundary=")) {
                String value = trimmed.substring("boundary=".length());
                if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                    value = value.substring(1, value.length() - 1);
                }
                return value;
            }
        }
        return null;
    }

    /** The next part, or null after the closing boundary. Skips what is left of the previous part. */
    public Part next() throws IOException {
        if (finished) {
            return null;
        }
        current.skipRest();
        // After a delimiter: "--" closes the body, CRLF starts a part (transport padding is allowed).
        int first = readByte();
        int second = readByte();
        if (first == '-' && second == '-') {
            finished = true;
            return null;
        }
        while (first == ' ' || first == '\t') {
            first = second;
            second = readByte();
        }
        if (first != '\r' || second != '\n') {
            throw new MalformedMultipartException("a boundary line is not followed by CRLF or \"--\"");
        }
        String name = readHeaders();
        current = new PartStream();
        return new Part(name, current);
    }

    /** Reads the part's header lines up to the empty line; returns the form field name. */
    private String readHeaders() throws IOException {
        String name = null;
        int total = 0;
        StringBuilder line = new StringBuilder();
        while (true) {
            int b = readByte();
            if (++total > MAX_HEADER_BYTES) {
                throw new MalformedMultipartException("part headers are more than " + MAX_HEADER_BYTES
                        + " bytes; the limit is " + MAX_HEADER_BYTES);
            }
            if (b != '\n') {
                line.append((char) b);
                continue;
            }
            if (line.length() == 0 || line.charAt(line.length() - 1) != '\r') {
                throw new MalformedMultipartException("a part header line does not end with CRLF");
            }
            line.setLength(line.length() - 1);
            if (line.length() == 0) {
                if (name == null) {
                    throw new MalformedMultipartException("a part has no Content-Disposition with a name");
                }
                return name;
            }
            String header = line.toString();
            if (header.regionMatches(true, 0, "content-disposition:", 0, "content-disposition:".length())) {
                name = fieldName(header);
            }
            line.setLength(0);
        }
    }

    private static String fieldName(String header) throws MalformedMultipartException {
        for (String parameter : header.substring(header.indexOf(':') + 1).split(";")) {
            String trimmed = parameter.strip();
            if (trimmed.regionMatches(true, 0, "name=", 0, 5)) {
                String value = trimmed.substring(5);
                if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                    value = value.substring(1, value.length() - 1);
                }
                // Header bytes were read as ISO-8859-1; browsers and undici send UTF-8 names.
                return new String(value.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
            }
        }
        throw new MalformedMultipartException("Content-Disposition has no name parameter: " + header);
    }

    private int readByte() throws IOException {
        if (position == limit && !fill()) {
            throw new MalformedMultipartException("the body ends before the closing boundary");
        }
        return window[position++] & 0xFF;
    }

    /** Moves the unread bytes to the front and reads more; false when the input has ended. */
    private boolean fill() throws IOException {
        if (inputEnded) {
            return false;
        }
        if (position > 0) {
            System.arraycopy(window, position, window, 0, limit - position);
            limit -= position;
            position = 0;
        }
        int n = in.read(window, limit, window.length - limit);
        if (n < 0) {
            inputEnded = true;
            return false;
        }
        limit += n;
        return true;
    }

    /** Index of the delimiter in the window from {@code position}, or where a partial match starts, or limit. */
    private int scan() {
        int last = limit - delimiter.length;
        for (int i = position; i <= last; i++) {
            if (window[i] == delimiter[0] && Arrays.equals(window, i, i + delimiter.length, delimiter, 0,
                    delimiter.length)) {
                return i;
            }
        }
        return -1;
    }

    /** The bytes of one part, ending where the next delimiter starts. */
    private final class PartStream extends InputStream {
        private boolean ended;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] target, int offset, int count) throws IOException {
            if (ended) {
                return -1;
            }
            if (count == 0) {
                return 0;
            }
            while (true) {
                int found = scan();
                if (found == position) {
                    position += delimiter.length;
                    ended = true;
                    return -1;
                }
                int available = found >= 0 ? found - position
                        : Math.max(0, limit - position - (delimiter.length - 1));
                if (available > 0) {
                    int n = Math.min(available, count);
                    System.arraycopy(window, position, target, offset, n);
                    position += n;
                    return n;
                }
                if (!fill()) {
                    throw new MalformedMultipartException("the body ends inside a part, before its boundary");
                }
            }
        }

        void skipRest() throws IOException {
            byte[] sink = new byte[8192];
            while (read(sink, 0, sink.length) >= 0) {
                // discard
            }
        }
    }
}
