package dev.basalt.server;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * What {@code basalt serve} is told: the data directory, the address and port to listen on, the
 * token file (null: no token, which is allowed on a loopback address only), the number of
 * request threads and the request time limit. Immutable.
 *
 * @param directory the Basalt data directory (created if absent)
 * @param bind the address to listen on; default 127.0.0.1
 * @param port the port; 0 picks a free one; default 8787
 * @param tokenFile file holding the bearer token (mode 0600), or null
 * @param threads request threads; default 16
 * @param requestTimeout how long a request may take to arrive whole, and a response to be taken
 *     up, before the connection is dropped; default 60 s. Process-wide: the JDK server reads it
 *     once, when the first server starts.
 */
public record ServerConfig(Path directory, String bind, int port, Path tokenFile, int threads,
                           Duration requestTimeout) {
    /** The default port, the one wrangler's local mode uses. */
    public static final int DEFAULT_PORT = 8787;
    /** The default address: loopback only. */
    public static final String DEFAULT_BIND = "127.0.0.1";

    /** Checks the figures. */
    public ServerConfig {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(bind, "bind");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port is " + port + "; it must be 0..65535");
        }
        if (threads < 1 || threads > 1024) {
            throw new IllegalArgumentException("threads is " + threads + "; it must be 1..1024");
        }
        if (requestTimeout.toSeconds() < 1) {
            throw new IllegalArgumentException("request timeout is " + requestTimeout + "; it must be 1 s or more");
        }
    }

    /** Defaults for {@code directory}: 127.0.0.1:8787, no token, 16 threads, 60 s. */
    public static ServerConfig defaults(Path directory) {
        return new ServerConfig(directory, DEFAULT_BIND, DEFAULT_PORT, null, 16, Duration.ofSeconds(60));
    }

    /** This config on {@code port}. */
    public ServerConfig withPort(int port) {
        return new ServerConfig(directory, bind, port, tokenFile, threads, requestTimeout);
    }

    /** This config on address {@code bind}. */
    public ServerConfig withBind(String bind) {
        return new ServerConfig(directory, bind, port, tokenFile, threads, requestTimeout);
    }

    /** This config with the token in {@code tokenFile} (null: none). */
    public ServerConfig withTokenFile(Path tokenFile) {
        return new ServerConfig(directory, bind, port, tokenFile, threads, requestTimeout);
    }

    /** The bind address resolved; refuses a non-loopback address when no token is configured. */
    InetAddress checkedAddress() {
        InetAddress address;
        try {
            address = InetAddress.getByName(bind);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("cannot resolve bind address " + bind + ": " + e.getMessage(), e);
        }
        if (tokenFile == null && !address.isLoopbackAddress()) {
            throw new IllegalArgumentException("refusing to serve on " + bind + " without a token: anyone who can"
                    + " reach it could read and write every key; give --token-file FILE (mode 0600), or bind"
                    + " a loopback address such as 127.0.0.1");
        }
        return address;
    }
}
