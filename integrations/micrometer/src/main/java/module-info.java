/**
 * A Micrometer {@code MeterBinder} for Basalt: {@link dev.basalt.micrometer.BasaltMetrics}.
 */
module dev.basalt.micrometer {
    requires transitive dev.basalt.engine;
    requires transitive micrometer.core;

    exports dev.basalt.micrometer;
}
