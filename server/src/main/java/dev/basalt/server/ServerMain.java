package dev.basalt.server;

import java.nio.file.Path;

/**
 * Runs the server in a JVM of its own without the CLI, for tests that start it as a child
 * process (the Node SDK test, the kill test): {@code ServerMain --dir DIR [--port N] [--bind ADDR]
 * [--token-file FILE]}. Prints one line {@code listening on BASE_URL} once the port is bound,
 * and closes the store cleanly on SIGTERM. Users run {@code basalt serve}, which does the same.
 */
public final class ServerMain {
    private ServerMain() {
    }

    /** Starts the server and waits for the JVM to be told to stop. */
    public static void main(String[] args) throws InterruptedException {
        Path directory = null;
        String bind = ServerConfig.DEFAULT_BIND;
        int port = ServerConfig.DEFAULT_PORT;
        Path tokenFile = null;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--dir" -> directory = Path.of(args[i + 1]);
                case "--bind" -> bind = args[i + 1];
                case "--port" -> port = Integer.parseInt(args[i + 1]);
                case "--token-file" -> tokenFile = Path.of(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (directory == null) {
            throw new IllegalArgumentException("usage: ServerMain --dir DIR [--port N] [--bind ADDR] [--token-file FILE]");
        }
        ServerConfig config = ServerConfig.defaults(directory).withBind(bind).withPort(port).withTokenFile(tokenFile);
        BasaltServer.runUntilShutdown(config, server -> {
            System.out.println("listening on " + server.baseUrl());
            System.out.flush();
        });
    }
}
