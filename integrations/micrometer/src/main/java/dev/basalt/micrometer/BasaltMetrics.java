package dev.basalt.micrometer;

import dev.basalt.Basalt;
import dev.basalt.BasaltStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

/**
 * Binds the figures of {@link Basalt#stats()} to a Micrometer {@link MeterRegistry}, tagged
 * {@code store=<name>}. In Spring Boot one bean is enough; the actuator binds every
 * {@code MeterBinder} bean to its registry:
 *
 * <pre>{@code
 * @Bean
 * MeterBinder basaltMetrics(Basalt db) {
 *     return new BasaltMetrics(db, "sessions");
 * }
 * }</pre>
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>name</th><th>type</th><th>from {@link BasaltStats}</th></tr>
 *   <tr><td>{@code basalt.keys}</td><td>gauge</td><td>{@code liveKeys}</td></tr>
 *   <tr><td>{@code basalt.live.bytes}</td><td>gauge (bytes)</td><td>{@code liveBytes}</td></tr>
 *   <tr><td>{@code basalt.log.bytes}</td><td>gauge (bytes)</td><td>{@code totalLogBytes}</td></tr>
 *   <tr><td>{@code basalt.log.segments}</td><td>gauge</td><td>{@code segmentCount}</td></tr>
 *   <tr><td>{@code basalt.index.offheap.bytes}</td><td>gauge (bytes)</td><td>{@code offHeapIndexBytes}</td></tr>
 *   <tr><td>{@code basalt.namespaces}</td><td>gauge</td><td>{@code namespaces}</td></tr>
 *   <tr><td>{@code basalt.expired.purged}</td><td>function counter</td><td>{@code expiredAndPurged}</td></tr>
 *   <tr><td>{@code basalt.compactions}</td><td>function counter</td><td>{@code compactionsRun}</td></tr>
 *   <tr><td>{@code basalt.compaction.reclaimed.bytes}</td><td>function counter (bytes)</td>
 *       <td>{@code bytesReclaimed}</td></tr>
 *   <tr><td>{@code basalt.recovery.corrupt.records}</td><td>function counter</td>
 *       <td>{@code corruptRecordsSkipped}</td></tr>
 *   <tr><td>{@code basalt.log.syncs}</td><td>function counter</td><td>{@code logSyncs}</td></tr>
 * </table>
 *
 * <p>Each meter reads a fresh {@code stats()} when the registry polls it. After the store is
 * closed the meters read {@code NaN} (gauges) or stay at their last figure (counters) rather than
 * throw from the registry's publishing thread. The binder holds the store weakly, like any
 * Micrometer gauge: it does not keep a closed store's handle alive. Counters count since the
 * store was opened, as {@code stats()} does.
 */
public final class BasaltMetrics implements MeterBinder {
    private final Basalt db;
    private final Tags tags;

    /**
     * A binder for {@code db}, tagged {@code store=<storeName>}.
     *
     * @param db the open store
     * @param storeName how dashboards tell this store from others in the same application
     */
    public BasaltMetrics(Basalt db, String storeName) {
        this(db, storeName, Tags.empty());
    }

    /** {@link #BasaltMetrics(Basalt, String)} with more tags on every meter. */
    public BasaltMetrics(Basalt db, String storeName, Iterable<Tag> extraTags) {
        this.db = Objects.requireNonNull(db, "db");
        this.tags = Tags.of("store", Objects.requireNonNull(storeName, "storeName")).and(extraTags);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        gauge(registry, "basalt.keys", "Keys that exist now, across all namespaces", null, BasaltStats::liveKeys);
        gauge(registry, "basalt.live.bytes", "Log bytes of the records that hold live keys", BaseUnits.BYTES,
                BasaltStats::liveBytes);
        gauge(registry, "basalt.log.bytes", "Bytes of every segment file, live and dead records alike",
                BaseUnits.BYTES, BasaltStats::totalLogBytes);
        gauge(registry, "basalt.log.segments", "Segment files", null, BasaltStats::segmentCount);
        gauge(registry, "basalt.index.offheap.bytes", "Native memory of the indexes, listings and expiry queue",
                BaseUnits.BYTES, BasaltStats::offHeapIndexBytes);
        gauge(registry, "basalt.namespaces", "Namespaces", null, BasaltStats::namespaces);
        counter(registry, "basalt.expired.purged", "Expired keys the background expiry removed", null,
                BasaltStats::expiredAndPurged);
        counter(registry, "basalt.compactions", "Compaction passes that compacted something", null,
                BasaltStats::compactionsRun);
        counter(registry, "basalt.compaction.reclaimed.bytes", "Log bytes compaction freed", BaseUnits.BYTES,
                BasaltStats::bytesReclaimed);
        counter(registry, "basalt.recovery.corrupt.records", "Damaged log ranges recovery skipped at open", null,
                BasaltStats::corruptRecordsSkipped);
        counter(registry, "basalt.log.syncs", "Log fsyncs completed", null, BasaltStats::logSyncs);
    }

    private void gauge(MeterRegistry registry, String name, String description, String unit,
            ToDoubleFunction<BasaltStats> figure) {
        Gauge.builder(name, db, store -> read(store, figure))
                .description(description).baseUnit(unit).tags(tags).register(registry);
    }

    private void counter(MeterRegistry registry, String name, String description, String unit,
            ToDoubleFunction<BasaltStats> figure) {
        FunctionCounter.builder(name, db, store -> read(store, figure))
                .description(description).baseUnit(unit).tags(tags).register(registry);
    }

    /** The figure now, or NaN once the store is closed (a registry must never see an exception). */
    private static double read(Basalt store, ToDoubleFunction<BasaltStats> figure) {
        try {
            return figure.applyAsDouble(store.stats());
        } catch (IllegalStateException closed) {
            return Double.NaN;
        }
    }
}
