package dev.basalt;

import java.util.List;

/**
 * One page of a {@code list} call.
 *
 * <p>{@code keys} come in ascending order of their UTF-8 bytes (compared unsigned), at most
 * {@link ListOptions#limit()} of them, and only keys that had not expired when the page was
 * read. When {@code listComplete} is true this is the last page and {@code cursor} is null;
 * otherwise pass {@code cursor} to {@link ListOptions#withCursor(String)} to get the keys
 * after the last one here. Under concurrent writes the pages stay strictly ascending, a key
 * untouched for the whole listing appears exactly once, and a deleted key never reappears.
 *
 * <p>The record is immutable: {@code keys} is an unmodifiable copy of the list given.
 *
 * @param keys the keys of this page, in order; never null, possibly empty
 * @param listComplete whether no keys follow this page
 * @param cursor null on the last page; otherwise an opaque, non-empty string that
 *     continues after the last key of this page, valid across a restart
 */
public record ListResult(List<KeyInfo> keys, boolean listComplete, String cursor) {
    /**
     * A page of {@code keys}, copied.
     *
     * @param keys the keys of the page, in ascending unsigned UTF-8 byte order
     * @param listComplete true on the last page
     * @param cursor where the next page starts; null exactly when {@code listComplete}
     * @throws NullPointerException if {@code keys} or one of its elements is null
     * @throws IllegalArgumentException if a complete page has a cursor or an incomplete
     *     page has none
     */
    public ListResult {
        keys = List.copyOf(keys);
        if (listComplete && cursor != null) {
            throw new IllegalArgumentException("a complete list has no cursor, but got " + cursor);
        }
        if (!listComplete && (cursor == null || cursor.isEmpty())) {
            throw new IllegalArgumentException("an incomplete list needs a cursor, but got "
                    + (cursor == null ? "null" : "\"\""));
        }
    }
}
