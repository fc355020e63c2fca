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
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import tools.jackson.databind.json.JsonMapper;

/**
 * The open after a crash replays the segments sealed since the checkpoint from their hint files;
 * the log's side of the replay reads each record once, to check it against its entry, and what
 * the indexing side then reads of its header (a tombstone, a put with an expiration or
 * metadata, a plain put) stands in for every later read: the touched keys' final locations and
 * the listing's plain flags come from it. A tail that touches every key once takes that path
 * throughout (no key's slot was replaced, so none is looked up again); one that touches some
 * keys twice takes it for the rest. Either way every key
 * reads and lists as the model says, with its expiration and metadata.
 */
class HintedTailKindsTest {
    private static final long NOW = 1_900_000_000L;
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int CHECKPOINTED_KEYS = 300;
    /** With 1 MiB segments, about 40 of these seal a segment, so the tail's keys lie mostly in hinted ones. */
    private static final int VALUE_BYTES = 24 * 1024;

    private static BasaltOptions options() {
        return StoreFixture.periodicStoppedAt(NOW);
    }

    @Property(tries = 6)
    void everyKeyOfAHintedTailReadsAndListsAsWritten(@ForAll @LongRange(min = 1) long seed,
            @ForAll boolean someKeysTwice) throws IOException {
        Path root = Files.createTempDirectory("basalt-hinted-tail");
        try {
            Random random = new Random(seed);
            Path dir = root.resolve("data");
            Map<String, KeyInfo> model = new TreeMap<>();
            Map<String, String> values = new TreeMap<>();
            try (Basalt db = Basalt.open(dir, options())) {
                for (int i = 0; i < CHECKPOINTED_KEYS; i++) {
                    write(db.namespace("ns"), String.format("k/%04d", i), random, model, values);
                }
            }
            Path crashed = root.resolve("crashed");
            long activeAtCheckpoint = TestFiles.newestSegmentId(dir);
            try (Basalt db = Basalt.open(dir, options())) {
                List<String> touched = new ArrayList<>();
                for (int i = 0; i < CHECKPOINTED_KEYS + 100; i += 2) {
                    touched.add(String.format("k/%04d", i)); // half the checkpointed keys, 50 new ones
                }
                Collections.shuffle(touched, random);
                if (someKeysTwice) {
                    touched.addAll(touched.subList(0, 20));
                }
                for (String key : touched) {
                    write(db.namespace("ns"), key, random, model, values);
                }
                TestFiles.awaitSealedHints(dir, activeAtCheckpoint);
                TestFiles.copyAsAKillLeavesIt(dir, crashed);
            }
            try (Stream<Path> files = Files.list(crashed)) {
                assertThat(files.filter(f -> f.toString().endsWith(".hint")).count())
                        .as("hint files of segments sealed after the checkpoint").isGreaterThanOrEqualTo(3);
            }
            try (Basalt db = Basalt.open(crashed, options())) {
                assertThat(BasaltInternals.store(db).replayedBecause()).as("checkpoint plus tail").isNull();
                assertThat(BasaltInternals.store(db).recordsReplayed()).as("the tail").isPositive();
                KvNamespace ns = db.namespace("ns");
                for (int i = 0; i < CHECKPOINTED_KEYS + 100; i++) {
                    String key = String.format("k/%04d", i);
                    assertThat(ns.get(key)).as(key).isEqualTo(values.get(key));
                }
                List<KeyInfo> expected = new ArrayList<>(model.values());
                assertThat(ns.listAll(ListOptions.all()).collect(Collectors.toList())).isEqualTo(expected);
                assertThat(expected.stream().filter(k -> k.expiration() == null && k.metadata() == null).count())
                        .as("some keys are plain").isPositive();
            }
        } finally {
            StoreFixture.deleteRecursively(root);
        }
    }

    /** A delete (a tenth), a plain put (half the rest), a put with an expiration, metadata or both. */
    private static void write(KvNamespace ns, String key, Random random, Map<String, KeyInfo> model,
            Map<String, String> values) {
        int roll = random.nextInt(10);
        String value = roll + "-" + "v".repeat(VALUE_BYTES) + random.nextInt();
        Long expiration = roll == 6 || roll == 8 ? NOW + 10 + random.nextInt(1000) : null;
        Map<String, Object> metadata = roll >= 7 ? Map.of("n", random.nextInt(100)) : null;
        if (roll == 0) {
            ns.delete(key);
            model.remove(key);
            values.remove(key);
            return;
        }
        PutOptions options = expiration == null ? PutOptions.none() : PutOptions.expiration(expiration);
        ns.put(key, value, metadata == null ? options : options.withMetadata(metadata));
        model.put(key, new KeyInfo(key, expiration, metadata == null ? null : JSON.valueToTree(metadata)));
        values.put(key, value);
    }
}
