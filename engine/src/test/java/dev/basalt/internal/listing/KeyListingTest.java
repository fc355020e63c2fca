package dev.basalt.internal.listing;

import static dev.basalt.internal.listing.Scans.all;
import static dev.basalt.internal.listing.Scans.buffer;
import static dev.basalt.internal.listing.Scans.bytes;
import static dev.basalt.internal.listing.Scans.contains;
import static dev.basalt.internal.listing.Scans.insert;
import static dev.basalt.internal.listing.Scans.remove;
import static dev.basalt.internal.listing.Scans.scan;
import static dev.basalt.internal.listing.Scans.strings;
import static dev.basalt.internal.listing.Scans.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One named case per edge of {@link KeyListing}. */
class KeyListingTest {
    private static final byte[] NONE = new byte[0];

    private final KeyListing listing = new KeyListing(42);

    @AfterEach
    void close() {
        listing.close();
    }

    @Test
    void anEmptyListingHasNoKeys() {
        assertThat(all(listing)).isEmpty();
        assertThat(scan(listing, utf8("a"), true, utf8("a"), 10)).isEmpty();
        assertThat(contains(listing, utf8("a"))).isFalse();
        assertThat(remove(listing, utf8("a"))).isFalse();
        assertThat(listing.size()).isZero();
        assertThat(listing.offHeapBytes()).isEqualTo(NodeArena.MIN_CHUNK_BYTES);
        listing.verifyInvariants();
    }

    @Test
    void thePlainFlagIsSetAtInsertOnlyAndOnlyEverCleared() {
        UnsafeBuffer a = buffer(utf8("a"));
        UnsafeBuffer b = buffer(utf8("b"));
        assertThat(listing.insert(a, 0, 1, true)).isTrue();
        assertThat(listing.insert(b, 0, 1, false)).isTrue();
        assertThat(plainFlags()).containsExactly(true, false);

        assertThat(listing.insert(a, 0, 1, true)).as("present: a plain insert keeps the flag").isFalse();
        assertThat(plainFlags()).containsExactly(true, false);
        assertThat(listing.insert(b, 0, 1, true)).as("present: a plain insert never sets it").isFalse();
        assertThat(plainFlags()).containsExactly(true, false);

        assertThat(listing.clearPlain(b, 0, 1)).as("b had no flag").isFalse();
        assertThat(listing.clearPlain(a, 0, 1)).as("a had it").isTrue();
        assertThat(plainFlags()).containsExactly(false, false);
        assertThat(listing.clearPlain(buffer(utf8("c")), 0, 1)).as("absent").isFalse();

        assertThat(listing.insert(a, 0, 1, true)).as("cleared stays cleared").isFalse();
        assertThat(plainFlags()).containsExactly(false, false);
        assertThat(remove(listing, utf8("a"))).isTrue();
        assertThat(listing.insert(a, 0, 1, true)).as("a new node after a removal").isTrue();
        assertThat(plainFlags()).containsExactly(true, false);
        assertThat(listing.insert(a, 0, 1, false)).as("present: an insert that is not plain clears it").isFalse();
        assertThat(plainFlags()).containsExactly(false, false);
        assertThat(strings(all(listing))).containsExactly("a", "b");
        listing.verifyInvariants();
    }

    @Test
    void aWalkReportsThePlainFlagInBothDirections() {
        for (int i = 0; i < 40; i++) {
            listing.insert(buffer(utf8("k" + (char) ('A' + i))), 0, 2, i % 3 == 0);
        }
        List<Boolean> ascending = new ArrayList<>();
        List<Boolean> descending = new ArrayList<>();
        listing.walk(null, 0, 0, true, null, 0, 0, true, false, 100, new KeyBatch(7), keys -> {
            for (int i = 0; i < keys.size(); i++) {
                ascending.add(keys.plain(i));
            }
            return keys.size();
        });
        listing.walk(null, 0, 0, true, null, 0, 0, true, true, 100, new KeyBatch(7), keys -> {
            for (int i = 0; i < keys.size(); i++) {
                descending.add(keys.plain(i));
            }
            return keys.size();
        });
        List<Boolean> expected = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            expected.add(i % 3 == 0);
        }
        assertThat(ascending).isEqualTo(expected);
        Collections.reverse(expected);
        assertThat(descending).isEqualTo(expected);
    }

    /** Each key's plain flag, in key order, as a scan reports it. */
    private List<Boolean> plainFlags() {
        List<Boolean> flags = new ArrayList<>();
        listing.scan(null, 0, 0, true, null, 0, 0, 100, new KeyBatch(3), keys -> {
            for (int i = 0; i < keys.size(); i++) {
                flags.add(keys.plain(i));
            }
            return keys.size();
        });
        return flags;
    }

    @Test
    void aSingleKeyComesAndGoes() {
        assertThat(insert(listing, utf8("k"))).isTrue();
        assertThat(insert(listing, utf8("k"))).as("second insert").isFalse();
        assertThat(listing.size()).isEqualTo(1);
        assertThat(contains(listing, utf8("k"))).isTrue();
        assertThat(strings(all(listing))).containsExactly("k");
        listing.verifyInvariants();

        assertThat(remove(listing, utf8("k"))).isTrue();
        assertThat(remove(listing, utf8("k"))).as("second remove").isFalse();
        assertThat(contains(listing, utf8("k"))).isFalse();
        assertThat(all(listing)).isEmpty();
        assertThat(listing.size()).isZero();
        listing.verifyInvariants();
    }

    @Test
    void keysComeInUnsignedUtf8ByteOrder() {
        final List<String> sorted = List.of("a", "ab", "b", "z", "\u007f", "\u00e9", "\u00e9t\u00e9",
            "\u4e2d", "\ud83d\ude00", "\ud83d\ude00\ud83d\ude00");
        final List<String> shuffled = new ArrayList<>(sorted);
        Collections.shuffle(shuffled, new Random(7));
        for (String key : shuffled) {
            insert(listing, utf8(key));
        }
        assertThat(strings(all(listing))).containsExactlyElementsOf(sorted);
        listing.verifyInvariants();
    }

    @Test
    void nulAnd0xFfBytesSortAsUnsigned() {
        final List<byte[]> sorted = List.of(bytes(0x00), bytes(0x00, 0x00), bytes(0x61), bytes(0x61, 0x00),
            bytes(0x61, 0x00, 0x62), bytes(0x61, 0x7F), bytes(0x61, 0x80), bytes(0x61, 0xFF),
            bytes(0x61, 0xFF, 0xFF), bytes(0xFF), bytes(0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF));
        final List<byte[]> shuffled = new ArrayList<>(sorted);
        Collections.shuffle(shuffled, new Random(3));
        shuffled.forEach(key -> insert(listing, key));
        assertThat(all(listing)).containsExactlyElementsOf(sorted);
        assertThat(scan(listing, NONE, true, bytes(0x61, 0xFF), 100))
            .containsExactly(bytes(0x61, 0xFF), bytes(0x61, 0xFF, 0xFF));
        assertThat(scan(listing, NONE, true, bytes(0x61, 0x00), 100))
            .containsExactly(bytes(0x61, 0x00), bytes(0x61, 0x00, 0x62));
        assertThat(scan(listing, NONE, true, bytes(0xFF), 100))
            .containsExactly(bytes(0xFF), bytes(0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF));
        assertThat(scan(listing, NONE, true, bytes(0x00), 100)).containsExactly(bytes(0x00), bytes(0x00, 0x00));
    }

    @Test
    void aPrefixThatIsAWholeKeyIncludesThatKey() {
        List.of("ab", "abc", "abd", "ac", "a", "b").forEach(k -> insert(listing, utf8(k)));
        assertThat(strings(scan(listing, NONE, true, utf8("ab"), 10))).containsExactly("ab", "abc", "abd");
        assertThat(strings(scan(listing, NONE, true, utf8("abc"), 10))).containsExactly("abc");
        assertThat(strings(scan(listing, NONE, true, utf8("a"), 10))).containsExactly("a", "ab", "abc", "abd", "ac");
        assertThat(scan(listing, NONE, true, utf8("abcd"), 10)).as("prefix longer than every key").isEmpty();
        assertThat(scan(listing, NONE, true, utf8("aa"), 10)).as("prefix between keys").isEmpty();
        assertThat(scan(listing, NONE, true, utf8("c"), 10)).as("prefix after every key").isEmpty();
    }

    @Test
    void fromIsExclusiveOrInclusiveAndNeedNotBeAKey() {
        List.of("a", "b", "c", "d").forEach(k -> insert(listing, utf8(k)));
        assertThat(strings(scan(listing, utf8("b"), false, NONE, 10))).containsExactly("c", "d");
        assertThat(strings(scan(listing, utf8("b"), true, NONE, 10))).containsExactly("b", "c", "d");
        assertThat(strings(scan(listing, utf8("bb"), true, NONE, 10))).containsExactly("c", "d");
        assertThat(strings(scan(listing, utf8("d"), false, NONE, 10))).isEmpty();
        assertThat(strings(scan(listing, utf8("\u0000"), false, NONE, 2))).containsExactly("a", "b");
    }

    @Test
    void fromOutsideThePrefixRangeStartsAtThePrefixOrFindsNothing() {
        List.of("a1", "b1", "b2", "b3", "c1").forEach(k -> insert(listing, utf8(k)));
        assertThat(strings(scan(listing, utf8("a9"), false, utf8("b"), 10))).as("from before the range")
            .containsExactly("b1", "b2", "b3");
        assertThat(strings(scan(listing, utf8("b"), false, utf8("b"), 10))).as("from equal to the prefix")
            .containsExactly("b1", "b2", "b3");
        assertThat(strings(scan(listing, utf8("b1"), false, utf8("b"), 10))).containsExactly("b2", "b3");
        assertThat(scan(listing, utf8("b3"), false, utf8("b"), 10)).as("from at the range's end").isEmpty();
        assertThat(scan(listing, utf8("c"), false, utf8("b"), 10)).as("from after the range").isEmpty();
    }

    @Test
    void maxKeysCountsOnlyKeysTheVisitorCounts() {
        for (int i = 0; i < 20; i++) {
            insert(listing, utf8(String.format("k%02d", i)));
        }
        assertThat(strings(scan(listing, NONE, true, NONE, 3))).containsExactly("k00", "k01", "k02");
        final List<String> seen = new ArrayList<>();
        final int counted = listing.scan(null, 0, 0, true, null, 0, 0, 4, new KeyBatch(16),
            Scans.eachKey((buffer, offset, length) -> {
                seen.add(buffer.getStringWithoutLengthAscii(offset, length));
                return buffer.getByte(offset + length - 1) % 2 == 0; // count even-numbered keys only
            }));
        assertThat(counted).isEqualTo(4);
        assertThat(seen).containsExactly("k00", "k01", "k02", "k03", "k04", "k05", "k06");
    }

    @Test
    void batchesHoldNoMoreKeysThanAreLeftToCountAndStopAtThePrefixRangesEnd() {
        for (int i = 0; i < 30; i++) {
            insert(listing, utf8(String.format("k%02d", i)));
        }
        insert(listing, utf8("m"));
        final List<Integer> sizes = new ArrayList<>();
        final UnsafeBuffer prefix = new UnsafeBuffer(utf8("k"));
        final int counted = listing.scan(null, 0, 0, true, prefix, 0, 1, 25, new KeyBatch(8), batch -> {
            sizes.add(batch.size());
            return batch.size() - 1; // the first key of every batch does not count
        });
        // 8 (7 count), 8 (7), 8 (7), 4 left to count: 4 (3), 1 left: 1 (0), 1: 1 (0), ... 30 keys in all
        assertThat(sizes).containsExactly(8, 8, 8, 4, 1, 1);
        assertThat(counted).isEqualTo(24);
        assertThatThrownBy(() -> listing.scan(null, 0, 0, true, null, 0, 0, 10, new KeyBatch(4),
            batch -> batch.size() + 1))
            .isInstanceOf(IllegalStateException.class).hasMessage("the visitor counted 5 keys of a batch of 4");
    }

    @Test
    void aKeyRemovedAheadOfAScanIsNotVisitedAndRemovingTheCurrentKeyDoesNotStopIt() {
        List.of("a", "b", "c", "d", "e").forEach(k -> insert(listing, utf8(k)));
        final List<String> seen = new ArrayList<>();
        // The visitor acts as the writer between steps of the scan (same thread, so still one writer).
        // Batches of one key, so that a key removed by a visit is not already in a batch.
        listing.scan(null, 0, 0, true, null, 0, 0, 100, new KeyBatch(1), Scans.eachKey((buffer, offset, length) -> {
            final String key = buffer.getStringWithoutLengthAscii(offset, length);
            seen.add(key);
            if (key.equals("b")) {
                remove(listing, utf8("b")); // the node the scan stands on
                remove(listing, utf8("c")); // a node ahead of it
                insert(listing, utf8("bb")); // a key inserted behind the removed node's frozen pointer
            }
            return true;
        }));
        assertThat(seen).containsExactly("a", "b", "d", "e");
        assertThat(strings(all(listing))).containsExactly("a", "bb", "d", "e");
        assertThat(listing.removedBytesPending()).isPositive();
        listing.verifyInvariants();
    }

    @Test
    void removedNodesAreReusedOnlyAfterReclaim() {
        final int keys = 20_000;
        for (int i = 0; i < keys; i++) {
            insert(listing, key16(i));
        }
        final long grown = listing.offHeapBytes();
        for (int i = 0; i < keys; i++) {
            remove(listing, key16(i));
        }
        final long pending = listing.removedBytesPending();
        assertThat(pending).isGreaterThanOrEqualTo(24L * keys);
        assertThat(listing.freeBytes()).isZero();

        assertThat(listing.reclaim()).isEqualTo(pending);
        assertThat(listing.removedBytesPending()).isZero();
        assertThat(listing.freeBytes()).isEqualTo(pending);
        final long chunkBytes = listing.offHeapBytes();

        for (int i = 0; i < keys; i++) {
            insert(listing, key16(keys + i));
        }
        listing.verifyInvariants();
        assertThat(listing.size()).isEqualTo(keys);
        // Levels are drawn afresh, so a few nodes of each size find no free node of their size.
        assertThat(listing.offHeapBytes()).as("chunks after re-inserting").isLessThan(chunkBytes + grown / 10);
        assertThat(listing.freeBytes()).isLessThan(pending / 10);
        for (int i = 0; i < keys; i++) {
            assertThat(contains(listing, key16(keys + i))).isTrue();
            assertThat(contains(listing, key16(i))).isFalse();
        }
    }

    @Test
    void growsAcrossManyChunksWithKeysOfEveryLength() {
        final Random random = new Random(11);
        final List<byte[]> keys = new ArrayList<>();
        for (int i = 0; i < 12_000; i++) {
            final byte[] key = new byte[1 + random.nextInt(512)];
            random.nextBytes(key);
            if (insert(listing, key)) {
                keys.add(key);
            }
        }
        keys.sort(Arrays::compareUnsigned);
        assertThat(listing.offHeapBytes()).as("past the doubling chunks, into 1 MiB ones").isGreaterThan(3L * NodeArena.MAX_CHUNK_BYTES);
        assertThat(all(listing)).containsExactlyElementsOf(keys);
        listing.verifyInvariants();
    }

    @Test
    void aMaximalKeyAndAKeyOfOneByteFit() {
        final byte[] longest = new byte[512];
        Arrays.fill(longest, (byte) 0xFF);
        assertThat(insert(listing, longest)).isTrue();
        assertThat(insert(listing, bytes(0x01))).isTrue();
        assertThat(all(listing)).containsExactly(bytes(0x01), longest);
        assertThat(scan(listing, NONE, true, longest, 10)).containsExactly(longest);
    }

    @Test
    void keysAreReadFromAnyOffsetOfTheCallersBuffer() {
        final UnsafeBuffer buffer = new UnsafeBuffer(utf8("xxabcxx"));
        assertThat(listing.insert(buffer, 2, 3)).isTrue();
        assertThat(listing.contains(buffer, 2, 3)).isTrue();
        assertThat(listing.contains(buffer, 2, 2)).isFalse();
        assertThat(strings(all(listing))).containsExactly("abc");
        assertThat(strings(scan(listing, NONE, true, utf8("ab"), 5))).containsExactly("abc");
    }

    @Test
    void badArgumentsAreRejectedBeforeAnythingChanges() {
        final UnsafeBuffer key = buffer(new byte[600]);
        assertThatThrownBy(() -> listing.insert(key, 0, 0)).isInstanceOf(IllegalArgumentException.class)
            .hasMessage("key is 0 bytes; it must be 1..512");
        assertThatThrownBy(() -> listing.insert(key, 0, 513)).isInstanceOf(IllegalArgumentException.class)
            .hasMessage("key is 513 bytes; it must be 1..512");
        assertThatThrownBy(() -> listing.remove(key, 599, 2)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("outside its buffer of capacity=600");
        assertThatThrownBy(() -> listing.contains(key, -1, 2)).isInstanceOf(IllegalArgumentException.class);
        final KeyBatch batch = new KeyBatch(4);
        final KeyBatch.Visitor countAll = KeyBatch::size;
        assertThatThrownBy(() -> listing.scan(null, 0, 0, true, null, 0, 0, 0, batch, countAll))
            .isInstanceOf(IllegalArgumentException.class).hasMessage("maxKeys=0 must be >= 1");
        assertThatThrownBy(() -> listing.scan(null, 0, 0, true, key, 0, 513, 1, batch, countAll))
            .isInstanceOf(IllegalArgumentException.class).hasMessage("prefix is 513 bytes; it must be 0..512");
        assertThatThrownBy(() -> listing.scan(null, 0, 1, true, null, 0, 0, 1, batch, countAll))
            .isInstanceOf(IllegalArgumentException.class).hasMessage("from buffer is null");
        assertThatThrownBy(() -> listing.scan(null, 0, 0, true, null, 0, 0, 1, batch, null))
            .isInstanceOf(IllegalArgumentException.class).hasMessage("visitor is null");
        assertThatThrownBy(() -> listing.scan(null, 0, 0, true, null, 0, 0, 1, null, countAll))
            .isInstanceOf(IllegalArgumentException.class).hasMessage("batch is null");
        assertThatThrownBy(() -> listing.walk(null, 0, 0, true, key, 0, 513, true, false, 1, batch, countAll))
            .isInstanceOf(IllegalArgumentException.class).hasMessage("to is 513 bytes; it must be 0..512");
        assertThatThrownBy(() -> listing.walk(null, 0, 0, true, null, 0, 0, true, true, 1, batch, null))
            .isInstanceOf(IllegalArgumentException.class).hasMessage("visitor is null");
        assertThatThrownBy(() -> new KeyBatch(0))
            .isInstanceOf(IllegalArgumentException.class).hasMessage("capacity=0 must be >= 1");
        assertThat(listing.size()).isZero();
    }

    @Test
    void aClosedListingFindsNothingAndRefusesWrites() {
        insert(listing, utf8("a"));
        listing.close();
        listing.close();
        assertThat(all(listing)).isEmpty();
        assertThat(contains(listing, utf8("a"))).isFalse();
        assertThat(listing.offHeapBytes()).isZero();
        assertThat(listing.size()).isZero();
        assertThatThrownBy(() -> insert(listing, utf8("b"))).isInstanceOf(IllegalStateException.class)
            .hasMessage("key listing is closed");
        assertThatThrownBy(listing::reclaim).isInstanceOf(IllegalStateException.class);
    }

    /** 16 bytes: the id big-endian, then filler derived from it. */
    static byte[] key16(long id) {
        final UnsafeBuffer key = new UnsafeBuffer(new byte[16]);
        key.putLong(0, id, java.nio.ByteOrder.BIG_ENDIAN);
        key.putLong(8, id * 0x9E37_79B9_7F4A_7C15L);
        return key.byteArray();
    }
}
