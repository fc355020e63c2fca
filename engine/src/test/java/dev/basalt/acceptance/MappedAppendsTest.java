package dev.basalt.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.Basalt;
import dev.basalt.BasaltOptions;
import dev.basalt.Durability;
import dev.basalt.KeyInfo;
import dev.basalt.KvNamespace;
import dev.basalt.ListOptions;
import dev.basalt.ListResult;
import dev.basalt.PutOptions;
import dev.basalt.ValueWithMetadata;
import dev.basalt.WriteBatch;
import dev.basalt.testing.ManualClock;
import dev.basalt.testing.TestFiles;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * Records copied into a shared mapping of the active segment
 * ({@link BasaltOptions#withMappedAppends}) against a map model: single puts (with and without
 * metadata and expiration), overwrites, deletes and write batches across many small segments,
 * a compaction, and reopens that switch between the mapping and system calls on the same
 * directory, since both write the same bytes. After every phase each key's value and metadata
 * and the listing must agree with the model. (Kills are in {@link CrashTest}.)
 */
class MappedAppendsTest {
    private static final long SEGMENT_BYTES = 1L << 20;
    private static final String NAMESPACE = "MAPPED";

    /** What a key holds in the model. */
    private record Entry(String value, String tag) {
    }

    @Property(tries = 8)
    void mappedAndWrittenAppendsAgreeWithAMapModel(@ForAll @IntRange(min = 0, max = 1_000_000) int seed,
            @ForAll boolean startMapped) {
        Path dir = TestFiles.newTempDirectory("basalt-mapped-");
        try {
            SplittableRandom random = new SplittableRandom(seed);
            TreeMap<String, Entry> model = new TreeMap<>();
            boolean mapped = startMapped;
            for (int phase = 0; phase < 4; phase++) {
                try (Basalt db = Basalt.open(dir, options(mapped))) {
                    KvNamespace ns = db.namespace(NAMESPACE);
                    assertAgrees(ns, model, "after opening for phase " + phase);
                    writeSome(ns, model, random, 1_500);
                    assertAgrees(ns, model, "after the writes of phase " + phase);
                    if (phase == 1) {
                        db.compact();
                        assertAgrees(ns, model, "after a compaction in phase " + phase);
                    }
                }
                mapped = !mapped;
            }
        } finally {
            TestFiles.deleteRecursively(dir);
        }
    }

    @Test
    void aStoreWithMappedAppendsRollsThroughManySegmentsAndReadsEveryRecordBack() {
        Path dir = TestFiles.newTempDirectory("basalt-mapped-");
        try (Basalt db = Basalt.open(dir, options(true))) {
            KvNamespace ns = db.namespace(NAMESPACE);
            String value = "v".repeat(3_000);
            for (int i = 0; i < 2_000; i++) {
                ns.put("key-" + i, value + i);
            }
            assertThat(db.stats().segmentCount()).as("6 MB of records in 1 MiB segments").isGreaterThan(4);
            for (int i = 0; i < 2_000; i++) {
                assertThat(ns.get("key-" + i)).isEqualTo(value + i);
            }
        } finally {
            TestFiles.deleteRecursively(dir);
        }
    }

    private static BasaltOptions options(boolean mapped) {
        return BasaltOptions.defaults()
                .withClock(new ManualClock())
                .withMinExpirationTtl(Duration.ZERO)
                .withDurability(Durability.PERIODIC)
                .withSegmentSize(SEGMENT_BYTES)
                .withMappedAppends(mapped);
    }

    /** Puts, overwrites, deletes and batches over a small key space, with values up to 4 KB. */
    private static void writeSome(KvNamespace ns, TreeMap<String, Entry> model, SplittableRandom random, int ops) {
        for (int op = 0; op < ops; op++) {
            int roll = random.nextInt(20);
            if (roll == 0) {
                WriteBatch batch = WriteBatch.create();
                Map<String, Entry> changes = new TreeMap<>();
                int size = 1 + random.nextInt(200);
                while (changes.size() < size) {
                    String key = key(random);
                    if (changes.containsKey(key)) {
                        continue;
                    }
                    if (random.nextInt(5) == 0) {
                        batch.delete(key);
                        changes.put(key, null);
                    } else {
                        Entry entry = entry(random);
                        batch.put(key, entry.value(), options(entry));
                        changes.put(key, entry);
                    }
                }
                ns.write(batch);
                changes.forEach((key, entry) -> apply(model, key, entry));
            } else if (roll < 4) {
                String key = key(random);
                ns.delete(key);
                model.remove(key);
            } else {
                String key = key(random);
                Entry entry = entry(random);
                ns.put(key, entry.value(), options(entry));
                model.put(key, entry);
            }
        }
    }

    private static void apply(TreeMap<String, Entry> model, String key, Entry entry) {
        if (entry == null) {
            model.remove(key);
        } else {
            model.put(key, entry);
        }
    }

    private static String key(SplittableRandom random) {
        return "k" + random.nextInt(600);
    }

    private static Entry entry(SplittableRandom random) {
        String value = Integer.toHexString(random.nextInt()).repeat(1 + random.nextInt(500));
        String tag = random.nextInt(3) == 0 ? "t" + random.nextInt(1000) : null;
        return new Entry(value, tag);
    }

    private static PutOptions options(Entry entry) {
        return entry.tag() == null ? PutOptions.none() : PutOptions.none().withMetadata(Map.of("tag", entry.tag()));
    }

    private static void assertAgrees(KvNamespace ns, TreeMap<String, Entry> model, String when) {
        for (int i = 0; i < 600; i++) {
            String key = "k" + i;
            Entry expected = model.get(key);
            ValueWithMetadata<String> actual = ns.getWithMetadata(key);
            if (expected == null) {
                assertThat(actual.value()).as("%s: %s is absent", when, key).isNull();
                continue;
            }
            assertThat(actual.value()).as("%s: value of %s", when, key).isEqualTo(expected.value());
            if (expected.tag() == null) {
                assertThat(actual.metadata()).as("%s: metadata of %s", when, key).isNull();
            } else {
                assertThat(actual.metadata().get("tag").asString()).as("%s: metadata of %s", when, key)
                        .isEqualTo(expected.tag());
            }
        }
        List<String> listed = new ArrayList<>();
        String cursor = null;
        do {
            ListOptions page = ListOptions.all();
            ListResult result = ns.list(cursor == null ? page : page.withCursor(cursor));
            for (KeyInfo info : result.keys()) {
                listed.add(info.name());
            }
            cursor = result.cursor();
        } while (cursor != null);
        assertThat(listed).as("%s: the listing", when).containsExactlyElementsOf(model.keySet());
    }
}
