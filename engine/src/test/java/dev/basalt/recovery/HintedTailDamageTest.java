package dev.basalt.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.Basalt;
import dev.basalt.BasaltInternals;
import dev.basalt.BasaltOptions;
import dev.basalt.KvNamespace;
import dev.basalt.ListOptions;
import dev.basalt.internal.log.FileBytes;
import dev.basalt.testing.TestFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import net.jqwik.api.Example;

/**
 * A record in the tail after a checkpoint, in a segment sealed since it, whose namespace or key
 * bytes were damaged after its hint entry was written. The open replays the segment from its
 * hint; the record, read and checked against its entry on the log's side of the replay, does
 * not agree, so it reaches the indexes unchecked and the sweep after the replay reports it. It
 * costs its key's newest value only (the key reads as absent, never as another value), and every
 * other key reads and lists as written.
 */
class HintedTailDamageTest {
    private static final long NOW = 1_900_000_000L;
    private static final int CHECKPOINTED_KEYS = 200;
    /** With 1 MiB segments, about 40 of these seal a segment, so the tail's keys lie mostly in hinted ones. */
    private static final int VALUE_BYTES = 24 * 1024;
    private static final String VICTIM = "k/0150";

    private static BasaltOptions options() {
        return StoreFixture.periodicStoppedAt(NOW);
    }

    @Example
    void aKeyByteDamagedInTheHintedTailCostsThatKeyOnly() throws IOException {
        assertDamageCostsTheVictimOnly("nsk/0150", "ns".length() + "k/0".length());
    }

    @Example
    void aNamespaceByteDamagedInTheHintedTailCostsThatKeyOnly() throws IOException {
        assertDamageCostsTheVictimOnly("nsk/0150", 1);
    }

    private void assertDamageCostsTheVictimOnly(String recordNames, int byteInNames) throws IOException {
        Path root = Files.createTempDirectory("basalt-hinted-tail-damage");
        try {
            Path dir = root.resolve("data");
            Map<String, String> values = new TreeMap<>();
            try (Basalt db = Basalt.open(dir, options())) {
                for (int i = 0; i < CHECKPOINTED_KEYS; i++) {
                    put(db.namespace("ns"), String.format("k/%04d", i), "old", values);
                }
            }
            Path crashed = root.resolve("crashed");
            long activeAtCheckpoint = TestFiles.newestSegmentId(dir);
            try (Basalt db = Basalt.open(dir, options())) {
                for (int i = 100; i < CHECKPOINTED_KEYS + 100; i++) {
                    put(db.namespace("ns"), String.format("k/%04d", i), "new", values);
                }
                TestFiles.awaitSealedHints(dir, activeAtCheckpoint);
                TestFiles.copyAsAKillLeavesIt(dir, crashed);
            }
            Path segment = hintedSegmentHolding(crashed, recordNames);
            FileBytes.flipBit(segment, FileBytes.indexOf(segment, utf8(recordNames)) + byteInNames, 3);
            values.remove(VICTIM);

            try (Basalt db = Basalt.open(crashed, options())) {
                assertThat(BasaltInternals.store(db).replayedBecause()).as("checkpoint plus tail").isNull();
                assertThat(db.stats().corruptRecordsSkipped()).as("the damaged record is reported").isEqualTo(1);
                KvNamespace ns = db.namespace("ns");
                for (int i = 0; i < CHECKPOINTED_KEYS + 100; i++) {
                    String key = String.format("k/%04d", i);
                    assertThat(ns.get(key)).as(key).isEqualTo(values.get(key));
                }
                List<String> listed = ns.listAll(ListOptions.all()).map(k -> k.name()).collect(Collectors.toList());
                assertThat(listed).isEqualTo(new ArrayList<>(values.keySet()));
            }
        } finally {
            StoreFixture.deleteRecursively(root);
        }
    }

    private static void put(KvNamespace ns, String key, String tag, Map<String, String> values) {
        String value = tag + "-" + key + "-" + "v".repeat(VALUE_BYTES);
        ns.put(key, value);
        values.put(key, value);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** The newest segment with a hint file whose bytes hold {@code names} (the victim's newest record). */
    private static Path hintedSegmentHolding(Path dir, String names) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> hinted = files.filter(f -> f.toString().endsWith(".hint"))
                    .map(hint -> dir.resolve(hint.getFileName().toString().replace(".hint", ".seg")))
                    .sorted(Comparator.reverseOrder()).collect(Collectors.toList());
            for (Path segment : hinted) {
                if (FileBytes.indexOf(segment, utf8(names)) >= 0) {
                    return segment;
                }
            }
        }
        throw new AssertionError("no hinted segment holds " + names + ": the tail is not where the test expects");
    }
}
