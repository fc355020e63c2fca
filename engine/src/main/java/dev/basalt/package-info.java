/**
 * Basalt: an embedded, log-structured key-value engine with the Workers KV namespace API.
 *
 * <p>This is the only exported package. Its types are documented like a manual: what each
 * call promises, its limits and its errors. See {@code README.md} for the JVM flags every
 * launcher must set.
 */
package dev.basalt;
