package dev.basalt.server.envelope;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Cloudflare's v4 response envelope: {@code {"success", "errors":[{"code","message"}],
 * "messages", "result"}} plus {@code result_info} where the endpoint pages. Every JSON answer of
 * the server goes through here; only a value read ({@code GET .../values/KEY}) answers raw bytes.
 */
public final class Envelope {
    /** The server's one JSON mapper (Jackson 3 defaults, as the engine's metadata). */
    public static final JsonMapper MAPPER = JsonMapper.builder().build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private Envelope() {
    }

    /** A new empty JSON object, for results. */
    public static ObjectNode object() {
        return NODES.objectNode();
    }

    /** A new empty JSON array, for results. */
    public static ArrayNode array() {
        return NODES.arrayNode();
    }

    /** Sends 200 with {@code result} (may be null: JSON null) and no result_info. */
    public static void success(HttpExchange exchange, JsonNode result) throws IOException {
        success(exchange, result, null);
    }

    /** Sends 200 with {@code result} and {@code resultInfo} (left out when null). */
    public static void success(HttpExchange exchange, JsonNode result, ObjectNode resultInfo) throws IOException {
        ObjectNode body = NODES.objectNode();
        body.put("success", true);
        body.set("errors", NODES.arrayNode());
        body.set("messages", NODES.arrayNode());
        body.set("result", result == null ? NODES.nullNode() : result);
        if (resultInfo != null) {
            body.set("result_info", resultInfo);
        }
        send(exchange, 200, body);
    }

    /** Sends the error envelope of {@code error} with its status. */
    public static void error(HttpExchange exchange, ApiException error) throws IOException {
        ObjectNode body = NODES.objectNode();
        body.put("success", false);
        ObjectNode entry = NODES.objectNode();
        entry.put("code", error.code());
        entry.put("message", error.getMessage());
        body.set("errors", NODES.arrayNode().add(entry));
        body.set("messages", NODES.arrayNode());
        body.set("result", NODES.nullNode());
        send(exchange, error.status(), body);
    }

    private static void send(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = MAPPER.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        if (exchange.getRequestMethod().equals("HEAD")) {
            exchange.sendResponseHeaders(status, -1); // a HEAD answer has no body
            return;
        }
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
