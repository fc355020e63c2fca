package dev.basalt.tools;

import tools.jackson.databind.JsonNode;

/**
 * One entry of a bulk file (Cloudflare's format), checked against the engine's rules.
 *
 * @param index the entry's index in the array, from 0
 * @param line the line its object starts on, from 1
 * @param value the value bytes ({@code base64} already decoded)
 * @param expirationEpochSeconds the absolute expiration, or null
 * @param expirationTtlSeconds the TTL, or null; it wins over the absolute one, as in the API
 * @param metadata the metadata, or null
 */
record BulkEntry(int index, int line, String key, byte[] value, Long expirationEpochSeconds,
        Long expirationTtlSeconds, JsonNode metadata) {
}
