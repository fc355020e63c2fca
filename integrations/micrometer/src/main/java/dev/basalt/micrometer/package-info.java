/**
 * Basalt's figures as Micrometer meters: {@link dev.basalt.micrometer.BasaltMetrics} binds
 * {@code Basalt.stats()} to any {@code MeterRegistry}, for example Spring Boot's.
 */
package dev.basalt.micrometer;
