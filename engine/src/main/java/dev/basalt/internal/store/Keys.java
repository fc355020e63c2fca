package dev.basalt.internal.store;

import dev.basalt.internal.env.Limits;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.agrona.DirectBuffer;

/**
 * What a key may be: 1..512 bytes of well-formed UTF-8, and not "." or "..". The API edge
 * turns a bad {@code String} ({@link #encode}) or bad key bytes ({@link #check}) into an
 * {@link IllegalArgumentException}; the hot path asks {@link #isLegal} and answers -1,
 * allocating nothing.
 */
public final class Keys {
    private Keys() {
    }

    /**
     * The first key after every key that starts with {@code prefix}: the prefix with its last
     * byte below 0xFF incremented and the bytes after it dropped; null (no end) when every byte
     * is 0xFF, or the prefix is empty.
     */
    public static byte[] prefixEnd(byte[] prefix) {
        for (int i = prefix.length - 1; i >= 0; i--) {
            if (prefix[i] != (byte) 0xFF) {
                byte[] end = Arrays.copyOf(prefix, i + 1);
                end[i]++;
                return end;
            }
        }
        return null;
    }

    /** The key's UTF-8 bytes; throws {@link IllegalArgumentException} naming the rule broken. */
    public static byte[] encode(String key) {
        if (key == null) {
            throw new IllegalArgumentException("key is null");
        }
        int surrogate = firstUnpairedSurrogate(key);
        if (surrogate >= 0) {
            throw new IllegalArgumentException("key has an unpaired surrogate at index " + surrogate
                    + "; it cannot round-trip through UTF-8");
        }
        byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
        checkLength(bytes.length);
        if (key.equals(".") || key.equals("..")) {
            throw reserved(key);
        }
        return bytes;
    }

    static int firstUnpairedSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else {
                    return i;
                }
            } else if (Character.isLowSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }

    /** True when {@code [offset, offset + length)} could be a stored key. Allocation-free. */
    public static boolean isLegal(DirectBuffer b, int offset, int length) {
        if (length < 1 || length > Limits.MAX_KEY_BYTES) {
            return false;
        }
        if (isDotOrDotDot(b, offset, length)) {
            return false;
        }
        return isWellFormedUtf8(b, offset, length);
    }

    /**
     * Checks key bytes given as bytes (the allocation-free put) by the rules {@link #encode}
     * applies to a {@code String}, with the same messages; allocates only to throw.
     *
     * @throws IllegalArgumentException naming the rule broken and the figure
     */
    public static void check(DirectBuffer b, int offset, int length) {
        checkLength(length);
        int malformed = firstMalformedByte(b, offset, length);
        if (malformed >= 0) {
            throw new IllegalArgumentException("key is not well-formed UTF-8: the sequence at byte " + malformed
                    + " of its " + length + " bytes is not legal UTF-8 (overlong, surrogate, truncated or"
                    + " above U+10FFFF)");
        }
        if (isDotOrDotDot(b, offset, length)) {
            throw reserved(length == 1 ? "." : "..");
        }
    }

    private static void checkLength(int utf8Length) {
        if (utf8Length == 0) {
            throw new IllegalArgumentException("key is 0 bytes of UTF-8; it must be 1.." + Limits.MAX_KEY_BYTES);
        }
        if (utf8Length > Limits.MAX_KEY_BYTES) {
            throw new IllegalArgumentException("key is " + utf8Length + " bytes of UTF-8; the limit is "
                    + Limits.MAX_KEY_BYTES);
        }
    }

    private static IllegalArgumentException reserved(String key) {
        return new IllegalArgumentException("key \"" + key + "\" is reserved; \".\" and \"..\" are not legal keys");
    }

    private static boolean isDotOrDotDot(DirectBuffer b, int offset, int length) {
        return b.getByte(offset) == '.' && (length == 1 || (length == 2 && b.getByte(offset + 1) == '.'));
    }

    /** Strict UTF-8 (no overlongs, no surrogates, at most U+10FFFF), as Java's encoder writes it. */
    static boolean isWellFormedUtf8(DirectBuffer b, int offset, int length) {
        return firstMalformedByte(b, offset, length) < 0;
    }

    /**
     * Where {@code [offset, offset + length)} stops being strict UTF-8: the index (from
     * {@code offset}) of the first byte of the first illegal sequence, or -1 when all is legal.
     */
    static int firstMalformedByte(DirectBuffer b, int offset, int length) {
        int i = offset;
        int end = offset + length;
        while (i < end) {
            int c = b.getByte(i) & 0xFF;
            if (c < 0x80) {
                i++;
                continue;
            }
            int need;
            int min;
            if (c >= 0xC2 && c <= 0xDF) {
                need = 1;
                min = 0x80;
            } else if (c >= 0xE0 && c <= 0xEF) {
                need = 2;
                min = 0x800;
            } else if (c >= 0xF0 && c <= 0xF4) {
                need = 3;
                min = 0x10000;
            } else {
                return i - offset;
            }
            int cp = c & (0x3F >> need);
            for (int k = 1; k <= need; k++) {
                if (i + k >= end) {
                    return i - offset;
                }
                int cc = b.getByte(i + k) & 0xFF;
                if ((cc & 0xC0) != 0x80) {
                    return i - offset;
                }
                cp = (cp << 6) | (cc & 0x3F);
            }
            if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
                return i - offset;
            }
            i += need + 1;
        }
        return -1;
    }
}
