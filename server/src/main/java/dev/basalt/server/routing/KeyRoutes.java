package dev.basalt.server.routing;

import com.sun.net.httpserver.HttpExchange;
import dev.basalt.KeyInfo;
import dev.basalt.KvNamespace;
import dev.basalt.ListOptions;
import dev.basalt.ListResult;
import dev.basalt.server.envelope.Envelope;
import dev.basalt.server.envelope.KvErrors;
import java.io.IOException;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code GET .../keys?prefix=&limit=&cursor=}: one page of keys with expiration and metadata. */
final class KeyRoutes {
    void list(HttpExchange exchange, KvNamespace namespace, Query query) throws IOException {
        Long limit = query.longValue("limit", KvErrors.INVALID_LIST_ARGUMENT);
        if (limit != null && (limit < KvLimits.MIN_LIST_LIMIT || limit > KvLimits.MAX_LIST_LIMIT)) {
            throw KvErrors.badRequest(KvErrors.INVALID_LIST_ARGUMENT, "limit is " + limit + "; it must be "
                    + KvLimits.MIN_LIST_LIMIT + ".." + KvLimits.MAX_LIST_LIMIT);
        }
        String prefix = query.get("prefix") == null ? "" : query.get("prefix");
        ListOptions options = ListOptions.prefix(prefix).withLimit(limit == null ? KvLimits.MAX_LIST_LIMIT
                : limit.intValue());
        String cursor = query.get("cursor");
        if (cursor != null && !cursor.isEmpty()) {
            options = options.withCursor(cursor);
        }
        ListResult page = namespace.list(options);
        ArrayNode keys = Envelope.array();
        for (KeyInfo key : page.keys()) {
            ObjectNode node = keys.addObject();
            node.put("name", key.name());
            if (key.expiration() != null) {
                node.put("expiration", key.expiration());
            }
            if (key.metadata() != null) {
                node.set("metadata", key.metadata());
            }
        }
        ObjectNode info = Envelope.object();
        info.put("count", page.keys().size());
        // Cloudflare's last page carries an empty cursor, which is what stops the SDK's paging.
        info.put("cursor", page.listComplete() ? "" : page.cursor());
        Envelope.success(exchange, keys, info);
    }
}
