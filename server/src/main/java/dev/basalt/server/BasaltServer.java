package dev.basalt.server;

import com.sun.net.httpserver.HttpServer;
import dev.basalt.Basalt;
import dev.basalt.server.auth.BearerAuth;
import dev.basalt.server.registry.NamespaceRegistry;
import dev.basalt.server.routing.Router;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A running {@code basalt serve}: the KV subset of Cloudflare's v4 REST API (docs/server.md)
 * over one Basalt data directory, on the JDK's {@code com.sun.net.httpserver}.
 *
 * <p>Promises: {@link #start} opens the store with the engine's defaults (durability
 * GROUP_COMMIT, so a write is on disk before its 200 goes out) and returns once the port is
 * bound; {@link #close} stops taking requests, lets those in flight finish (up to 5 s), and
 * closes the store, which syncs everything acknowledged. {@code close} is idempotent and
 * thread-safe; it is what the CLI's shutdown hook calls on SIGTERM or Ctrl-C.
 */
public final class BasaltServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(BasaltServer.class.getName());
    private static final int STOP_GRACE_SECONDS = 5;

    private final Basalt db;
    private final HttpServer http;
    private final ExecutorService executor;
    private final ServerConfig config;
    private boolean closed;

    private BasaltServer(Basalt db, HttpServer http, ExecutorService executor, ServerConfig config) {
        this.db = db;
        this.http = http;
        this.executor = executor;
        this.config = config;
    }

    /**
     * Opens the store and starts serving.
     *
     * @throws IllegalArgumentException for a bad config: no token on a non-loopback address, a
     *     token file open to others, an unresolvable address
     * @throws UncheckedIOException when the port cannot be bound
     * @throws dev.basalt.BasaltException when the store cannot be opened (held by another process, damaged)
     */
    public static BasaltServer start(ServerConfig config) {
        InetSocketAddress address = new InetSocketAddress(config.checkedAddress(), config.port());
        BearerAuth auth = config.tokenFile() == null ? BearerAuth.none() : BearerAuth.fromFile(config.tokenFile());
        applyTimeouts(config);
        Basalt db = Basalt.open(config.directory());
        ExecutorService executor = null;
        try {
            NamespaceRegistry registry = NamespaceRegistry.open(db, config.directory());
            HttpServer http = HttpServer.create(address, 128);
            executor = Executors.newFixedThreadPool(config.threads(), new Named());
            http.setExecutor(executor);
            http.createContext("/", new Router(auth, registry));
            http.start();
            return new BasaltServer(db, http, executor, config);
        } catch (IOException e) {
            shutDown(executor);
            db.close();
            throw new UncheckedIOException("cannot listen on " + config.bind() + ":" + config.port() + ": " + e, e);
        } catch (RuntimeException e) {
            shutDown(executor);
            db.close();
            throw e;
        }
    }

    /**
     * Starts the server, tells {@code started} (which prints where it listens), and serves until
     * the JVM is told to stop (SIGTERM, Ctrl-C): a shutdown hook then closes the server, and with
     * it the store, before the JVM exits. The one way {@code basalt serve} and {@link ServerMain}
     * run, so that both stop the same clean way. Fails to start as {@link #start} does.
     *
     * @param config  what to serve
     * @param started called once the port is bound and the hook is in place
     * @throws InterruptedException if the waiting thread is interrupted (the hook still closes
     *     the server at exit)
     */
    public static void runUntilShutdown(ServerConfig config, Consumer<BasaltServer> started)
            throws InterruptedException {
        BasaltServer server = start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "basalt-serve-shutdown"));
        started.accept(server);
        stopped.await();
    }

    /**
     * The JDK server reads its settings from system properties, once per process: a request must
     * arrive whole, and a response be taken up, within the timeout, or the connection is closed;
     * at most 100 request headers; TCP_NODELAY on.
     * A value set on the command line (-D) wins.
     */
    private static void applyTimeouts(ServerConfig config) {
        String seconds = Long.toString(config.requestTimeout().toSeconds());
        setIfAbsent("sun.net.httpserver.maxReqTime", seconds);
        setIfAbsent("sun.net.httpserver.maxRspTime", seconds);
        setIfAbsent("sun.net.httpserver.maxReqHeaders", "100");
        // Headers and body go out in separate writes; with Nagle on, the body waits for the
        // client's delayed ACK (40 ms on Linux) and every small answer takes 40 ms.
        setIfAbsent("sun.net.httpserver.nodelay", "true");
    }

    private static void setIfAbsent(String property, String value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, value);
        }
    }

    /** The port the server listens on (the picked one when the config said 0). */
    public int port() {
        return http.getAddress().getPort();
    }

    /** The base URL clients use: {@code http://HOST:PORT/client/v4}. */
    public String baseUrl() {
        String host = http.getAddress().getAddress().getHostAddress();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return "http://" + host + ":" + port() + "/client/v4";
    }

    /** The config the server started with. */
    public ServerConfig config() {
        return config;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        http.stop(STOP_GRACE_SECONDS);
        shutDown(executor);
        db.close();
    }

    private static void shutDown(ExecutorService executor) {
        if (executor == null) {
            return;
        }
        executor.shutdown();
        try {
            if (!executor.awaitTermination(STOP_GRACE_SECONDS, TimeUnit.SECONDS)) {
                LOG.log(System.Logger.Level.WARNING, "requests still running after " + STOP_GRACE_SECONDS
                        + " s; interrupting them");
                executor.shutdownNow();
                executor.awaitTermination(STOP_GRACE_SECONDS, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /** Daemon request threads named basalt-http-N, so a thread dump says what they are. */
    private static final class Named implements ThreadFactory {
        private final AtomicInteger count = new AtomicInteger();

        @Override
        public Thread newThread(Runnable task) {
            Thread thread = new Thread(task, "basalt-http-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }
    }
}
