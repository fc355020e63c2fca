package dev.basalt;

import java.util.Objects;
import tools.jackson.databind.JsonNode;

/**
 * One key of a {@link ListResult} page: its name, when it expires and its metadata, as
 * they were when the page was read. Workers KV's {@code list} returns the same three fields.
 *
 * <p>The record is immutable except for the {@code metadata} tree, which Jackson makes
 * mutable: the engine gives every page its own copy, so changing it affects nothing else.
 *
 * @param name the key, never null
 * @param expiration the epoch second at which the key expires, or null if it never does
 * @param metadata the key's metadata, or null if it has none
 */
public record KeyInfo(String name, Long expiration, JsonNode metadata) {
    /**
     * A key's listing entry.
     *
     * @param name the key
     * @param expiration the expiration in epoch seconds, or null for none
     * @param metadata the metadata, or null for none
     * @throws NullPointerException if {@code name} is null
     */
    public KeyInfo {
        Objects.requireNonNull(name, "name");
    }
}
