package dev.basalt.internal.listing;

import static dev.basalt.internal.listing.Scans.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * 10,000 hostile cursors: valid cursors with bits flipped, characters replaced, cut short or
 * extended, spliced together, random base64, random well-framed bytes, and valid cursors used
 * with the wrong namespace, prefix or directory. Each must be an {@link IllegalArgumentException}
 * (and never another exception), unless it is, by chance, exactly a valid cursor for that call,
 * in which case it must give exactly that cursor's key.
 */
class CursorsFuzzTest {
    private static final Cursors CURSORS = new Cursors(CursorsTest.KEY_A);
    private static final Cursors OTHER_DIRECTORY = new Cursors(CursorsTest.KEY_B);
    private static final List<Made> MADE = List.of(
        new Made("ns", "", "k"),
        new Made("ns", "", "a/b\u0000c"),
        new Made("ns", "a", "a\u00e9\ud83d\ude00"),
        new Made("orders", "2024-", "2024-12-31/00042"),
        new Made("orders", "x", "x" + "y".repeat(511)),
        new Made("n", "p\u0000", "p\u0000q"));

    enum Mutation { FLIP_BIT, REPLACE_CHAR, TRUNCATE, EXTEND, SPLICE, RANDOM_BASE64, RANDOM_FRAMED,
        WRONG_NAMESPACE, WRONG_PREFIX, OTHER_DIRECTORY }

    @Property(tries = 10_000)
    void hostileCursorsAreRejectedAndNeverGiveAWrongKey(@ForAll Mutation mutation,
                                                       @ForAll @IntRange(min = 0, max = 5) int which,
                                                       @ForAll long seed) {
        final SplittableRandom random = new SplittableRandom(seed);
        final Made base = MADE.get(which);
        String namespace = base.namespace;
        byte[] prefix = base.prefix;
        final String cursor;
        switch (mutation) {
            case FLIP_BIT -> {
                final byte[] raw = decode(base.cursor);
                final int bit = random.nextInt(raw.length * 8);
                raw[bit / 8] ^= (byte) (1 << (bit % 8));
                cursor = encode(raw);
            }
            case REPLACE_CHAR -> {
                final char[] chars = base.cursor.toCharArray();
                final int at = random.nextInt(chars.length);
                final String pool = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/=.~ \u00e9\u0000";
                char replacement;
                do {
                    replacement = pool.charAt(random.nextInt(pool.length()));
                } while (replacement == chars[at]);
                chars[at] = replacement;
                cursor = new String(chars);
            }
            case TRUNCATE -> cursor = base.cursor.substring(0, random.nextInt(base.cursor.length()));
            case EXTEND -> {
                final StringBuilder s = new StringBuilder(base.cursor);
                for (int i = 1 + random.nextInt(8); i > 0; i--) {
                    s.append("AQgw_-=".charAt(random.nextInt(7)));
                }
                cursor = s.toString();
            }
            case SPLICE -> {
                final Made other = MADE.get((which + 1 + random.nextInt(MADE.size() - 1)) % MADE.size());
                final byte[] a = decode(base.cursor);
                final byte[] b = decode(other.cursor);
                final int cut = 1 + random.nextInt(Math.min(a.length, b.length) - 1);
                final byte[] spliced = Arrays.copyOf(a, cut + b.length - cut);
                System.arraycopy(b, cut, spliced, cut, b.length - cut);
                cursor = encode(spliced);
            }
            case RANDOM_BASE64 -> {
                final byte[] raw = new byte[random.nextInt(Cursors.MAX_CURSOR_BYTES + 20)];
                random.nextBytes(raw);
                cursor = encode(raw);
            }
            case RANDOM_FRAMED -> {
                final int keyLength = 1 + random.nextInt(512);
                final byte[] raw = new byte[Cursors.KEY_OFFSET + keyLength + Cursors.MAC_LENGTH];
                random.nextBytes(raw);
                raw[0] = (byte) Cursors.VERSION;
                raw[1] = (byte) (keyLength >>> 8);
                raw[2] = (byte) keyLength;
                System.arraycopy(base.prefix, 0, raw, Cursors.KEY_OFFSET, Math.min(base.prefix.length, keyLength));
                cursor = encode(raw);
            }
            case WRONG_NAMESPACE -> {
                cursor = base.cursor;
                namespace = base.namespace + (random.nextBoolean() ? "x" : "\u0000");
            }
            case WRONG_PREFIX -> {
                cursor = base.cursor;
                prefix = base.prefix.length > 0 && random.nextBoolean()
                    ? Arrays.copyOf(base.prefix, base.prefix.length - 1)
                    : Arrays.copyOf(base.prefix, base.prefix.length + 1);
            }
            case OTHER_DIRECTORY -> cursor = OTHER_DIRECTORY.encode(base.namespace, base.prefix, base.lastKey);
            default -> throw new AssertionError(mutation);
        }
        check(cursor, namespace, prefix);
    }

    private static void check(String cursor, String namespace, byte[] prefix) {
        final byte[] key;
        try {
            key = CURSORS.decode(cursor, namespace, prefix);
        } catch (IllegalArgumentException expected) {
            assertThat(expected.getMessage()).startsWith("cursor ");
            return;
        }
        for (Made made : MADE) {
            if (made.cursor.equals(cursor) && made.namespace.equals(namespace) && Arrays.equals(made.prefix, prefix)) {
                assertThat(key).containsExactly(made.lastKey);
                return;
            }
        }
        fail("a mutated cursor was accepted, giving a key of " + key.length + " bytes");
    }

    private static byte[] decode(String cursor) {
        return Base64.getUrlDecoder().decode(cursor);
    }

    private static String encode(byte[] raw) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    }

    /** A valid cursor and what it was made for. */
    private static final class Made {
        final String namespace;
        final byte[] prefix;
        final byte[] lastKey;
        final String cursor;

        Made(String namespace, String prefix, String lastKey) {
            this.namespace = namespace;
            this.prefix = utf8(prefix);
            this.lastKey = utf8(lastKey);
            this.cursor = CURSORS.encode(namespace, this.prefix, this.lastKey);
        }
    }
}
