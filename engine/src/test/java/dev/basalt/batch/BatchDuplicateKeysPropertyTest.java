package dev.basalt.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.Basalt;
import dev.basalt.BasaltOptions;
import dev.basalt.KvNamespace;
import dev.basalt.ListOptions;
import dev.basalt.WriteBatch;
import dev.basalt.testing.TestFiles;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Issue 14: a batch that names a key twice is refused before anything is written, and the
 * message names the first entry that repeats a key and the entry it repeats, as a map from key
 * to first entry says; a batch of distinct keys is written whole. The keys come from a small
 * pool (ASCII, multi-byte UTF-8, keys one byte apart, keys of 512 bytes) so that repeats, near
 * misses and shared hash slots all happen; the batch is checked on its encoded key bytes, so
 * this holds that check to the strings' own equality.
 */
class BatchDuplicateKeysPropertyTest {
    @Property(tries = 60)
    void aRepeatedKeyIsRefusedAsTheModelSaysAndNothingIsWritten(@ForAll("batches") List<Integer> picks,
            @ForAll("pools") List<String> pool) {
        Path dir = TestFiles.newTempDirectory("batch-duplicates");
        try (Basalt db = Basalt.open(dir, BasaltOptions.defaults().withSegmentSize(1 << 20))) {
            KvNamespace ns = db.namespace("NS");
            ns.put("sentinel", "before");
            WriteBatch batch = WriteBatch.create();
            Map<String, Integer> firstEntry = new HashMap<>();
            String expectedError = null;
            for (int i = 0; i < picks.size(); i++) {
                String key = pool.get(picks.get(i) % pool.size());
                batch.put(key, "v" + i);
                Integer earlier = firstEntry.putIfAbsent(key, i);
                if (earlier != null && expectedError == null) {
                    expectedError = "batch entry [" + i + "] (key \"" + key + "\") repeats the key of entry ["
                            + earlier + "]; a batch takes each key at most once";
                }
            }
            if (expectedError != null) {
                assertThatThrownBy(() -> ns.write(batch)).isInstanceOf(IllegalArgumentException.class)
                        .hasMessage(expectedError);
                assertThat(ns.list(ListOptions.all()).keys()).hasSize(1);
            } else {
                ns.write(batch);
                for (Map.Entry<String, Integer> entry : firstEntry.entrySet()) {
                    assertThat(ns.get(entry.getKey())).isEqualTo("v" + entry.getValue());
                }
                assertThat(ns.list(ListOptions.all()).keys()).hasSize(firstEntry.size() + 1);
            }
            assertThat(ns.get("sentinel")).isEqualTo("before");
        } finally {
            TestFiles.deleteRecursively(dir);
        }
    }

    @Provide
    Arbitrary<List<Integer>> batches() {
        return Arbitraries.integers().between(0, 1_000).list().ofMinSize(1).ofMaxSize(300);
    }

    @Provide
    Arbitrary<List<String>> pools() {
        Arbitrary<String> ascii = Arbitraries.strings().withCharRange('a', 'c').ofMinLength(1).ofMaxLength(4);
        Arbitrary<String> multiByte = Arbitraries.strings().withChars('é', '€', 'ß', '中').ofMinLength(1)
                .ofMaxLength(3);
        Arbitrary<String> numbered = Arbitraries.integers().between(0, 5_000).map(n -> String.format("user:%011d", n));
        Arbitrary<String> longest = Arbitraries.strings().withCharRange('x', 'y').ofLength(512);
        return Arbitraries.oneOf(ascii, multiByte, numbered, longest).list().ofMinSize(1).ofMaxSize(400);
    }
}
