package dev.basalt;

import java.util.Iterator;
import java.util.Objects;
import java.util.Spliterator;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * The auto-paging view behind {@link KvNamespace#listAll(ListOptions)}: a spliterator that asks
 * for the next page with the previous page's cursor only when the current page is used up.
 *
 * <p>Why it is safe to abandon: between pages it holds nothing but the last page (plain
 * {@link KeyInfo} records) and a cursor string. No segment, epoch or lock is retained across
 * calls, so a stream dropped midway needs no close; closing it is a no-op, and so is closing it
 * twice. The order and duplicate rules are those of {@code list} with cursors: keys stay strictly
 * ascending across pages and a key untouched for the whole walk appears exactly once.
 *
 * <p>Thread ownership: one consumer at a time, like any sequential stream; it does not split.
 */
final class KeyPages implements Spliterator<KeyInfo> {
    private final Function<ListOptions, ListResult> lister;
    private final ListOptions first;
    private Iterator<KeyInfo> page;
    private String cursor;
    private boolean complete;
    private long pagesFetched;

    KeyPages(Function<ListOptions, ListResult> lister, ListOptions first) {
        this.lister = Objects.requireNonNull(lister, "lister");
        this.first = Objects.requireNonNull(first, "options");
    }

    /** A lazy, sequential stream: no page is read until the stream's first element is asked for. */
    static Stream<KeyInfo> stream(Function<ListOptions, ListResult> lister, ListOptions first) {
        return StreamSupport.stream(new KeyPages(lister, first), false);
    }

    @Override
    public boolean tryAdvance(Consumer<? super KeyInfo> action) {
        while (page == null || !page.hasNext()) {
            if (complete) {
                return false;
            }
            fetch();
        }
        action.accept(page.next());
        return true;
    }

    private void fetch() {
        ListResult result = lister.apply(page == null ? first : first.withCursor(cursor));
        pagesFetched++;
        page = result.keys().iterator();
        complete = result.listComplete();
        cursor = result.cursor();
    }

    /** Pages read so far; for tests of laziness. */
    long pagesFetched() {
        return pagesFetched;
    }

    @Override
    public Spliterator<KeyInfo> trySplit() {
        return null;
    }

    @Override
    public long estimateSize() {
        return Long.MAX_VALUE;
    }

    @Override
    public int characteristics() {
        return ORDERED | DISTINCT | NONNULL;
    }
}
