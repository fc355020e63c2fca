package dev.basalt.internal.store;

import static dev.basalt.internal.store.OwedNewKeysTest.expected;
import static dev.basalt.internal.store.OwedNewKeysTest.shown;
import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.KvNamespace;
import dev.basalt.ListOptions;
import dev.basalt.ListResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

/**
 * List pages served while an open's backlog is still owed to the listing, the owed keys merged
 * into the walk ({@link ListPage#listOwing}) instead of waited for: with the catch-up paused, every
 * page of every size under every prefix shows what a model of the writes says, before and after
 * more writes to the same keys, and the backlog is still owed after them (the pages did not pay
 * it). Then the catch-up runs and the lists say the same.
 */
class OwedPagesTest {
    private static final String[] PREFIXES = {"", "k/", "k/1", "k/12", "k/5", "k/59", "z", "k/9999"};

    @Property(tries = 12)
    void pagesShowTheModelWhileTheOpensBacklogWaits(@ForAll @LongRange(min = 1) long seed,
            @ForAll boolean manyKeys, @ForAll boolean pausedLoad) throws Exception {
        OwedBacklog.checkWhileOwedAndAfter(seed, manyKeys, pausedLoad,
                (db, model, random, killed) -> assertEveryPageShowsTheModel(db.namespace("alpha"), model, random));
    }

    /** Lists every prefix, page by page, at a page size drawn for each prefix, against the model. */
    private static void assertEveryPageShowsTheModel(KvNamespace ns, Map<String, String> model, Random random) {
        for (String prefix : PREFIXES) {
            int limit = random.nextBoolean() ? 1 + random.nextInt(7) : 1 + random.nextInt(1000);
            List<String> listed = new ArrayList<>();
            ListOptions options = ListOptions.prefix(prefix).withLimit(limit);
            while (true) {
                ListResult page = ns.list(options);
                assertThat(page.keys().size()).as("page size under %s", prefix).isLessThanOrEqualTo(limit);
                page.keys().forEach(info -> listed.add(shown(info)));
                if (page.listComplete()) {
                    break;
                }
                options = options.withCursor(page.cursor());
            }
            List<String> expected = expected(model).stream().filter(line -> line.startsWith(prefix))
                    .collect(Collectors.toList());
            assertThat(listed).as("prefix '%s', pages of %d", prefix, limit).isEqualTo(expected);
        }
    }
}
