package dev.basalt.tools;

import dev.basalt.server.BasaltServer;
import dev.basalt.server.ServerConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code basalt serve}: the Cloudflare KV REST API over a data directory until SIGTERM or
 * Ctrl-C, which close the store cleanly (everything acknowledged is on disk before the 200 goes
 * out; close syncs and writes the hint files). The work is {@link BasaltServer}'s.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve the Cloudflare Workers KV REST API (v4, the KV subset) over a data directory.",
            "Point the cloudflare SDK at it with CLOUDFLARE_BASE_URL=http://HOST:PORT/client/v4, wrangler with"
                + " CLOUDFLARE_API_BASE_URL. Stops cleanly on SIGTERM or Ctrl-C. See docs/server.md."},
        footer = {"", "Without --token-file every request is accepted, so the server then refuses any address but"
            + " loopback."})
final class ServeCommand implements Callable<Integer> {
    @Option(names = "--dir", paramLabel = "DIR", defaultValue = BasaltCli.DEFAULT_DIRECTORY,
            description = "data directory, created if absent (default: ${DEFAULT-VALUE})")
    private Path directory;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "" + ServerConfig.DEFAULT_PORT,
            description = "port to listen on; 0 picks a free one (default: ${DEFAULT-VALUE})")
    private int port;

    @Option(names = "--bind", paramLabel = "ADDR", defaultValue = ServerConfig.DEFAULT_BIND,
            description = "address to listen on (default: ${DEFAULT-VALUE})")
    private String bind;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "file holding the bearer token clients must send (mode 0600)")
    private Path tokenFile;

    private final Io io;

    ServeCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() throws InterruptedException {
        ServerConfig config = ServerConfig.defaults(directory).withPort(port).withBind(bind).withTokenFile(tokenFile);
        BasaltServer.runUntilShutdown(config, server -> {
            io.text.printf("basalt serve: listening on %s (data directory %s, %s)%n", server.baseUrl(),
                    directory.toAbsolutePath().normalize(), tokenFile == null ? "no token: loopback only"
                            : "bearer token from " + tokenFile);
            io.text.println("basalt serve: Ctrl-C or SIGTERM stops it and closes the store cleanly");
            io.flush();
        });
        return 0;
    }
}
