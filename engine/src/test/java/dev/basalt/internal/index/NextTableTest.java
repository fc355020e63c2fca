package dev.basalt.internal.index;

import static dev.basalt.internal.index.HashIndex.NO_LOCATION;
import static dev.basalt.internal.index.KeyBook.buffer;
import static dev.basalt.internal.index.KeyBook.hash;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The next table a {@link HashIndex} grows into, prepared off the writer's path ({@link NextTable}). */
class NextTableTest {
    /** 40,000 keys take the 65,536-slot table: 49,152 keys before its growth, prepared from 43,008. */
    private static final int FIRST_CAPACITY = 65_536;
    private static final int PREPARE_AT = 43_008;
    private static final int GROWS_AT = 49_153;
    private static final int NEXT_CAPACITY = 98_304;

    private final KeyBook book = new KeyBook();
    private final AtomicInteger growthNear = new AtomicInteger();
    private final HashIndex index = new HashIndex(40_000);
    private final List<UnsafeBuffer> keys = new ArrayList<>();

    NextTableTest() {
        index.onGrowthNear(growthNear::incrementAndGet);
    }

    @AfterEach
    void closeIndex() {
        index.close();
    }

    @Test
    void theWriterAsksOnceWhenTheLiveKeysEnterTheLastEighth() {
        assertThat(NextTable.prepareAt(index.currentTable())).isEqualTo(PREPARE_AT);
        putKeys(PREPARE_AT - 1);
        assertThat(growthNear).hasValue(0);
        assertThat(index.prepareGrowth()).as("before the last eighth").isFalse();
        assertThat(index.preparedBytes()).isZero();

        putKeys(1);
        assertThat(growthNear).hasValue(1);
        putKeys(100);
        assertThat(growthNear).as("once a table").hasValue(1);
    }

    @Test
    void theGrowthMovesIntoThePreparedTable() {
        putKeys(PREPARE_AT);
        assertThat(index.prepareGrowth()).isTrue();
        assertThat(index.preparedBytes()).isEqualTo(NEXT_CAPACITY * 16L);
        assertThat(index.prepareGrowth()).as("one of that size is there").isFalse();
        assertThat(index.offHeapBytes()).isEqualTo(FIRST_CAPACITY * 16L);

        putKeys(GROWS_AT - PREPARE_AT);
        assertThat(index.offHeapBytes()).isEqualTo(NEXT_CAPACITY * 16L);
        assertThat(index.preparedBytes()).as("taken by the growth").isZero();
        assertEveryKeyFound();
        index.verifyInvariants();
    }

    @Test
    void aGrowthWithoutAPreparedTableAllocatesItsOwn() {
        putKeys(GROWS_AT);
        assertThat(index.offHeapBytes()).isEqualTo(NEXT_CAPACITY * 16L);
        assertEveryKeyFound();
        index.verifyInvariants();
    }

    @Test
    void smallTablesAreNotPrepared() {
        try (HashIndex small = new HashIndex(0)) {
            AtomicInteger asked = new AtomicInteger();
            small.onGrowthNear(asked::incrementAndGet);
            for (int i = 0; i < 36_000; i++) { // the 49,152-slot table holds 36,864
                UnsafeBuffer key = buffer("small-" + i);
                small.put(hash(key), key, 0, key.capacity(), book.write(key), book);
                assertThat(small.prepareGrowth()).isFalse();
            }
            assertThat(asked).hasValue(0);
            assertThat(small.offHeapBytes()).isEqualTo(49_152 * 16L);
            assertThat(NextTable.prepareAt(small.currentTable())).isEqualTo(-1);
        }
    }

    @Test
    void closeFreesThePreparedTableAndPreparesNoMore() {
        putKeys(PREPARE_AT);
        assertThat(index.prepareGrowth()).isTrue();
        index.close();
        assertThat(index.preparedBytes()).isZero();
        assertThat(index.prepareGrowth()).isFalse();
    }

    @Test
    void aSameSizeRehashLeavesThePreparedTableForTheGrowth() {
        putKeys(PREPARE_AT);
        assertThat(index.prepareGrowth()).isTrue();
        // Remove most keys, then fill the table with tombstones and new keys until it rehashes
        // at its own size (fewer than half its slots live).
        for (UnsafeBuffer key : keys.subList(0, PREPARE_AT - 1_000)) {
            assertThat(index.remove(hash(key), key, 0, key.capacity(), book)).isNotEqualTo(NO_LOCATION);
        }
        keys.subList(0, PREPARE_AT - 1_000).clear();
        putKeys(20_000);
        assertThat(index.offHeapBytes()).isEqualTo(FIRST_CAPACITY * 16L);
        assertThat(index.preparedBytes()).isEqualTo(NEXT_CAPACITY * 16L);
        assertEveryKeyFound();
        index.verifyInvariants();
    }

    @Test
    void readersAndTheWriterAgreeWhilePreparingRunsBeside() throws Exception {
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger prepared = new AtomicInteger();
        Thread preparer = new Thread(() -> {
            while (!done.get()) {
                prepared.addAndGet(index.prepareGrowth() ? 1 : 0);
            }
        });
        preparer.start();
        try {
            putKeys(300_000); // four growths from 65,536 slots
        } finally {
            done.set(true);
            preparer.join();
        }
        assertThat(prepared.get()).as("tables prepared").isPositive();
        assertThat(index.offHeapBytes()).isEqualTo(SlotTable.capacityForKeys(300_000) * 16L);
        assertEveryKeyFound();
        index.verifyInvariants();
    }

    private void putKeys(int count) {
        for (int i = 0; i < count; i++) {
            UnsafeBuffer key = buffer("key-" + keys.size() + "-" + i);
            assertThat(index.put(hash(key), key, 0, key.capacity(), book.write(key), book)).isEqualTo(NO_LOCATION);
            keys.add(key);
        }
    }

    private void assertEveryKeyFound() {
        assertThat(index.size()).isEqualTo(keys.size());
        for (UnsafeBuffer key : keys) {
            assertThat(index.get(hash(key), key, 0, key.capacity(), book)).isNotEqualTo(NO_LOCATION);
        }
    }
}
