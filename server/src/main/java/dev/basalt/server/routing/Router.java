package dev.basalt.server.routing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.basalt.BasaltException;
import dev.basalt.KvNamespace;
import dev.basalt.server.auth.BearerAuth;
import dev.basalt.server.envelope.ApiException;
import dev.basalt.server.envelope.Envelope;
import dev.basalt.server.envelope.KvErrors;
import dev.basalt.server.registry.NamespaceRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;

/**
 * The one handler of the server: checks the bearer token before anything is read, takes the
 * path apart ({@link KvPath}), dispatches on endpoint and method, and turns every refusal into
 * Cloudflare's error envelope. Status mapping: refusals of the request are 4xx; a
 * {@link BasaltException} (I/O, corruption) is the only 500 sent on purpose (code 10001); any
 * other exception is a server bug, also answered 500 and logged. Stateless; thread-safe.
 */
public final class Router implements HttpHandler {
    private static final System.Logger LOG = System.getLogger(Router.class.getName());

    private final BearerAuth auth;
    private final NamespaceRegistry registry;
    private final NamespaceRoutes namespaces;
    private final ValueRoutes values = new ValueRoutes();
    private final KeyRoutes keys = new KeyRoutes();
    private final BulkRoutes bulk = new BulkRoutes();

    /** A router that checks {@code auth} and serves the namespaces of {@code registry}. */
    public Router(BearerAuth auth, NamespaceRegistry registry) {
        this.auth = auth;
        this.registry = registry;
        this.namespaces = new NamespaceRoutes(registry);
    }

    @Override
    public void handle(HttpExchange exchange) {
        try (exchange) {
            try {
                auth.check(exchange.getRequestHeaders().getFirst("Authorization"));
                dispatch(exchange);
            } catch (ApiException e) {
                respond(exchange, e);
            } catch (IllegalArgumentException e) {
                respond(exchange, KvErrors.fromEngine(e));
            } catch (IllegalStateException e) {
                // A handle of a namespace dropped by a concurrent request, or a store closing.
                respond(exchange, new ApiException(404, KvErrors.NAMESPACE_NOT_FOUND, e.getMessage()));
            } catch (BasaltException e) {
                respond(exchange, new ApiException(500, KvErrors.STORAGE, "storage error: " + e.getMessage()));
            } catch (IOException | UncheckedIOException e) {
                // The client went away or was too slow: the request body broke off, nothing was stored.
                respond(exchange, KvErrors.badRequest(KvErrors.MALFORMED_BODY, "the request broke off: " + e));
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "bug: " + exchange.getRequestMethod() + " failed", e);
                respond(exchange, new ApiException(500, KvErrors.STORAGE, "internal error: " + e));
            }
        }
    }

    private void dispatch(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        KvPath path = KvPath.parse(method, exchange.getRequestURI().getRawPath());
        Query query = Query.parse(exchange.getRequestURI().getRawQuery());
        switch (path.kind()) {
            case NAMESPACES -> {
                switch (method) {
                    case "GET" -> namespaces.list(exchange, query);
                    case "POST" -> namespaces.create(exchange);
                    default -> throw notAllowed(method, "GET, POST");
                }
            }
            case NAMESPACE -> {
                switch (method) {
                    case "GET" -> namespaces.get(exchange, path.namespaceId());
                    case "PUT" -> namespaces.rename(exchange, path.namespaceId());
                    case "DELETE" -> namespaces.delete(exchange, path.namespaceId());
                    default -> throw notAllowed(method, "GET, PUT, DELETE");
                }
            }
            case VALUE -> {
                KvNamespace namespace = registry.namespace(path.namespaceId());
                switch (method) {
                    case "GET" -> values.get(exchange, namespace, path.key());
                    case "PUT" -> values.put(exchange, namespace, path.key(), query);
                    case "DELETE" -> values.delete(exchange, namespace, path.key());
                    default -> throw notAllowed(method, "GET, PUT, DELETE");
                }
            }
            case METADATA -> requireThen(method, "GET", () -> values.metadata(exchange,
                    registry.namespace(path.namespaceId()), path.key()));
            case KEYS -> requireThen(method, "GET", () -> keys.list(exchange,
                    registry.namespace(path.namespaceId()), query));
            case BULK -> {
                KvNamespace namespace = registry.namespace(path.namespaceId());
                switch (method) {
                    case "PUT" -> bulk.write(exchange, namespace);
                    case "DELETE" -> bulk.delete(exchange, namespace);
                    default -> throw notAllowed(method, "PUT, DELETE");
                }
            }
            case BULK_DELETE -> requireThen(method, "POST", () -> bulk.delete(exchange,
                    registry.namespace(path.namespaceId())));
            case BULK_GET -> requireThen(method, "POST", () -> bulk.get(exchange,
                    registry.namespace(path.namespaceId())));
            default -> throw new IllegalStateException("unhandled endpoint " + path.kind());
        }
    }

    @FunctionalInterface
    private interface Action {
        void run() throws IOException;
    }

    private static void requireThen(String method, String allowed, Action action) throws IOException {
        if (!method.equals(allowed)) {
            throw notAllowed(method, allowed);
        }
        action.run();
    }

    private static ApiException notAllowed(String method, String allowed) {
        return new ApiException(405, KvErrors.NO_SUCH_ENDPOINT, "method " + method + " is not allowed here; use "
                + allowed);
    }

    private static void respond(HttpExchange exchange, ApiException error) {
        if (exchange.getResponseCode() != -1) {
            return; // headers already went out (a value stream failed midway): the closed connection says it
        }
        try {
            Envelope.error(exchange, error);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, "could not send the error answer", e);
        }
    }
}
