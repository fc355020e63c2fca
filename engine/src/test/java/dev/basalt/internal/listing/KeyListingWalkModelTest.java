package dev.basalt.internal.listing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.NavigableSet;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * {@link KeyListing#walk} in both directions against a {@link TreeSet} ordered by unsigned bytes:
 * from random start keys (present or not), inclusive or not, toward a far bound, inclusive or
 * not, in batches of 1..20 keys, with a visitor that skips some keys, after random inserts and
 * removes. Keys come from a small alphabet with
 * 0x00, 0x7F, 0x80 and 0xFF so that signedness and shared prefixes matter.
 */
class KeyListingWalkModelTest {
    private static final byte[] ALPHABET = Scans.bytes(0x00, 0x01, 0x61, 0x7F, 0x80, 0xFF);

    @Property(tries = 300)
    void walksAgreeWithTheModel(@ForAll("keyLists") List<byte[]> inserted, @ForAll("keyLists") List<byte[]> removed,
                                @ForAll("keys") byte[] from, @ForAll boolean inclusive, @ForAll boolean descending,
                                @ForAll @IntRange(min = 1, max = 40) int maxKeys, @ForAll("keys") byte[] stopAt,
                                @ForAll boolean stopAtInclusive, @ForAll @IntRange(min = 1, max = 4) int skipEvery,
                                @ForAll @IntRange(min = 1, max = 20) int batchKeys) {
        try (KeyListing listing = new KeyListing(from.length * 31L + maxKeys)) {
            final NavigableSet<byte[]> model = new TreeSet<>(Scans.UNSIGNED);
            for (byte[] key : inserted) {
                Scans.insert(listing, key);
                model.add(key);
            }
            for (byte[] key : removed) {
                Scans.remove(listing, key);
                model.remove(key);
            }
            final NavigableSet<byte[]> view = descending
                ? model.headSet(from, inclusive).descendingSet()
                : model.tailSet(from, inclusive);
            final List<byte[]> expected = new ArrayList<>();
            int seen = 0;
            for (byte[] key : view) {
                final int c = Scans.UNSIGNED.compare(key, stopAt);
                if ((descending ? c < 0 : c > 0) || (c == 0 && !stopAtInclusive)) {
                    break;
                }
                if (seen++ % skipEvery == 0) {
                    expected.add(key);
                    if (expected.size() == maxKeys) {
                        break;
                    }
                }
            }
            final List<byte[]> walked = new ArrayList<>();
            final int[] visits = {0};
            final int counted = listing.walk(new UnsafeBuffer(from), 0, from.length, inclusive,
                new UnsafeBuffer(stopAt), 0, stopAt.length, stopAtInclusive, descending, maxKeys,
                new KeyBatch(batchKeys), Scans.eachKey((buffer, offset, length) -> {
                    final byte[] key = new byte[length];
                    buffer.getBytes(offset, key);
                    if (visits[0]++ % skipEvery != 0) {
                        return false;
                    }
                    walked.add(key);
                    return true;
                }));
            assertThat(walked).containsExactlyElementsOf(expected);
            assertThat(counted).isEqualTo(expected.size());
        }
    }

    @Property(tries = 100)
    void anOpenStartWalksEveryKeyInEitherDirection(@ForAll("keyLists") List<byte[]> inserted,
                                                   @ForAll boolean descending) {
        try (KeyListing listing = new KeyListing(inserted.size() + 1L)) {
            final TreeSet<byte[]> model = new TreeSet<>(Scans.UNSIGNED);
            for (byte[] key : inserted) {
                Scans.insert(listing, key);
                model.add(key);
            }
            final List<byte[]> walked = new ArrayList<>();
            listing.walk(null, 0, 0, false, null, 0, 0, false, descending, Integer.MAX_VALUE, new KeyBatch(16),
                Scans.eachKey((buffer, offset, length) -> {
                    final byte[] key = new byte[length];
                    buffer.getBytes(offset, key);
                    walked.add(key);
                    return true;
                }));
            assertThat(walked).containsExactlyElementsOf(descending ? model.descendingSet() : model);
        }
    }

    @Test
    void aRemovedKeyIsNotVisitedAndTheWalkContinuesPastIt() {
        try (KeyListing listing = new KeyListing(7)) {
            for (String key : List.of("a", "b", "c", "d")) {
                Scans.insert(listing, Scans.utf8(key));
            }
            Scans.remove(listing, Scans.utf8("c"));
            final List<String> walked = new ArrayList<>();
            listing.walk(new UnsafeBuffer(Scans.utf8("d")), 0, 1, true, null, 0, 0, false, true, 10, new KeyBatch(16),
                Scans.eachKey((buffer, offset, length) -> {
                    walked.add(buffer.getStringWithoutLengthUtf8(offset, length));
                    return true;
                }));
            assertThat(walked).containsExactly("d", "b", "a");
        }
    }

    @Provide
    Arbitrary<List<byte[]>> keyLists() {
        return keys().list().ofMaxSize(120);
    }

    @Provide
    Arbitrary<byte[]> keys() {
        return Arbitraries.of(ALPHABET[0], ALPHABET[1], ALPHABET[2], ALPHABET[3], ALPHABET[4], ALPHABET[5])
            .list().ofMinSize(1).ofMaxSize(5)
            .map(list -> {
                final byte[] bytes = new byte[list.size()];
                for (int i = 0; i < bytes.length; i++) {
                    bytes[i] = list.get(i);
                }
                return bytes;
            });
    }
}
