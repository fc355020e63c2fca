/**
 * Basalt: an embedded, log-structured key-value engine with the Workers KV namespace API.
 *
 * <p>This is the only exported package. Its types are documented like a manual: what each
 * call promises, its limits and its errors. See {@code README.md} for the JVM flags every
 * launcher must set.
 *
 * <p>Workers KV counterparts: {@code env.NS} is a {@link dev.basalt.KvNamespace};
 * {@code get(key, { type, cacheTtl })} is {@code get(key, ValueType, GetOptions)};
 * {@code put(key, value, { expiration, expirationTtl, metadata })} is
 * {@code put(key, value, PutOptions)}; {@code list({ prefix, limit, cursor })} is
 * {@code list(ListOptions)}, and the usual loop over its cursors is
 * {@link dev.basalt.KvNamespace#listAll(ListOptions) listAll}. Where Basalt differs, it is
 * stronger: a read sees every completed write, so {@code cacheTtl} is checked and then has
 * nothing to do.
 *
 * <p>Monitoring: {@link dev.basalt.BasaltMXBean} (JMX), JDK Flight Recorder events named
 * {@code dev.basalt.*} (off by default), and the optional {@code basalt-micrometer} module; see
 * {@code docs/observability.md}.
 */
package dev.basalt;
