package dev.basalt;

import dev.basalt.internal.env.Limits;
import java.util.Objects;

/**
 * Options of one {@code list} call: which keys (a prefix), how many per page (a limit) and
 * where to continue (a cursor). The counterpart of the options of Workers KV's {@code list}.
 *
 * <pre>{@code
 * ListOptions page = ListOptions.prefix("user:").withLimit(100);
 * ListResult result;
 * do {
 *     result = ns.list(page);
 *     result.keys().forEach(k -> System.out.println(k.name()));
 *     page = page.withCursor(result.cursor());
 * } while (!result.listComplete());
 * }</pre>
 *
 * <ul>
 *   <li><b>prefix</b>: only keys whose UTF-8 bytes start with the prefix's UTF-8 bytes.
 *       {@code ""} (the default) and {@code null} both mean every key. At most 512 bytes of
 *       UTF-8, the longest a key can be, and well-formed UTF-16 (no unpaired surrogate).</li>
 *   <li><b>limit</b>: the most keys one page returns, 1..1000, default 1000. A page holds
 *       exactly {@code min(limit, keys remaining)} keys.</li>
 *   <li><b>cursor</b>: the {@link ListResult#cursor()} of the previous page, which continues
 *       after its last key. {@code null} and {@code ""} both mean from the start. A cursor is
 *       tied to the namespace and prefix it came from; the {@code list} call, not this class,
 *       rejects a malformed or foreign cursor with {@link IllegalArgumentException}.</li>
 * </ul>
 *
 * <p>Prefix and limit are checked here, when they are given, with an
 * {@link IllegalArgumentException} that names the figure and the limit. Instances are
 * immutable and thread-safe; every {@code with} method returns a new instance.
 */
public final class ListOptions {
    private static final String NO_PREFIX = "";
    private static final ListOptions ALL = new ListOptions(NO_PREFIX, Limits.MAX_LIST_LIMIT, null);

    private final String prefix;
    private final int limit;
    private final String cursor;

    private ListOptions(String prefix, int limit, String cursor) {
        this.prefix = prefix;
        this.limit = limit;
        this.cursor = cursor;
    }

    /**
     * Every key, 1000 per page, from the start: what {@code list()} does.
     *
     * @return options for every key, 1000 a page
     */
    public static ListOptions all() {
        return ALL;
    }

    /**
     * Keys starting with {@code prefix} ({@code null} or {@code ""}: every key).
     *
     * @param prefix only keys that start with it: at most 512 bytes of UTF-8; "" for all
     * @return options for the keys with that prefix, 1000 a page
     */
    public static ListOptions prefix(String prefix) {
        return ALL.withPrefix(prefix);
    }

    /**
     * These options with {@code prefix} ({@code null} or {@code ""}: every key).
     *
     * @param prefix only keys that start with it: at most 512 bytes of UTF-8; "" for all
     * @return a copy of these options with the change
     * @throws IllegalArgumentException if the prefix is longer than 512 bytes of UTF-8 or
     *     has an unpaired surrogate
     */
    public ListOptions withPrefix(String prefix) {
        String checked = prefix == null ? NO_PREFIX : checkPrefix(prefix);
        return new ListOptions(checked, limit, cursor);
    }

    /**
     * These options with at most {@code limit} keys per page.
     *
     * @param limit the most keys in a page: 1..1000 (Workers KV's limit)
     * @return a copy of these options with the change
     * @throws IllegalArgumentException unless {@code 1 <= limit <= 1000}
     */
    public ListOptions withLimit(int limit) {
        if (limit < 1 || limit > Limits.MAX_LIST_LIMIT) {
            throw new IllegalArgumentException(
                    "limit is " + limit + "; it must be 1.." + Limits.MAX_LIST_LIMIT);
        }
        return new ListOptions(prefix, limit, cursor);
    }

    /**
     * These options continuing at {@code cursor} ({@code null} or {@code ""}: the start).
     *
     * @param cursor the cursor of the previous page ({@link ListResult#cursor()}), or null for the first page
     * @return a copy of these options with the change
     */
    public ListOptions withCursor(String cursor) {
        return new ListOptions(prefix, limit, cursor == null || cursor.isEmpty() ? null : cursor);
    }

    /**
     * The prefix; {@code ""} when every key is listed, never null.
     *
     * @return options for the keys with that prefix, 1000 a page
     */
    public String prefix() {
        return prefix;
    }

    /**
     * The most keys one page returns, 1..1000.
     *
     * @return the most keys in a page
     */
    public int limit() {
        return limit;
    }

    /**
     * The cursor to continue at, or null to start from the first key ({@code ""} is stored as null).
     *
     * @return where the page starts, or null for the first page
     */
    public String cursor() {
        return cursor;
    }

    private static String checkPrefix(String prefix) {
        int utf8Bytes = 0;
        for (int i = 0; i < prefix.length(); i++) {
            char c = prefix.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < prefix.length()
                    && Character.isLowSurrogate(prefix.charAt(i + 1))) {
                utf8Bytes += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException("prefix has an unpaired surrogate at index " + i
                        + "; it cannot be encoded as UTF-8");
            } else {
                utf8Bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
            }
        }
        if (utf8Bytes > Limits.MAX_KEY_BYTES) {
            throw new IllegalArgumentException("prefix is " + utf8Bytes
                    + " bytes of UTF-8; the limit is " + Limits.MAX_KEY_BYTES);
        }
        return prefix;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ListOptions that
                && limit == that.limit
                && prefix.equals(that.prefix)
                && Objects.equals(cursor, that.cursor);
    }

    @Override
    public int hashCode() {
        return Objects.hash(prefix, limit, cursor);
    }

    @Override
    public String toString() {
        return "ListOptions[prefix=" + prefix + ", limit=" + limit + ", cursor=" + cursor + "]";
    }
}
