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
 * A relayout the writers outrun ({@link ListingRelayouts}) is dropped: a namespace that took
 * more new keys since the relayout began than a sixteenth of its size loses the copy, the
 * listing stays exactly what the writers made it, its inserts count again, and the background
 * thread lays it out once the inserts have been quiet for a period.
 */
class RelayoutAbandonTest {
    private static final int KEYS = 70_000;
    /** More than {@code KEYS / CHURN_FRACTION} (4,375). */
    private static final int CHURN = 6_000;

    @Test
    void aRelayoutOutrunByInsertsIsDroppedAndTheListingLaidOutOnceTheyStop(@TempDir Path dir) throws Exception {
        try (Basalt db = Basalt.open(dir, BasaltOptions.defaults().withDurability(Durability.PERIODIC))) {
            KvNamespace ns = db.namespace("ns");
            TreeSet<String> model = new TreeSet<>();
            // No inserts since a layout: the background thread begins none.
            Store store = ScatteredKeys.putAndLayOut(db, ns, model, KEYS);
            NamespaceState state = store.namespace("ns");
            ListingRelayouts relayouts = store.relayouts();
            long completed = store.listingRelayouts();

            synchronized (relayouts) { // the background thread takes no step until the test's ends
                assertThat(relayouts.begin(state)).isTrue();
                assertThat(relayouts.step()).as("the walk's first step").isEqualTo(1);
                ScatteredKeys.put(ns, model, "n/", CHURN);
                assertThat(state.relaid().relayoutChurn()).isEqualTo(CHURN);
                assertThat(relayouts.step()).isEqualTo(1);
                // Still held: the inserts that count again would start the quiet watch's relayout.
                assertThat(store.listingRelayoutsAbandoned()).isEqualTo(1);
                assertThat(store.listingRelayouts()).isEqualTo(completed);
                assertThat(state.relaid().relayoutChurn()).as("nothing noted any more").isZero();
                assertThat(state.relaid().insertsSinceLayout()).as("the dropped relayout's inserts count again")
                        .isEqualTo(CHURN);
            }
            assertThat(ScatteredKeys.listed(ns)).isEqualTo(new ArrayList<>(model));

            // A quarter of the keys more makes a relayout due; the watch holds it until a quiet period.
            ScatteredKeys.put(ns, model, "m/", KEYS / 4);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (store.listingRelayouts() == completed && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(store.listingRelayouts()).as("laid out once the inserts stopped").isGreaterThan(completed);
            assertThat(state.relaid().dropWatch().watching()).isFalse();
            assertThat(ScatteredKeys.listed(ns)).isEqualTo(new ArrayList<>(model));
        }
    }
}
