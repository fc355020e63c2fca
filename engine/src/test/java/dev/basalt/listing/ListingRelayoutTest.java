package dev.basalt.listing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.Basalt;
import dev.basalt.BasaltInternals;
import dev.basalt.BasaltOptions;
import dev.basalt.Durability;
import dev.basalt.KeyInfo;
import dev.basalt.KvNamespace;
import dev.basalt.ListOptions;
import dev.basalt.PutOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/**
 * A listing laid out in key order again ({@code ListingRelayouts}) while two writers insert,
 * overwrite (between plain records and ones with metadata) and delete keys of their own, and a
 * reader pages through keys nobody touches: the reader sees every untouched key on every pass,
 * across the replacements of the listing under it, and at the end every page agrees with what
 * the writers last did to each key, expiration and metadata included.
 */
class ListingRelayoutTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** Enough that a walk takes several steps, so writers change keys during it and rounds catch up. */
    private static final int STABLE_KEYS = 40_000;

    @Test
    void relayoutsBesideWritersAndReadersLoseAndResurrectNothing(@TempDir Path dir) throws Exception {
        BasaltOptions options = BasaltOptions.defaults().withDurability(Durability.PERIODIC)
                .withSegmentSize(4L << 20);
        try (Basalt db = Basalt.open(dir, options)) {
            KvNamespace ns = db.namespace("ns");
            List<String> stable = new ArrayList<>();
            for (int i = 0; i < STABLE_KEYS; i++) {
                String key = String.format("s/%05d", (i * 7919) % STABLE_KEYS); // not in key order
                ns.put(key, "stable");
                stable.add(key);
            }
            stable.sort(null);
            Map<String, KeyInfo> model = new ConcurrentHashMap<>();
            AtomicBoolean writing = new AtomicBoolean(true);
            AtomicInteger writes = new AtomicInteger();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                int writer = w;
                threads.add(new Thread(() -> write(ns, writer, model, writes, writing, failure)));
            }
            int[] readerPasses = new int[1];
            threads.add(new Thread(() -> {
                try {
                    while (writing.get()) {
                        List<String> listed = ns.listAll(ListOptions.prefix("s/").withLimit(1000))
                                .map(KeyInfo::name).collect(Collectors.toList());
                        assertThat(listed).as("untouched keys, pass " + readerPasses[0]).isEqualTo(stable);
                        readerPasses[0]++;
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            }));
            threads.forEach(Thread::start);
            long relayoutsBefore = BasaltInternals.store(db).listingRelayouts();
            int relayouts = 0;
            while ((relayouts < 12 || writes.get() < 20_000) && failure.get() == null) {
                BasaltInternals.store(db).relayoutListingsNow();
                relayouts++;
            }
            writing.set(false);
            for (Thread t : threads) {
                t.join();
            }
            if (failure.get() != null) {
                throw new AssertionError(failure.get());
            }
            assertThat(BasaltInternals.store(db).listingRelayouts() - relayoutsBefore).as("relayouts completed")
                    .isGreaterThanOrEqualTo(12);
            assertThat(readerPasses[0]).as("reader passes").isPositive();
            assertThat(BasaltInternals.store(db).listingRelayoutRoundsWithoutLock())
                    .as("catch-up rounds without the lock").isPositive();

            TreeMap<String, KeyInfo> expected = new TreeMap<>(model);
            for (String key : stable) {
                expected.put(key, new KeyInfo(key, null, null));
            }
            assertThat(ns.listAll(ListOptions.all()).collect(Collectors.toList()))
                    .isEqualTo(new ArrayList<>(expected.values()));
            BasaltInternals.store(db).relayoutListingsNow();
            assertThat(ns.listAll(ListOptions.all().withLimit(13)).collect(Collectors.toList()))
                    .as("after one more relayout, with nobody writing").isEqualTo(new ArrayList<>(expected.values()));
        }
    }

    /** Puts (plain, with metadata, with an expiration far off) and deletes of the writer's own keys. */
    private static void write(KvNamespace ns, int writer, Map<String, KeyInfo> model, AtomicInteger writes,
            AtomicBoolean writing, AtomicReference<Throwable> failure) {
        try {
            Random random = new Random(writer);
            long farOff = System.currentTimeMillis() / 1000 + 86_400;
            int i = 0;
            while (writing.get()) {
                String key = "w" + writer + "/" + random.nextInt(2_000);
                int roll = random.nextInt(8);
                if (roll == 0) {
                    ns.delete(key);
                    model.remove(key);
                } else if (roll < 5) {
                    ns.put(key, "plain");
                    model.put(key, new KeyInfo(key, null, null));
                } else if (roll < 7) {
                    Map<String, Object> metadata = Map.of("i", i);
                    ns.put(key, "meta", PutOptions.none().withMetadata(metadata));
                    model.put(key, new KeyInfo(key, null, JSON.valueToTree(metadata)));
                } else {
                    ns.put(key, "expiring", PutOptions.expiration(farOff));
                    model.put(key, new KeyInfo(key, farOff, null));
                }
                i++;
                writes.incrementAndGet();
            }
        } catch (Throwable t) {
            failure.compareAndSet(null, t);
        }
    }
}
