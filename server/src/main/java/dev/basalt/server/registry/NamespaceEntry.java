package dev.basalt.server.registry;

/**
 * One namespace as the REST API sees it: Cloudflare's 32-hex {@code id}, its {@code title}, and
 * the engine namespace that holds its keys ({@code engineName}; the id itself for namespaces
 * made through the server, the original name for those made through the Java API).
 */
public record NamespaceEntry(String id, String title, String engineName) {
}
