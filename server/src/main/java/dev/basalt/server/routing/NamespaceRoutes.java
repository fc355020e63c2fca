package dev.basalt.server.routing;

import com.sun.net.httpserver.HttpExchange;
import dev.basalt.server.envelope.Envelope;
import dev.basalt.server.envelope.KvErrors;
import dev.basalt.server.registry.NamespaceEntry;
import dev.basalt.server.registry.NamespaceRegistry;
import java.io.IOException;
import java.util.Comparator;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** List (paged), create, get, rename and delete of namespaces. Stateless; thread-safe. */
final class NamespaceRoutes {
    private final NamespaceRegistry registry;

    NamespaceRoutes(NamespaceRegistry registry) {
        this.registry = registry;
    }

    /** {@code GET .../namespaces?page=&per_page=&order=id|title&direction=asc|desc}. */
    void list(HttpExchange exchange, Query query) throws IOException {
        long page = orDefault(query.longValue("page", KvErrors.INVALID_LIST_ARGUMENT), 1);
        long perPage = orDefault(query.longValue("per_page", KvErrors.INVALID_LIST_ARGUMENT),
                KvLimits.DEFAULT_NAMESPACES_PER_PAGE);
        if (page < 1) {
            throw KvErrors.badRequest(KvErrors.INVALID_LIST_ARGUMENT, "page is " + page + "; it must be 1 or more");
        }
        if (perPage < KvLimits.MIN_NAMESPACES_PER_PAGE || perPage > KvLimits.MAX_NAMESPACES_PER_PAGE) {
            throw KvErrors.badRequest(KvErrors.INVALID_LIST_ARGUMENT, "per_page is " + perPage + "; it must be "
                    + KvLimits.MIN_NAMESPACES_PER_PAGE + ".." + KvLimits.MAX_NAMESPACES_PER_PAGE);
        }
        String order = query.get("order") == null ? "id" : query.get("order");
        String direction = query.get("direction") == null ? "asc" : query.get("direction");
        Comparator<NamespaceEntry> comparator;
        switch (order) {
            case "id" -> comparator = Comparator.comparing(NamespaceEntry::id);
            case "title" -> comparator = Comparator.comparing(NamespaceEntry::title).thenComparing(NamespaceEntry::id);
            default -> throw KvErrors.badRequest(KvErrors.INVALID_LIST_ARGUMENT, "order is " + KvErrors.quote(order)
                    + "; it must be id or title");
        }
        switch (direction) {
            case "asc" -> { }
            case "desc" -> comparator = comparator.reversed();
            default -> throw KvErrors.badRequest(KvErrors.INVALID_LIST_ARGUMENT, "direction is "
                    + KvErrors.quote(direction) + "; it must be asc or desc");
        }
        List<NamespaceEntry> all = registry.list();
        all.sort(comparator);
        long from = Math.min(all.size(), (page - 1) * perPage);
        long to = Math.min(all.size(), from + perPage);
        ArrayNode result = Envelope.array();
        for (NamespaceEntry entry : all.subList((int) from, (int) to)) {
            result.add(json(entry));
        }
        ObjectNode info = Envelope.object();
        info.put("page", page);
        info.put("per_page", perPage);
        info.put("count", to - from);
        info.put("total_count", all.size());
        info.put("total_pages", (all.size() + perPage - 1) / perPage);
        Envelope.success(exchange, result, info);
    }

    /** {@code POST .../namespaces} with {@code {"title": ...}}. */
    void create(HttpExchange exchange) throws IOException {
        Envelope.success(exchange, json(registry.create(title(exchange))));
    }

    /** {@code GET .../namespaces/ID}. */
    void get(HttpExchange exchange, String id) throws IOException {
        Envelope.success(exchange, json(registry.resolve(id)));
    }

    /** {@code PUT .../namespaces/ID} with {@code {"title": ...}}: only the title changes. */
    void rename(HttpExchange exchange, String id) throws IOException {
        registry.resolve(id);
        Envelope.success(exchange, json(registry.rename(id, title(exchange))));
    }

    /** {@code DELETE .../namespaces/ID}: the namespace and every key in it. */
    void delete(HttpExchange exchange, String id) throws IOException {
        registry.delete(id);
        Envelope.success(exchange, Envelope.object());
    }

    private static String title(HttpExchange exchange) {
        JsonNode body = Bodies.json(exchange, KvLimits.MAX_SMALL_BODY_BYTES, "request body");
        JsonNode title = body.path("title");
        if (!title.isString()) {
            throw KvErrors.badRequest(KvErrors.MISSING_TITLE, "the body needs a \"title\" string");
        }
        return title.asString();
    }

    static ObjectNode json(NamespaceEntry entry) {
        ObjectNode node = Envelope.object();
        node.put("id", entry.id());
        node.put("title", entry.title());
        node.put("supports_url_encoding", true);
        return node;
    }

    private static long orDefault(Long value, long otherwise) {
        return value == null ? otherwise : value;
    }
}
