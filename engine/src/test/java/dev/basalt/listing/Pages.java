package dev.basalt.listing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.KeyInfo;
import dev.basalt.KvNamespace;
import dev.basalt.ListOptions;
import dev.basalt.ListResult;
import java.util.ArrayList;
import java.util.List;

/**
 * Paging helpers that check the page rules of {@code list} on every page they fetch.
 *
 * <p>Stateless; each call pages on the calling thread.
 */
final class Pages {
    /** A listing pass longer than this many pages is a cursor that never ends. */
    static final int MAX_PAGES = 1_000_000;

    private Pages() {
    }

    /**
     * Pages through {@code prefix} with {@code limit}, checking for each page exactly what the
     * rules fix when the expected keys are known: page {@code i} holds
     * {@code expected[i*limit, min((i+1)*limit, n))} (names, expirations and metadata), it is
     * complete exactly when it reaches the end, and then its cursor is null.
     *
     * @return the number of pages
     */
    static int assertPaging(KvNamespace ns, String prefix, int limit, List<KeyInfo> expected, String context) {
        return assertPagingFrom(ns, ListOptions.prefix(prefix).withLimit(limit), expected, context);
    }

    /**
     * {@link #assertPaging} from where {@code options} start (its cursor, or the start):
     * {@code expected} are the keys from there on.
     */
    static int assertPagingFrom(KvNamespace ns, ListOptions options, List<KeyInfo> expected, String context) {
        int limit = options.limit();
        ListOptions next = options;
        int from = 0;
        int pages = 0;
        while (true) {
            ListResult page = ns.list(next);
            int to = Math.min(from + limit, expected.size());
            String where = context + ": page " + pages + " (keys " + from + ".." + to + " of " + expected.size()
                    + ") of prefix '" + printable(options.prefix()) + "' limit " + limit;
            assertThat(page.keys()).as(where).containsExactlyElementsOf(expected.subList(from, to));
            boolean last = to == expected.size();
            assertThat(page.listComplete()).as(where + ": listComplete").isEqualTo(last);
            pages++;
            if (last) {
                assertThat(page.cursor()).as(where + ": cursor of the last page").isNull();
                return pages;
            }
            assertThat(page.cursor()).as(where + ": cursor").isNotEmpty();
            next = next.withCursor(page.cursor());
            from = to;
        }
    }

    /**
     * Every key of a pass over {@code prefix} with {@code limit}, checking the rules that hold
     * whatever the keys are: no page is larger than the limit, an incomplete page is full and
     * has a cursor, a complete page has none.
     */
    static List<KeyInfo> listAll(KvNamespace ns, String prefix, int limit) {
        List<KeyInfo> keys = new ArrayList<>();
        ListOptions options = ListOptions.prefix(prefix).withLimit(limit);
        for (int pages = 0; pages < MAX_PAGES; pages++) {
            ListResult page = ns.list(options);
            checkShape(page, limit, "page " + pages + " of prefix '" + printable(prefix) + "' limit " + limit);
            keys.addAll(page.keys());
            if (page.listComplete()) {
                return keys;
            }
            options = options.withCursor(page.cursor());
        }
        throw new AssertionError("a listing of prefix '" + printable(prefix) + "' did not end after " + MAX_PAGES
                + " pages");
    }

    /** The page-shape rules that need no model. */
    static void checkShape(ListResult page, int limit, String where) {
        assertThat(page.keys().size()).as(where + ": keys on the page").isLessThanOrEqualTo(limit);
        if (page.listComplete()) {
            assertThat(page.cursor()).as(where + ": cursor of a complete page").isNull();
        } else {
            assertThat(page.keys()).as(where + ": an incomplete page holds exactly limit keys").hasSize(limit);
            assertThat(page.cursor()).as(where + ": cursor of an incomplete page").isNotEmpty();
        }
    }

    static List<String> names(List<KeyInfo> keys) {
        return keys.stream().map(KeyInfo::name).toList();
    }

    /** A key or prefix with control characters escaped, for assertion messages. */
    static String printable(String text) {
        StringBuilder out = new StringBuilder();
        text.codePoints().forEach(c -> {
            if (c < 0x20 || c == 0x7F) {
                out.append(String.format("\\u%04x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.toString();
    }
}
