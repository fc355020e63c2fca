package dev.basalt.server.auth;

import dev.basalt.server.envelope.ApiException;
import dev.basalt.server.envelope.KvErrors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumSet;
import java.util.Set;

/**
 * The {@code Authorization: Bearer TOKEN} check. The token comes from a file that only its owner
 * may read (mode 0600 or 0400); the comparison takes the same time whatever the guess, so a
 * client cannot find the token byte by byte. {@link #none()} accepts every request and is only
 * allowed on a loopback address ({@code ServerConfig} enforces that). Immutable, thread-safe.
 */
public final class BearerAuth {
    private static final String PREFIX = "Bearer ";
    private static final Set<PosixFilePermission> OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    /** SHA-256 of the token, or null when no token is configured. */
    private final byte[] tokenDigest;

    private BearerAuth(byte[] tokenDigest) {
        this.tokenDigest = tokenDigest;
    }

    /** No token: every request passes. */
    public static BearerAuth none() {
        return new BearerAuth(null);
    }

    /** The token {@code token} (tests); must not be blank. */
    public static BearerAuth of(String token) {
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("the token is empty");
        }
        return new BearerAuth(sha256(token.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * The token in {@code file}: its first line, surrounding whitespace trimmed.
     *
     * @throws IllegalArgumentException when the file is readable by group or others, empty, or
     *     unreadable
     */
    public static BearerAuth fromFile(Path file) {
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            Set<PosixFilePermission> loose = EnumSet.copyOf(OTHERS);
            loose.retainAll(permissions);
            if (!loose.isEmpty()) {
                throw new IllegalArgumentException("token file " + file + " is open to group or others ("
                        + loose + "); make it 0600 (chmod 600 " + file + ")");
            }
            String text = Files.readString(file, StandardCharsets.UTF_8);
            String token = text.lines().findFirst().orElse("").strip();
            if (token.isEmpty()) {
                throw new IllegalArgumentException("token file " + file + " holds no token");
            }
            return of(token);
        } catch (UnsupportedOperationException e) {
            throw new IllegalArgumentException("token file " + file + " is on a file system without POSIX modes;"
                    + " the server cannot check that only its owner reads it", e);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read token file " + file + ": " + e, e);
        }
    }

    /** True when a token is configured. */
    public boolean required() {
        return tokenDigest != null;
    }

    /**
     * Checks the request's {@code Authorization} header value (may be null).
     *
     * @throws ApiException 401 when the header is missing or not a bearer token, 403 when the
     *     token is wrong; both with code 10000, as Cloudflare answers
     */
    public void check(String authorization) {
        if (tokenDigest == null) {
            return;
        }
        if (authorization == null || !authorization.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            throw new ApiException(401, KvErrors.AUTHENTICATION,
                    "Authentication error: missing \"Authorization: Bearer <token>\" header");
        }
        byte[] offered = sha256(authorization.substring(PREFIX.length()).strip().getBytes(StandardCharsets.UTF_8));
        // Digests have one length, and MessageDigest.isEqual compares in time independent of content.
        if (!MessageDigest.isEqual(tokenDigest, offered)) {
            throw new ApiException(403, KvErrors.AUTHENTICATION, "Authentication error: invalid token");
        }
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
