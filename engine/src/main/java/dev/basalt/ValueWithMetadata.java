package dev.basalt;

import tools.jackson.databind.JsonNode;

/**
 * A value read together with its metadata: what {@code getWithMetadata} returns, like Workers
 * KV's {@code { value, metadata }}.
 *
 * <p>From the single-key {@code getWithMetadata}, an absent or expired key gives a record whose
 * components are both null (see {@link #absent()}), as Workers KV returns
 * {@code { value: null, metadata: null }}. The bulk {@code getWithMetadata} maps such a key to
 * {@code null} itself, not to this record, as Workers KV's bulk read does. When the key exists
 * {@code value} is never null (an empty value is {@code ""} or an empty array; a JSON
 * {@code null} read with {@code json(Class)} is the one exception) and {@code metadata} is null
 * only if the key has none.
 *
 * <p>The record holds what the read produced: a {@code byte[]} or {@code JsonNode} in it is
 * the caller's own copy, and an {@code InputStream} value is the caller's to read and close.
 *
 * @param value the value as the requested {@link ValueType}, or null when absent
 * @param metadata the key's metadata, or null when absent or when the key has none
 * @param <T> the type of the value
 */
public record ValueWithMetadata<T>(T value, JsonNode metadata) {
    /**
     * The result for an absent or expired key: value and metadata both null.
     *
     * @param <T> the Java type of the value
     * @return the result with value and metadata both null
     */
    public static <T> ValueWithMetadata<T> absent() {
        return new ValueWithMetadata<>(null, null);
    }
}
