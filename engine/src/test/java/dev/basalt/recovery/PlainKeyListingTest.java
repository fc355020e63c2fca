package dev.basalt.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.Basalt;
import dev.basalt.BasaltInternals;
import dev.basalt.BasaltOptions;
import dev.basalt.KeyInfo;
import dev.basalt.KvNamespace;
import dev.basalt.ListOptions;
import dev.basalt.PutOptions;
import dev.basalt.testing.TestFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import tools.jackson.databind.json.JsonMapper;

/**
 * A {@code list} page names a key the listing flags plain from the listing alone, without its
 * record; so the flag must never outlive the key's last record without an expiration or
 * metadata. Random overwrites of a few keys that move between plain, expiring and
 * metadata-carrying records, and deletes, are checked page by page against a model of every
 * key's expiration and metadata: in the running store (the writer clears the flag), after an open
 * from a checkpoint plus a replayed tail (the replay clears it), and after a full replay of the
 * log (the rebuild sets it from each key's record).
 */
class PlainKeyListingTest {
    private static final long NOW = 1_900_000_000L;
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int KEYS = 60;

    private static BasaltOptions options() {
        return StoreFixture.periodicStoppedAt(NOW);
    }

    @Property(tries = 10)
    void everyListedKeyCarriesItsNewestExpirationAndMetadata(@ForAll @LongRange(min = 1) long seed)
            throws IOException {
        Path root = Files.createTempDirectory("basalt-plain");
        try {
            Random random = new Random(seed);
            Path dir = root.resolve("data");
            Map<String, KeyInfo> model = new TreeMap<>();
            try (Basalt db = Basalt.open(dir, options())) {
                writeSome(db.namespace("ns"), model, random, 400);
                assertListed(db, model, "the running store");
            }
            Path crashed = root.resolve("crashed");
            try (Basalt db = Basalt.open(dir, options())) {
                assertListed(db, model, "opened from the clean close's checkpoint");
                writeSome(db.namespace("ns"), model, random, 400);
                assertListed(db, model, "the running store after more writes");
                TestFiles.copyAsAKillLeavesIt(dir, crashed);
            }
            try (Basalt db = Basalt.open(crashed, options())) {
                assertThat(BasaltInternals.store(db).replayedBecause()).as("checkpoint plus tail").isNull();
                assertThat(BasaltInternals.store(db).recordsReplayed()).as("a tail was replayed").isPositive();
                assertListed(db, model, "opened from a checkpoint and its tail");
            }
            Files.delete(crashed.resolve("CHECKPOINT"));
            try (Basalt db = Basalt.open(crashed, options())) {
                assertThat(BasaltInternals.store(db).replayedBecause()).isEqualTo("no checkpoint");
                assertListed(db, model, "opened by a full replay");
            }
        } finally {
            StoreFixture.deleteRecursively(root);
        }
    }

    /** Puts that are plain, expiring or with metadata (half of them plain), and deletes. */
    private static void writeSome(KvNamespace ns, Map<String, KeyInfo> model, Random random, int operations) {
        for (int i = 0; i < operations; i++) {
            String key = String.format("k/%03d", random.nextInt(KEYS));
            int roll = random.nextInt(10);
            if (roll == 0) {
                ns.delete(key);
                model.remove(key);
            } else if (roll < 5) {
                ns.put(key, "plain " + i);
                model.put(key, new KeyInfo(key, null, null));
            } else if (roll < 7) {
                long expiration = NOW + 10 + random.nextInt(1000);
                ns.put(key, "expiring " + i, PutOptions.expiration(expiration));
                model.put(key, new KeyInfo(key, expiration, null));
            } else if (roll < 9) {
                Map<String, Object> metadata = Map.of("n", i);
                ns.put(key, "with metadata " + i, PutOptions.none().withMetadata(metadata));
                model.put(key, new KeyInfo(key, null, JSON.valueToTree(metadata)));
            } else {
                long expiration = NOW + 10 + random.nextInt(1000);
                Map<String, Object> metadata = Map.of("both", i);
                ns.put(key, "both " + i, PutOptions.expiration(expiration).withMetadata(metadata));
                model.put(key, new KeyInfo(key, expiration, JSON.valueToTree(metadata)));
            }
        }
    }

    /** Lists the namespace in pages of 1000 and of 7 (plain keys in some batches, not in others). */
    private static void assertListed(Basalt db, Map<String, KeyInfo> model, String when) {
        List<KeyInfo> expected = new ArrayList<>(model.values());
        KvNamespace ns = db.namespace("ns");
        assertThat(ns.listAll(ListOptions.all()).collect(Collectors.toList())).as(when).isEqualTo(expected);
        assertThat(ns.listAll(ListOptions.all().withLimit(7)).collect(Collectors.toList())).as(when + ", pages of 7")
                .isEqualTo(expected);
        assertThat(expected.stream().filter(k -> k.expiration() == null && k.metadata() == null).count())
                .as(when + ": some keys are plain").isPositive();
    }
}
