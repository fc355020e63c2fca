package dev.basalt.internal.listing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NavigableSet;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * {@link SortedInserts} against a sorted set: keys already listed, then keys added in any order
 * (repeats and keys already listed among them), in batches of any size, leave the listing
 * holding their union with every invariant intact; the count of new keys matches; and each
 * batch goes in in unsigned byte order, equal keys in arrival order.
 */
class SortedInsertsTest {
    @Property(tries = 300)
    void listsTheUnionInKeyOrder(@ForAll("keyLists") List<byte[]> listed, @ForAll("keyLists") List<byte[]> added,
            @ForAll @IntRange(min = 1, max = 40) int batchKeys, @ForAll @IntRange(min = 0, max = 2000) int batchBytes) {
        try (KeyListing listing = new KeyListing(7)) {
            NavigableSet<byte[]> model = new TreeSet<>(Scans.UNSIGNED);
            for (byte[] key : listed) {
                assertThat(Scans.insert(listing, key)).isEqualTo(model.add(key));
            }
            SortedInserts inserts = new SortedInserts(listing, batchKeys, batchBytes);
            long sizeBefore = listing.size();
            long fresh = 0;
            for (byte[] key : added) {
                // Framed inside a larger buffer, as keys come from a segment.
                byte[] framed = new byte[key.length + 5];
                System.arraycopy(key, 0, framed, 2, key.length);
                inserts.add(new UnsafeBuffer(framed), 2, key.length);
                fresh += model.add(key) ? 1 : 0;
            }
            inserts.flush();
            assertThat(listing.size() - sizeBefore).as("keys new to the listing").isEqualTo(fresh);
            listing.verifyInvariants();
            assertThat(Scans.all(listing)).containsExactlyElementsOf(model);
        }
    }

    @Property(tries = 300)
    void ordersABatchByUnsignedBytesStably(@ForAll("keyLists") List<byte[]> added) {
        assertSortedStably(added);
    }

    @Property(tries = 300)
    void ordersLongKeysThatDifferAnywhereStably(@ForAll("longKeyLists") List<byte[]> added) {
        assertSortedStably(added);
    }

    @Example
    void ordersManyKeysAlikeInTheirFirstEightBytesPastTheCommonPrefix() {
        List<byte[]> added = new ArrayList<>();
        java.util.Random random = new java.util.Random(42);
        for (int i = 0; i < 5000; i++) {
            // Past the common prefix "tenant/", eight bytes alike in each group of thousands
            // ("a/region" or "b/region"), then what orders them: runs the sort merges.
            String tenant = random.nextBoolean() ? "a" : "b";
            added.add(String.format("tenant/%s/region-eu/%05d", tenant, random.nextInt(3000)).getBytes());
        }
        assertSortedStably(added);
    }

    @Property(tries = 200)
    void sortingInPlaceLeavesTheKeysInOrderAndSaysWhereEachCameFrom(@ForAll("longKeyLists") List<byte[]> added,
            @ForAll @IntRange(min = 0, max = 2) int spareHalves) {
        SortedKeys keys = new SortedKeys();
        // The first half adopted in arrays with no, some or much room to spare, the rest added.
        int adopted = added.size() / 2;
        int adoptedBytes = added.subList(0, adopted).stream().mapToInt(key -> key.length).sum();
        byte[] bytes = new byte[adoptedBytes + adoptedBytes * spareHalves / 2];
        int[] starts = new int[adopted + 1 + adopted * spareHalves / 2];
        for (int i = 0; i < adopted; i++) {
            System.arraycopy(added.get(i), 0, bytes, starts[i], added.get(i).length);
            starts[i + 1] = starts[i] + added.get(i).length;
        }
        keys.adopt(bytes, starts, adopted);
        for (int i = adopted; i < added.size(); i++) {
            keys.add(new UnsafeBuffer(added.get(i)), 0, added.get(i).length, i % 3 == 0);
        }
        int[] from = keys.sortInPlace();
        assertThat(from).hasSize(added.size());
        for (int i = 0; i < added.size(); i++) {
            byte[] now = new byte[keys.keyLength(i)];
            keys.keys().getBytes(keys.keyOffset(i), now);
            assertThat(now).as("key %d came from %d", i, from[i]).isEqualTo(added.get(from[i]));
            assertThat(keys.flag(i)).isEqualTo(from[i] >= adopted && from[i] % 3 == 0);
            if (i > 0) {
                int order = keys.compare(i - 1, new UnsafeBuffer(now), 0, now.length);
                assertThat(order < 0 || order == 0 && from[i - 1] < from[i]).as("key %d in order", i).isTrue();
            }
        }
    }

    private static void assertSortedStably(List<byte[]> added) {
        try (KeyListing listing = new KeyListing(7)) {
            SortedInserts inserts = new SortedInserts(listing, Integer.MAX_VALUE, Integer.MAX_VALUE);
            for (byte[] key : added) {
                inserts.add(new UnsafeBuffer(key), 0, key.length);
            }
            List<Integer> expected = new ArrayList<>();
            for (int i = 0; i < added.size(); i++) {
                expected.add(i);
            }
            expected.sort((a, b) -> Arrays.compareUnsigned(added.get(a), added.get(b)));
            assertThat(inserts.sortedOrder()).containsExactly(expected.stream().mapToInt(Integer::intValue).toArray());
        }
    }

    @Example
    void insertsABatchOnceItsKeyBytesReachTheBound() {
        try (KeyListing listing = new KeyListing(7)) {
            SortedInserts inserts = new SortedInserts(listing, 1000, 600);
            for (int i = 0; i < 100; i++) {
                byte[] key = String.format("key-%06d", 99 - i).getBytes();
                inserts.add(new UnsafeBuffer(key), 0, key.length);
            }
            assertThat(listing.size()).as("a batch of 60 ten-byte keys went in at 600 bytes").isEqualTo(60);
            inserts.flush();
            assertThat(listing.size()).isEqualTo(100);
            listing.verifyInvariants();
        }
    }

    @Property(tries = 50)
    void refusesAKeyOutsideTheLimitsAndKeepsTheRest(@ForAll("keyLists") List<byte[]> added,
            @ForAll @IntRange(min = 0, max = 1) int tooLong) {
        try (KeyListing listing = new KeyListing(7)) {
            SortedInserts inserts = new SortedInserts(listing);
            for (byte[] key : added) {
                inserts.add(new UnsafeBuffer(key), 0, key.length);
            }
            byte[] bad = new byte[tooLong == 1 ? 513 : 0];
            assertThatThrownBy(() -> inserts.add(new UnsafeBuffer(bad), 0, bad.length))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1..512");
            inserts.flush();
            NavigableSet<byte[]> model = new TreeSet<>(Scans.UNSIGNED);
            model.addAll(added);
            assertThat(Scans.all(listing)).containsExactlyElementsOf(model);
        }
    }

    @Provide
    Arbitrary<List<byte[]>> longKeyLists() {
        // Up to 24 bytes past a shared prefix, so keys differ before, inside and after the eight
        // bytes the sort orders by first; up to 2,000 keys, so those bytes often tie.
        Arbitrary<byte[]> key = Arbitraries.of((byte) 0, (byte) 1, (byte) 'z', (byte) 0x80, (byte) 0xff)
                .array(byte[].class).ofMinSize(0).ofMaxSize(24).map(tail -> {
                    byte[] withPrefix = Arrays.copyOf("ns/".getBytes(), 3 + tail.length);
                    System.arraycopy(tail, 0, withPrefix, 3, tail.length);
                    return withPrefix;
                });
        return key.list().ofMaxSize(2000);
    }

    @Provide
    Arbitrary<List<byte[]>> keyLists() {
        // Few distinct bytes (repeats, keys that are prefixes of others, zero bytes at the end,
        // bytes above 0x7f) and now and then a shared prefix of 10 bytes, as one namespace's keys.
        Arbitrary<byte[]> key = Arbitraries.of((byte) 0, (byte) 'a', (byte) 'b', (byte) 0xff).array(byte[].class)
                .ofMinSize(1).ofMaxSize(6);
        Arbitrary<byte[]> prefixed = key.map(k -> {
            byte[] withPrefix = Arrays.copyOf("user:00000".getBytes(), 10 + k.length);
            System.arraycopy(k, 0, withPrefix, 10, k.length);
            return withPrefix;
        });
        return Arbitraries.frequencyOf(Tuple.of(3, key), Tuple.of(1, prefixed))
                .list().ofMaxSize(300);
    }
}
