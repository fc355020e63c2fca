package dev.basalt.server.routing;

import dev.basalt.server.envelope.Envelope;
import dev.basalt.server.envelope.KvErrors;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Metadata sent as bracketed form fields. The official {@code cloudflare} SDK turns a metadata
 * <em>object</em> into fields {@code metadata[a]=1}, {@code metadata[b][c]=x},
 * {@code metadata[d][]=y} rather than one JSON field; this rebuilds the object. Form fields carry
 * no types, so every leaf is a string (pass {@code JSON.stringify(metadata)} to keep numbers).
 * Not thread-safe: one per request.
 */
final class FormMetadata {
    private static final int MAX_FIELDS = 1024;
    private ObjectNode root;
    private int fields;

    /** Adds field {@code name} (starting with {@code metadata[}) with {@code value}. */
    void add(String name, String value) {
        if (++fields > MAX_FIELDS) {
            throw KvErrors.badRequest(KvErrors.INVALID_METADATA, "the form has more than " + MAX_FIELDS
                    + " metadata fields");
        }
        List<String> path = path(name);
        if (root == null) {
            root = Envelope.object();
        }
        JsonNode node = root;
        for (int i = 0; i < path.size(); i++) {
            String step = path.get(i);
            boolean last = i == path.size() - 1;
            boolean nextIsArray = !last && path.get(i + 1).isEmpty();
            if (node instanceof ObjectNode object) {
                if (step.isEmpty()) {
                    throw malformed(name);
                }
                if (last) {
                    object.put(step, value);
                } else {
                    JsonNode child = object.get(step);
                    if (child == null) {
                        child = nextIsArray ? object.putArray(step) : object.putObject(step);
                    }
                    node = child;
                }
            } else if (node instanceof ArrayNode array) {
                if (!step.isEmpty() || !last) {
                    throw malformed(name); // only flat lists: metadata[a][]=x
                }
                array.add(value);
            } else {
                throw malformed(name);
            }
        }
    }

    /** The rebuilt object, or null when no bracketed field came. */
    JsonNode node() {
        return root;
    }

    private static List<String> path(String name) {
        List<String> steps = new ArrayList<>();
        int at = "metadata".length();
        while (at < name.length()) {
            int close = name.indexOf(']', at);
            if (name.charAt(at) != '[' || close < 0) {
                throw malformed(name);
            }
            steps.add(name.substring(at + 1, close));
            at = close + 1;
        }
        if (steps.isEmpty()) {
            throw malformed(name);
        }
        return steps;
    }

    private static RuntimeException malformed(String name) {
        return KvErrors.badRequest(KvErrors.INVALID_METADATA, "metadata form field " + KvErrors.quote(name)
                + " is not of the form metadata[name][...] ");
    }
}
