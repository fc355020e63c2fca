/**
 * {@code basalt serve}: the KV part of Cloudflare's v4 REST API over one Basalt data directory
 * (docs/server.md).
 *
 * <h2>Basics</h2>
 * {@link dev.basalt.server.BasaltServer#start} opens the store with the engine's defaults and
 * listens; {@link dev.basalt.server.BasaltServer#close} stops and closes the store. Requests go
 * through one handler, {@code routing.Router}: bearer check first, then the path, then the
 * endpoint. Answers are Cloudflare's envelope ({@code envelope}); namespace ids and titles live
 * in {@code registry}; multipart bodies are read by {@code multipart}.
 *
 * <h2>Caveats</h2>
 * The server uses only the engine's public API. The JDK server's timeouts are JVM-wide system
 * properties, read once. Bulk writes are checked whole, then written key by key (no
 * multi-key transaction in the engine).
 *
 * <h2>Limits</h2>
 * Cloudflare's: key 512 bytes, value 25 MiB, metadata 1024 bytes, bulk 10,000 pairs or keys
 * (100 for a get), bulk body 100 MB; list limit 10..1000 ({@code routing.KvLimits}).
 */
package dev.basalt.server;
