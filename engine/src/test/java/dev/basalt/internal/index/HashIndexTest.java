package dev.basalt.internal.index;

import static dev.basalt.internal.index.HashIndex.NO_LOCATION;
import static dev.basalt.internal.index.KeyBook.buffer;
import static dev.basalt.internal.index.KeyBook.hash;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One named case per edge of {@link HashIndex}, single-threaded. */
class HashIndexTest {
    /** A hash every "colliding" key shares, so only the matcher can tell them apart. */
    private static final long CONSTANT_HASH = 0x4242_4242_4242_4242L;

    private final KeyBook book = new KeyBook();
    private final HashIndex index = new HashIndex(0);

    @AfterEach
    void closeIndex() {
        index.close();
    }

    @Test
    void absentKeyHasNoLocation() {
        final UnsafeBuffer absent = buffer("absent");
        assertThat(get(absent)).isEqualTo(NO_LOCATION);

        put(buffer("present"));
        assertThat(get(absent)).isEqualTo(NO_LOCATION);
        assertThat(index.remove(hash(absent), absent, 0, absent.capacity(), book)).isEqualTo(NO_LOCATION);
        assertThat(index.size()).isEqualTo(1);
    }

    @Test
    void putThenGetThenPutAgainRepointsAndReturnsThePreviousLocation() {
        final UnsafeBuffer key = buffer("user:1");
        final long first = book.write(key);
        final long second = book.write(key);

        assertThat(index.put(hash(key), key, 0, key.capacity(), first, book)).isEqualTo(NO_LOCATION);
        assertThat(get(key)).isEqualTo(first);
        assertThat(index.put(hash(key), key, 0, key.capacity(), second, book)).isEqualTo(first);
        assertThat(get(key)).isEqualTo(second);
        assertThat(index.size()).isEqualTo(1);
    }

    @Test
    void keyIsFoundAtAnyOffsetInItsBuffer() {
        final UnsafeBuffer key = buffer("key:7");
        final long location = put(key);
        final UnsafeBuffer padded = buffer("xx" + "key:7" + "yyy");

        assertThat(index.get(hashAt(padded, 2, 5), padded, 2, 5, book)).isEqualTo(location);
    }

    @Test
    void removeLeavesATombstoneThatTheNextInsertOnTheRunReuses() {
        // a then b on one run: removing a must leave a tombstone, or b's run would break.
        final UnsafeBuffer a = buffer("a");
        final UnsafeBuffer b = buffer("b");
        final UnsafeBuffer c = buffer("c");
        final long atA = putWithHash(a, CONSTANT_HASH);
        final long atB = putWithHash(b, CONSTANT_HASH);

        assertThat(index.remove(CONSTANT_HASH, a, 0, 1, book)).isEqualTo(atA);
        assertThat(index.deletedSlots()).isEqualTo(1);
        assertThat(index.get(CONSTANT_HASH, a, 0, 1, book)).isEqualTo(NO_LOCATION);
        assertThat(index.get(CONSTANT_HASH, b, 0, 1, book)).isEqualTo(atB);

        final long atA2 = putWithHash(a, CONSTANT_HASH);
        final long atC = putWithHash(c, CONSTANT_HASH);
        assertThat(index.deletedSlots()).isZero(); // a's second insert took the tombstone
        assertThat(index.get(CONSTANT_HASH, a, 0, 1, book)).isEqualTo(atA2);
        assertThat(index.get(CONSTANT_HASH, b, 0, 1, book)).isEqualTo(atB);
        assertThat(index.get(CONSTANT_HASH, c, 0, 1, book)).isEqualTo(atC);
        assertThat(index.size()).isEqualTo(3);
        index.verifyInvariants();
    }

    @Test
    void removingTheEndOfARunEmptiesItAndTheTombstonesBeforeIt() {
        final List<UnsafeBuffer> keys = keys("run-", 3);
        for (UnsafeBuffer key : keys) {
            putWithHash(key, CONSTANT_HASH);
        }
        removeWithHash(keys.get(0), CONSTANT_HASH);
        removeWithHash(keys.get(1), CONSTANT_HASH);
        assertThat(index.deletedSlots()).isEqualTo(2);

        removeWithHash(keys.get(2), CONSTANT_HASH); // the run's last slot: no run passes it
        assertThat(index.deletedSlots()).isZero();
        assertThat(index.size()).isZero();
        index.verifyInvariants();
    }

    @Test
    void collidingHashesAreToldApartByTheMatcher() {
        final List<UnsafeBuffer> keys = keys("collide-", 100);
        final Map<UnsafeBuffer, Long> locations = new HashMap<>();
        for (UnsafeBuffer key : keys) {
            locations.put(key, putWithHash(key, CONSTANT_HASH));
        }
        for (int i = 0; i < keys.size(); i += 3) {
            removeWithHash(keys.get(i), CONSTANT_HASH);
            locations.remove(keys.get(i));
        }

        for (UnsafeBuffer key : keys) {
            final long expected = locations.getOrDefault(key, NO_LOCATION);
            assertThat(index.get(CONSTANT_HASH, key, 0, key.capacity(), book)).isEqualTo(expected);
        }
        final UnsafeBuffer stranger = buffer("collide-never-put");
        assertThat(index.get(CONSTANT_HASH, stranger, 0, stranger.capacity(), book)).isEqualTo(NO_LOCATION);
        assertThat(index.size()).isEqualTo(locations.size());
        index.verifyInvariants();
    }

    @Test
    void growsThroughManyStepsAndKeepsEveryKey() {
        final List<UnsafeBuffer> keys = keys("grow-", 20_000);
        final long[] locations = new long[keys.size()];
        final List<Integer> capacities = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            locations[i] = put(keys.get(i));
            if (capacities.isEmpty() || capacities.get(capacities.size() - 1) != index.table().capacitySlots) {
                capacities.add(index.table().capacitySlots);
            }
        }

        assertThat(capacities).startsWith(16, 24, 32, 48, 64).hasSizeGreaterThan(15);
        for (int i = 0; i < keys.size(); i++) {
            assertThat(get(keys.get(i))).isEqualTo(locations[i]);
        }
        assertThat(index.size()).isEqualTo(keys.size());
        index.verifyInvariants();
    }

    @Test
    void churnRehashesInPlaceInsteadOfGrowingForever() {
        // Remove one key and insert a new one, at a steady 1000 live keys: tombstones pile up,
        // and the rehashes they trigger must drop them rather than grow the table each time.
        final List<UnsafeBuffer> keys = keys("churn-", 30_000);
        for (int i = 0; i < 1000; i++) {
            put(keys.get(i));
        }
        int inPlaceRehashes = 0;
        int largestCapacity = 0;
        for (int i = 1000; i < keys.size(); i++) {
            final UnsafeBuffer old = keys.get(i - 1000);
            index.remove(hash(old), old, 0, old.capacity(), book);
            final int capacityBefore = index.table().capacitySlots;
            final int deletedBefore = index.deletedSlots();
            put(keys.get(i));
            if (deletedBefore >= 100 && index.deletedSlots() == 0 && index.table().capacitySlots == capacityBefore) {
                inPlaceRehashes++;
            }
            largestCapacity = Math.max(largestCapacity, index.table().capacitySlots);
        }
        assertThat(index.size()).isEqualTo(1000);
        assertThat(inPlaceRehashes).isPositive();
        // 1000 live keys fill 1536 slots to 0.65; one step up (2048, 0.49 live) is the most.
        assertThat(largestCapacity).isLessThanOrEqualTo(2048);
        index.verifyInvariants();
    }

    @Test
    void replaceAndRemoveIfAtFailOnceTheLocationMovedOn() {
        final UnsafeBuffer key = buffer("moved");
        final long h = hash(key);
        final long first = put(key);
        final long second = put(key);

        assertThat(index.replace(h, first, 99)).isFalse();
        assertThat(index.removeIfAt(h, first)).isFalse();
        assertThat(get(key)).isEqualTo(second);

        final long compacted = book.write(key);
        assertThat(index.replace(h, second, compacted)).isTrue();
        assertThat(get(key)).isEqualTo(compacted);
        assertThat(index.removeIfAt(h, second)).isFalse();
        assertThat(index.removeIfAt(h, compacted)).isTrue();
        assertThat(get(key)).isEqualTo(NO_LOCATION);
        assertThat(index.replace(h, compacted, 100)).isFalse();
        assertThat(index.size()).isZero();
    }

    @Test
    void replaceNeedsTheRightHashAsWellAsTheLocation() {
        final UnsafeBuffer key = buffer("hashed");
        final long location = put(key);

        assertThat(index.replace(hash(key) ^ 1, location, 500)).isFalse();
        assertThat(index.removeIfAt(hash(key) ^ 1, location)).isFalse();
        assertThat(get(key)).isEqualTo(location);
    }

    @Test
    void forEachSeesExactlyTheLiveSetAndMayRemoveTheVisitedEntry() {
        final List<UnsafeBuffer> keys = keys("each-", 500);
        final Map<Long, Long> expected = new HashMap<>(); // location -> hash
        for (UnsafeBuffer key : keys) {
            expected.put(put(key), hash(key));
        }
        for (int i = 0; i < keys.size(); i += 5) {
            final UnsafeBuffer key = keys.get(i);
            expected.remove(index.remove(hash(key), key, 0, key.capacity(), book));
        }

        final Map<Long, Long> seen = new HashMap<>();
        index.forEach((keyHash, location) -> assertThat(seen.put(location, keyHash)).isNull());
        assertThat(seen).isEqualTo(expected);

        // A recovery-style sweep: drop every even location, repoint every odd one.
        final Map<Long, Long> swept = new HashMap<>();
        index.forEach((keyHash, location) -> {
            if (location % 2 == 0) {
                assertThat(index.removeIfAt(keyHash, location)).isTrue();
            } else {
                assertThat(index.replace(keyHash, location, location + 1_000_000)).isTrue();
                swept.put(location + 1_000_000, keyHash);
            }
        });
        final Map<Long, Long> after = new HashMap<>();
        index.forEach((keyHash, location) -> after.put(location, keyHash));
        assertThat(after).isEqualTo(swept);
        assertThat(index.size()).isEqualTo(swept.size());
        index.verifyInvariants();
    }

    @Test
    void forEachRefusesAConsumerThatGrowsTheTable() {
        put(buffer("seed"));
        final List<UnsafeBuffer> more = keys("more-", 100);
        assertThatThrownBy(() -> index.forEach((keyHash, location) -> more.forEach(this::put)))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("grew");
    }

    @Test
    void sizeAndOffHeapBytesFigures() {
        assertThat(index.size()).isZero();
        assertThat(index.offHeapBytes()).isEqualTo(16 * 16);

        // 1000 keys: 1024 slots allow only 768, so the 1536-slot step (1152 keys).
        try (HashIndex sized = new HashIndex(1000)) {
            assertThat(sized.offHeapBytes()).isEqualTo(1536 * 16);
        }
        for (int i = 0; i < 12; i++) {
            put(buffer("k" + i));
        }
        assertThat(index.size()).isEqualTo(12);
        assertThat(index.offHeapBytes()).isEqualTo(16 * 16); // 12 = 0.75 * 16, still fits
        put(buffer("k12"));
        assertThat(index.offHeapBytes()).isEqualTo(24 * 16);
    }

    @Test
    void bytesPerKeyAtOneMillionKeysStayWithinThirtyTwo() {
        final int keyCount = 1_000_000;
        final UnsafeBuffer key = new UnsafeBuffer(new byte[Long.BYTES]);
        // Location == key id, so the matcher needs no side map for a million keys.
        final KeyMatcher idMatcher = (location, k, offset, length) ->
            length == Long.BYTES && k.getLong(offset) == location;
        try (HashIndex big = new HashIndex(0)) {
            for (long id = 0; id < keyCount; id++) {
                key.putLong(0, id);
                big.put(KeyHash.hash(KeyBook.SEED, key, 0, Long.BYTES), key, 0, Long.BYTES, id, idMatcher);
            }
            assertThat(big.size()).isEqualTo(keyCount);
            final double bytesPerKey = (double) big.offHeapBytes() / big.size();
            assertThat(big.offHeapBytes()).isEqualTo(1_572_864L * 16); // 3 * 2^19 slots
            assertThat(bytesPerKey).isLessThanOrEqualTo(32.0).isGreaterThan(25.1);
            key.putLong(0, 123_456);
            assertThat(big.get(KeyHash.hash(KeyBook.SEED, key, 0, 8), key, 0, 8, idMatcher)).isEqualTo(123_456);
        }
    }

    @Test
    void capacityStepsKeepAGrownTableAtMostThirtyTwoBytesPerKey() {
        assertThat(SlotTable.capacityForKeys(1_000_000)).isEqualTo(1_572_864);
        assertThat(SlotTable.capacityForKeys(10_000_000)).isEqualTo(16_777_216); // 26.8 bytes/key
        // Right after any growth step the load is at least 0.5: 16 bytes / 0.5 = 32 bytes per key.
        for (int capacity = SlotTable.MIN_CAPACITY_SLOTS; capacity < SlotTable.MAX_CAPACITY_SLOTS;
             capacity = SlotTable.nextCapacity(capacity)) {
            final int next = SlotTable.nextCapacity(capacity);
            assertThat(SlotTable.isCapacityStep(next)).isTrue();
            assertThat(2L * (SlotTable.maxUsedSlots(capacity) + 1)).isGreaterThanOrEqualTo(next);
        }
    }

    @Test
    void capacityHasADocumentedLimit() {
        final int maxKeys = SlotTable.maxUsedSlots(SlotTable.MAX_CAPACITY_SLOTS);
        assertThat(maxKeys).isEqualTo(1_207_959_552);
        assertThatThrownBy(() -> SlotTable.capacityForKeys(maxKeys + 1L))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("keys=1207959553");
        assertThatThrownBy(() -> SlotTable.nextCapacity(SlotTable.MAX_CAPACITY_SLOTS))
            .isInstanceOf(IllegalStateException.class).hasMessageContaining("hash index full");
        assertThatThrownBy(() -> new HashIndex(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void probeRunsWrapAroundTheEndOfTheTable() {
        // Hashes whose home is the last of 16 slots: the run continues at slot 0.
        final long lastSlotHash = homeSlotHash(15, 16);
        final List<UnsafeBuffer> keys = keys("wrap-", 4);
        final List<Long> locations = new ArrayList<>();
        for (UnsafeBuffer key : keys) {
            locations.add(putWithHash(key, lastSlotHash));
        }
        assertThat(index.table().capacitySlots).isEqualTo(16);
        removeWithHash(keys.get(1), lastSlotHash);
        for (int i = 0; i < keys.size(); i++) {
            final long expected = i == 1 ? NO_LOCATION : locations.get(i);
            assertThat(index.get(lastSlotHash, keys.get(i), 0, keys.get(i).capacity(), book)).isEqualTo(expected);
        }
        index.verifyInvariants();
    }

    @Test
    void probeRunsCrossFromOneDirectBufferChunkToTheNext() {
        // 4,500,000 keys need 3 * 2^21 slots: a 2^22-slot chunk and a 2^21-slot chunk (96 MiB).
        try (HashIndex chunked = new HashIndex(4_500_000)) {
            final int capacity = chunked.table().capacitySlots;
            assertThat(capacity).isEqualTo(3 << 21);
            final long boundaryHash = homeSlotHash((1 << SlotTable.CHUNK_SHIFT) - 2, capacity);
            final long endHash = homeSlotHash(capacity - 1, capacity);
            final Map<UnsafeBuffer, Long> expected = new HashMap<>();
            for (UnsafeBuffer key : keys("chunk-", 5)) {
                final long location = book.write(key);
                chunked.put(boundaryHash, key, 0, key.capacity(), location, book);
                expected.put(key, location);
            }
            for (UnsafeBuffer key : keys("end-", 3)) {
                final long location = book.write(key);
                chunked.put(endHash, key, 0, key.capacity(), location, book);
                expected.put(key, location);
            }
            expected.forEach((key, location) -> {
                final long h = key.getByte(0) == 'c' ? boundaryHash : endHash;
                assertThat(chunked.get(h, key, 0, key.capacity(), book)).isEqualTo(location);
            });
            chunked.verifyInvariants();
        }
    }

    @Test
    void argumentsThatWouldCorruptTheTableAreRefused() {
        final UnsafeBuffer key = buffer("bad");
        assertThatThrownBy(() -> index.put(0, key, 0, 3, 1, book))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("keyHash=0");
        assertThatThrownBy(() -> index.put(hash(key), key, 0, 3, NO_LOCATION, book))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("location=-1");
        assertThatThrownBy(() -> index.replace(hash(key), 1, -2))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("newLocation=-2");
        assertThat(index.size()).isZero();
    }

    @Test
    void closeIsIdempotentAndFreesTheTable() {
        final UnsafeBuffer key = buffer("closing");
        put(key);
        index.close();
        index.close();

        assertThat(index.offHeapBytes()).isZero();
        assertThat(index.size()).isZero();
        assertThat(get(key)).isEqualTo(NO_LOCATION);
        assertThatThrownBy(() -> put(key)).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> index.removeIfAt(hash(key), 0)).isInstanceOf(IllegalStateException.class);
    }

    /** The smallest hash whose home is {@code slot} in a table of {@code capacity} slots. */
    private static long homeSlotHash(int slot, int capacity) {
        final long high32 = (((long) slot << 32) + capacity - 1) / capacity;
        return high32 << 32 | 1;
    }

    private static long hashAt(DirectBuffer buffer, int offset, int length) {
        return KeyHash.hash(KeyBook.SEED, buffer, offset, length);
    }

    private static List<UnsafeBuffer> keys(String prefix, int count) {
        final List<UnsafeBuffer> keys = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            keys.add(buffer(prefix + i));
        }
        return keys;
    }

    @Test
    void touchingHomeSlotsLoadsEachKeysHomeSlotAndChangesNothing() {
        // Two hashes with one home slot (they differ only in the low half, which does not place
        // a key): the first key takes the home slot, the second the slot after it.
        final long firstHash = 0x4242_4242_0000_0001L;
        final long secondHash = 0x4242_4242_0000_0002L;
        final UnsafeBuffer first = buffer("first");
        final UnsafeBuffer second = buffer("second");
        final UnsafeBuffer elsewhere = buffer("elsewhere");
        final long atFirst = putWithHash(first, firstHash);
        final long atSecond = putWithHash(second, secondHash);
        final long atElsewhere = put(elsewhere);
        assertThat(index.table().homeSlot(hash(elsewhere))).isNotEqualTo(index.table().homeSlot(firstHash));

        // The second key's entry yields the word in its home slot (the first key's hash), not its own.
        assertThat(SlotLookAhead.touchHomeSlots(index, new long[] {secondHash, hash(elsewhere)}, 2))
                .isEqualTo(firstHash + hash(elsewhere));
        assertThat(SlotLookAhead.touchHomeSlots(index, new long[] {firstHash}, 0)).isZero();
        assertThat(index.get(firstHash, first, 0, first.capacity(), book)).isEqualTo(atFirst);
        assertThat(index.get(secondHash, second, 0, second.capacity(), book)).isEqualTo(atSecond);
        assertThat(get(elsewhere)).isEqualTo(atElsewhere);
        assertThat(index.size()).isEqualTo(3);
    }

    private long put(UnsafeBuffer key) {
        return putWithHash(key, hash(key));
    }

    private long putWithHash(UnsafeBuffer key, long keyHash) {
        final long location = book.write(key);
        index.put(keyHash, key, 0, key.capacity(), location, book);
        return location;
    }

    private void removeWithHash(UnsafeBuffer key, long keyHash) {
        assertThat(index.remove(keyHash, key, 0, key.capacity(), book)).isNotEqualTo(NO_LOCATION);
    }

    private long get(UnsafeBuffer key) {
        return index.get(hash(key), key, 0, key.capacity(), book);
    }
}
