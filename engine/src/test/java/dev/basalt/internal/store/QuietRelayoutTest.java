package dev.basalt.internal.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.Basalt;
import dev.basalt.BasaltOptions;
import dev.basalt.Durability;
import dev.basalt.KvNamespace;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A namespace that took far fewer new keys than a quarter of its size since its last layout,
 * but more than a sixty-fourth, is laid out once its inserts have been quiet for a period
 * ({@link ListingRelayouts}): a load that ends between two layouts leaves no part of its listing
 * out of order for good.
 */
class QuietRelayoutTest {
    private static final int KEYS = 70_000;
    /** More than (KEYS + LATE) / 64, far less than a quarter. */
    private static final int LATE = 3_000;

    @Test
    void aFewInsertsAfterALayoutAreLaidOutOnceQuiet(@TempDir Path dir) throws Exception {
        try (Basalt db = Basalt.open(dir, BasaltOptions.defaults().withDurability(Durability.PERIODIC))) {
            KvNamespace ns = db.namespace("ns");
            TreeSet<String> model = new TreeSet<>();
            Store store = ScatteredKeys.putAndLayOut(db, ns, model, KEYS);
            long completed = store.listingRelayouts();
            NamespaceState state = store.namespace("ns");
            // The background thread begins no relayout until the count is read: a test thread left
            // unscheduled for the quiet period would otherwise find it reset.
            synchronized (store.relayouts()) {
                ScatteredKeys.put(ns, model, "l/", LATE);
                assertThat(state.relaid().insertsSinceLayout())
                        .isLessThan((KEYS + LATE) / ListingRelayouts.INSERTS_FRACTION)
                        .isGreaterThanOrEqualTo((KEYS + LATE) / ListingRelayouts.QUIET_INSERTS_FRACTION);
            }

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (store.listingRelayouts() == completed && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(store.listingRelayouts()).as("laid out once quiet").isGreaterThan(completed);
            assertThat(state.relaid().insertsSinceLayout()).isZero();
            assertThat(ScatteredKeys.listed(ns))
                    .isEqualTo(new ArrayList<>(model));
        }
    }
}
