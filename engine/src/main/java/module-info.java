/**
 * The Basalt engine. Only {@code dev.basalt} is exported; everything under
 * {@code dev.basalt.internal} is the engine's own business.
 */
module dev.basalt.engine {
    requires transitive tools.jackson.databind;
    requires org.agrona;
    requires chronicle.bytes;
    requires chronicle.core;
    requires jdk.jfr;           // engine events, off by default (docs/observability.md)
    requires java.management;   // the BasaltMXBean of each open store

    exports dev.basalt;
}
