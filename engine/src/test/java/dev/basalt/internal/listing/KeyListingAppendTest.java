package dev.basalt.internal.listing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * {@link KeyListing#appendLast}, the open's bulk build from a checkpoint's sorted keys: the
 * listing it builds holds exactly those keys, keeps every invariant, and then takes inserts and
 * removes like any other; keys out of order, or an append after an insert, are refused.
 */
class KeyListingAppendTest {
    @Property(tries = 200)
    void appendingSortedKeysBuildsTheSameListingAsInserting(
            @ForAll @Size(max = 300) List<@StringLength(min = 1, max = 40) String> keys,
            @ForAll @StringLength(min = 1, max = 40) String laterKey) {
        TreeSet<String> sorted = new TreeSet<>((a, b) -> compareUtf8(a, b));
        keys.forEach(key -> sorted.add(roundTrip(key)));
        String later = roundTrip(laterKey);
        try (KeyListing listing = new KeyListing(7)) {
            for (String key : sorted) {
                UnsafeBuffer bytes = utf8(key);
                listing.appendLast(bytes, 0, bytes.capacity());
            }
            listing.verifyInvariants();
            assertThat(listed(listing)).containsExactlyElementsOf(sorted);
            UnsafeBuffer extra = utf8(later);
            boolean added = listing.insert(extra, 0, extra.capacity());
            assertThat(added).isEqualTo(!sorted.contains(later));
            sorted.add(later);
            if (!sorted.isEmpty()) {
                UnsafeBuffer first = utf8(sorted.first());
                assertThat(listing.remove(first, 0, first.capacity())).isTrue();
                sorted.remove(sorted.first());
            }
            listing.verifyInvariants();
            assertThat(listed(listing)).containsExactlyElementsOf(sorted);
            assertThatThrownBy(() -> listing.appendLast(utf8("zzz"), 0, 3))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("before any insert or remove");
        }
    }

    @Property(tries = 50)
    void aKeyThatDoesNotSortAfterTheLastIsRefused(@ForAll @StringLength(min = 1, max = 20) String key) {
        try (KeyListing listing = new KeyListing(3)) {
            UnsafeBuffer bytes = utf8(key);
            listing.appendLast(bytes, 0, bytes.capacity());
            assertThatThrownBy(() -> listing.appendLast(bytes, 0, bytes.capacity()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ascending unsigned order");
            assertThat(listing.size()).isEqualTo(1);
        }
    }

    private static List<String> listed(KeyListing listing) {
        List<String> keys = new ArrayList<>();
        listing.scan(null, 0, 0, false, null, 0, 0, Integer.MAX_VALUE, (buffer, offset, length) -> {
            keys.add(buffer.getStringWithoutLengthUtf8(offset, length));
            return true;
        });
        return keys;
    }

    /** The string the key's UTF-8 bytes spell (an unpaired surrogate becomes '?'), as the listing gives it back. */
    private static String roundTrip(String key) {
        return new String(key.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
    }

    private static UnsafeBuffer utf8(String key) {
        return new UnsafeBuffer(key.getBytes(StandardCharsets.UTF_8));
    }

    private static int compareUtf8(String a, String b) {
        byte[] x = a.getBytes(StandardCharsets.UTF_8);
        byte[] y = b.getBytes(StandardCharsets.UTF_8);
        return java.util.Arrays.compareUnsigned(x, y);
    }
}
