/**
 * Basalt as a persistent key-value state store of Kafka Streams 4.3.
 *
 * <p>Basics: {@link dev.basalt.kafka.BasaltDslStoreSuppliers} (one line of configuration,
 * {@code dsl.store.suppliers.class}) makes every DSL key-value store a Basalt store;
 * {@link dev.basalt.kafka.BasaltStoreSupplier} supplies one store where a
 * {@code KeyValueBytesStoreSupplier} is taken. Each store is its own Basalt directory in its
 * task's state directory; Kafka's changelog topic stays the source of truth.
 *
 * <p>Caveats: window and session stores stay on Kafka's RocksDB stores; {@code putAll} is not
 * atomic yet; descending scans cost a short search per key, ascending ones a pointer hop.
 *
 * <p>Limits: keys 1..512 bytes (a longer one is refused, naming the store, the length and the
 * limit); values up to Basalt's value limit (25 MiB by default). See docs/kafka-streams.md.
 */
package dev.basalt.kafka;
