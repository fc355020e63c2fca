package dev.basalt.listing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.basalt.KeyInfo;
import dev.basalt.KvNamespace;
import dev.basalt.ListOptions;
import dev.basalt.ListResult;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Cursor fuzzing through the public API: 10,000 mutations of real cursors (bit flips in the
 * decoded bytes, truncation and extension of bytes and of the string, a changed version or
 * length field, another key under the same MAC, splices of two cursors, random strings) are
 * given to {@code list} of the cursor's own namespace and of another one. The only outcomes
 * allowed: {@link IllegalArgumentException}, or, when the mutation left the cursor as it was,
 * exactly the page the original cursor gives ({@code ""}: the first page). A mutated cursor
 * never yields a wrong page or another namespace's keys.
 *
 * <p>Deterministic (fixed seed); a failure names the iteration, the mutation and the cursors.
 */
class ListingCursorFuzzTest extends ListingTestBase {
    private static final int ITERATIONS = 10_000;
    private static final long SEED = 0xC0_5E_F0_22L;
    private static final String OTHER = "OTHER";
    private static final List<String> PREFIXES = List.of("", "k", "k0", "k\u00e9");
    private static final String BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    /** The cursor's last bytes are its MAC (see Cursors); the fuzz only needs to know where it starts. */
    private static final int MAC_BYTES = 16;
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    enum Mutation {
        FLIP_ONE_BIT, FLIP_SOME_BITS, CHANGE_VERSION, CHANGE_LENGTH_FIELD, SWAP_KEY_KEEP_MAC, DROP_BYTES,
        ADD_BYTES, CUT_STRING, EXTEND_STRING, REPLACE_CHAR, SPLICE_TWO_CURSORS, OTHER_PREFIXS_CURSOR,
        RANDOM_BASE64, RANDOM_TEXT
    }

    /** A real cursor and what it continues to. */
    record Sample(String prefix, int limit, String cursor, ListResult page) {
    }

    @Test
    void mutatedCursorsAreRejectedOrUnchangedNeverAWrongPage() {
        KvNamespace other = db.namespace(OTHER);
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            keys.add(String.format("k%04d", i));
            keys.add(String.format("k\u00e9%03d", i));
        }
        for (String key : keys) {
            ns.put(key, "v");
            other.put("o" + key, "v"); // disjoint names: a leak would show
        }
        List<Sample> samples = samples();
        SplittableRandom random = new SplittableRandom(SEED);
        Map<Mutation, int[]> outcomes = new EnumMap<>(Mutation.class);
        for (int iteration = 0; iteration < ITERATIONS; iteration++) {
            Sample sample = samples.get(random.nextInt(samples.size()));
            Mutation mutation = Mutation.values()[random.nextInt(Mutation.values().length)];
            String mutated = mutate(mutation, sample, samples, random);
            String where = "iteration " + iteration + ", " + mutation + " of '" + sample.cursor() + "' (prefix '"
                    + sample.prefix() + "') into '" + mutated + "'";
            int[] counts = outcomes.computeIfAbsent(mutation, m -> new int[2]);
            boolean accepted = checkOwnNamespace(sample, mutated, where);
            counts[accepted ? 1 : 0]++;
            checkOtherNamespace(other, sample, mutated, where);
        }
        // Evidence the fuzz reached what it aims at: every mutation ran, and almost all were rejected.
        assertThat(outcomes).hasSize(Mutation.values().length);
        int accepted = outcomes.values().stream().mapToInt(c -> c[1]).sum();
        assertThat(accepted).as("accepted mutations, each a no-op").isLessThan(ITERATIONS / 20);
    }

    /** Real cursors: every page boundary of every prefix with a few limits. */
    private List<Sample> samples() {
        List<Sample> samples = new ArrayList<>();
        for (String prefix : PREFIXES) {
            for (int limit : new int[] {1, 7, 50}) {
                ListOptions options = ListOptions.prefix(prefix).withLimit(limit);
                ListResult page = ns.list(options);
                while (!page.listComplete()) {
                    ListResult next = ns.list(options.withCursor(page.cursor()));
                    samples.add(new Sample(prefix, limit, page.cursor(), next));
                    page = next;
                }
            }
        }
        assertThat(samples).hasSizeGreaterThan(100);
        return samples;
    }

    /** @return whether the mutated cursor was accepted (then it must have been a no-op). */
    private boolean checkOwnNamespace(Sample sample, String mutated, String where) {
        ListOptions options = ListOptions.prefix(sample.prefix()).withLimit(sample.limit()).withCursor(mutated);
        ListResult page;
        try {
            page = ns.list(options);
        } catch (IllegalArgumentException rejected) {
            assertThat(mutated).as(where + ": the unchanged cursor was rejected").isNotEqualTo(sample.cursor());
            assertThat(mutated).as(where + ": the empty cursor means from the start").isNotEmpty();
            return false;
        } catch (RuntimeException | Error other) {
            throw new AssertionError(where + ": threw " + other + " instead of IllegalArgumentException", other);
        }
        if (mutated.isEmpty()) {
            assertThat(page).as(where + ": the first page")
                    .isEqualTo(ns.list(ListOptions.prefix(sample.prefix()).withLimit(sample.limit())));
        } else if (mutated.equals(sample.cursor())) {
            assertThat(page).as(where + ": the original cursor's page").isEqualTo(sample.page());
        } else {
            fail(where + ": accepted, and gave " + names(page));
        }
        return true;
    }

    /** The other namespace never accepts a cursor of this one; {@code ""} is its own first page. */
    private void checkOtherNamespace(KvNamespace other, Sample sample, String mutated, String where) {
        ListOptions options = ListOptions.prefix("o" + sample.prefix()).withLimit(sample.limit()).withCursor(mutated);
        ListResult page;
        try {
            page = other.list(options);
        } catch (IllegalArgumentException rejected) {
            assertThat(mutated).as(where + ": the empty cursor in " + OTHER).isNotEmpty();
            return;
        } catch (RuntimeException | Error thrown) {
            throw new AssertionError(where + ": " + OTHER + " threw " + thrown + " instead of IllegalArgumentException",
                    thrown);
        }
        assertThat(mutated).as(where + ": " + OTHER + " accepted a foreign cursor and gave " + names(page)).isEmpty();
        assertThat(names(page)).allMatch(name -> name.startsWith("o"));
    }

    private static List<String> names(ListResult page) {
        return page.keys().stream().map(KeyInfo::name).toList();
    }

    // ---- mutations ----------------------------------------------------------------------------

    private static String mutate(Mutation mutation, Sample sample, List<Sample> samples, SplittableRandom random) {
        String cursor = sample.cursor();
        byte[] bytes = Base64.getUrlDecoder().decode(cursor);
        switch (mutation) {
            case FLIP_ONE_BIT:
                return encode(flip(bytes, 1, random));
            case FLIP_SOME_BITS:
                return encode(flip(bytes, 2 + random.nextInt(7), random));
            case CHANGE_VERSION:
                return editBytes(bytes, b -> {
                    b[0] = (byte) (b[0] + 1 + random.nextInt(255));
                    return b;
                });
            case CHANGE_LENGTH_FIELD: // bytes 1..2, big-endian
                return editBytes(bytes, b -> {
                    int length = random.nextInt(3) == 0 ? random.nextInt(0x10000)
                            : ((b[1] & 0xFF) << 8 | b[2] & 0xFF) + random.nextInt(9) - 4;
                    b[1] = (byte) (length >>> 8);
                    b[2] = (byte) length;
                    return b;
                });
            case SWAP_KEY_KEEP_MAC: { // another cursor's header and key, this cursor's MAC
                byte[] spliced = Base64.getUrlDecoder().decode(samples.get(random.nextInt(samples.size())).cursor());
                System.arraycopy(bytes, bytes.length - MAC_BYTES, spliced, spliced.length - MAC_BYTES, MAC_BYTES);
                return encode(spliced);
            }
            case DROP_BYTES: {
                int keep = random.nextInt(bytes.length);
                return random.nextBoolean() ? encode(Arrays.copyOf(bytes, keep))
                        : encode(Arrays.copyOfRange(bytes, bytes.length - keep, bytes.length));
            }
            case ADD_BYTES: {
                byte[] extra = new byte[1 + random.nextInt(20)];
                random.nextBytes(extra);
                byte[] longer = Arrays.copyOf(bytes, bytes.length + extra.length);
                System.arraycopy(extra, 0, longer, bytes.length, extra.length);
                if (random.nextBoolean()) { // insert in the middle instead of appending
                    int at = random.nextInt(bytes.length);
                    System.arraycopy(bytes, at, longer, at + extra.length, bytes.length - at);
                    System.arraycopy(extra, 0, longer, at, extra.length);
                }
                return encode(longer);
            }
            case CUT_STRING: {
                int keep = random.nextInt(cursor.length());
                return random.nextBoolean() ? cursor.substring(0, keep) : cursor.substring(cursor.length() - keep);
            }
            case EXTEND_STRING:
                return cursor + randomString(1 + random.nextInt(8), random.nextBoolean() ? BASE64URL : "=+/ \n\u00e9", random);
            case REPLACE_CHAR: {
                int at = random.nextInt(cursor.length());
                char replacement = random.nextInt(4) == 0 ? (char) random.nextInt(0x10000)
                        : BASE64URL.charAt(random.nextInt(BASE64URL.length()));
                return cursor.substring(0, at) + replacement + cursor.substring(at + 1);
            }
            case SPLICE_TWO_CURSORS: {
                String donor = ofAnotherPrefix(sample, samples, random).cursor();
                int cut = random.nextInt(Math.min(cursor.length(), donor.length()) + 1);
                return cursor.substring(0, cut) + donor.substring(cut);
            }
            case OTHER_PREFIXS_CURSOR:
                return ofAnotherPrefix(sample, samples, random).cursor();
            case RANDOM_BASE64:
                return randomString(random.nextInt(cursor.length() * 2 + 2), BASE64URL, random);
            case RANDOM_TEXT: {
                StringBuilder text = new StringBuilder();
                int length = random.nextInt(100);
                for (int i = 0; i < length; i++) {
                    text.append((char) random.nextInt(0x10000));
                }
                return text.toString();
            }
            default:
                throw new AssertionError(mutation);
        }
    }

    /**
     * A real cursor of another prefix. (One of the same prefix is a valid cursor, not a
     * mutation: it continues after its own key.)
     */
    private static Sample ofAnotherPrefix(Sample sample, List<Sample> samples, SplittableRandom random) {
        while (true) {
            Sample donor = samples.get(random.nextInt(samples.size()));
            if (!donor.prefix().equals(sample.prefix())) {
                return donor;
            }
        }
    }

    private static String encode(byte[] bytes) {
        return ENCODER.encodeToString(bytes);
    }

    private static String editBytes(byte[] bytes, Function<byte[], byte[]> edit) {
        return encode(edit.apply(bytes.clone()));
    }

    private static byte[] flip(byte[] bytes, int bits, SplittableRandom random) {
        byte[] flipped = bytes.clone();
        for (int i = 0; i < bits; i++) {
            int bit = random.nextInt(flipped.length * 8);
            flipped[bit / 8] ^= (byte) (1 << bit % 8);
        }
        return flipped;
    }

    private static String randomString(int length, String alphabet, SplittableRandom random) {
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return text.toString();
    }
}
