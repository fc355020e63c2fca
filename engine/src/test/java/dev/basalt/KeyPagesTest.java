package dev.basalt;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

/**
 * The auto-paging view of {@code list} (issue #17): pages are fetched lazily, one at a time, and
 * the walk equals a sorted model of the keys for any page size.
 */
class KeyPagesTest {
    /** A fake {@code list} over a fixed sorted key list: pages of {@code limit}, cursor = index. */
    private static final class FakeLister implements Function<ListOptions, ListResult> {
        final List<String> keys;
        final List<ListOptions> calls = new ArrayList<>();

        FakeLister(List<String> keys) {
            this.keys = keys;
        }

        @Override
        public ListResult apply(ListOptions options) {
            calls.add(options);
            int from = options.cursor() == null ? 0 : Integer.parseInt(options.cursor());
            int to = Math.min(keys.size(), from + options.limit());
            List<KeyInfo> page = keys.subList(from, to).stream().map(k -> new KeyInfo(k, null, null))
                    .collect(Collectors.toList());
            boolean complete = to == keys.size();
            return new ListResult(page, complete, complete ? null : Integer.toString(to));
        }
    }

    private static List<String> keys(int n) {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            keys.add(String.format("k%05d", i));
        }
        return keys;
    }

    @Test
    void noPageIsFetchedUntilTheFirstElementIsAskedForAndThenOnlyThePagesUsed() {
        FakeLister lister = new FakeLister(keys(100));
        KeyPages pages = new KeyPages(lister, ListOptions.all().withLimit(10));
        Stream<KeyInfo> stream = java.util.stream.StreamSupport.stream(pages, false);
        assertThat(pages.pagesFetched()).isZero();

        List<String> first25 = stream.limit(25).map(KeyInfo::name).collect(Collectors.toList());

        assertThat(first25).isEqualTo(keys(25));
        assertThat(pages.pagesFetched()).as("abandoned in the third page").isEqualTo(3);
        assertThat(lister.calls).extracting(ListOptions::cursor).containsExactly(null, "10", "20");
        stream.close();
        stream.close();
    }

    @Test
    void aWalkToTheEndFetchesEachPageOnceAndStopsAtTheCompletePage() {
        FakeLister lister = new FakeLister(keys(30));
        KeyPages pages = new KeyPages(lister, ListOptions.prefix("k").withLimit(10));
        assertThat(java.util.stream.StreamSupport.stream(pages, false).count()).isEqualTo(30);
        assertThat(pages.pagesFetched()).isEqualTo(3);
        assertThat(lister.calls).allSatisfy(o -> assertThat(o.prefix()).isEqualTo("k"));
        assertThat(new KeyPages(new FakeLister(List.of()), ListOptions.all()).tryAdvance(k -> { })).isFalse();
    }

    @Property(tries = 25)
    void listAllEqualsTheSortedModelForAnyPageSize(
            @ForAll @Size(max = 60) Set<@StringLength(min = 1, max = 4) @CharRange(from = 'a', to = 'd') String> keys,
            @ForAll @IntRange(min = 1, max = 7) int pageSize,
            @ForAll @StringLength(max = 2) @CharRange(from = 'a', to = 'd') String prefix) throws Exception {
        Path dir = Files.createTempDirectory("basalt-keypages-");
        try (Basalt db = Basalt.open(dir, BasaltOptions.defaults().withSegmentSize(1L << 20)
                .withDurability(Durability.PERIODIC).withBackgroundCompaction(false))) {
            KvNamespace ns = db.namespace("P");
            for (String key : keys) {
                ns.put(key, key);
            }
            TreeSet<String> model = new TreeSet<>(Comparator.naturalOrder()); // ASCII: UTF-8 order
            keys.stream().filter(k -> k.startsWith(prefix)).forEach(model::add);

            try (Stream<KeyInfo> walk = ns.listAll(ListOptions.prefix(prefix).withLimit(pageSize))) {
                assertThat(walk.map(KeyInfo::name).collect(Collectors.toList())).containsExactlyElementsOf(model);
            }
        } finally {
            dev.basalt.testing.TestFiles.deleteRecursively(dir);
        }
    }
}
