package dev.basalt.internal.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * When the replay after a checkpoint moves the checkpoint's mapped slot table into memory of its
 * own ({@link Recovery#writesBeforeOwning}): after a quarter of the table's pages in writes when
 * the tail's length is unknown or short, after a small sample when the tail is known to make
 * twice that many writes anyway (each write before the move is a copy-on-write fault).
 */
class MappedTableOwnershipTest {
    /** A 1 M-key table: 2 Mi slots of 16 bytes, 8,192 pages; a quarter of that is 2,048 writes. */
    private static final long TABLE_BYTES = 32L << 20;
    private static final long QUARTER_OF_PAGES = TABLE_BYTES / 4096 / 4;

    @Test
    void aTailOfUnknownLengthWaitsForAQuarterOfThePagesInWrites() {
        assertThat(Recovery.writesBeforeOwning(TABLE_BYTES, -1)).isEqualTo(QUARTER_OF_PAGES);
    }

    @Test
    void aTailKnownToBeShortWaitsAsBefore() {
        assertThat(Recovery.writesBeforeOwning(TABLE_BYTES, 0)).isEqualTo(QUARTER_OF_PAGES);
        assertThat(Recovery.writesBeforeOwning(TABLE_BYTES, 2 * QUARTER_OF_PAGES - 1)).isEqualTo(QUARTER_OF_PAGES);
    }

    @Test
    void aTailKnownToBeLongMovesTheTableAfterASampleOfWrites() {
        long sample = Recovery.writesBeforeOwning(TABLE_BYTES, 2 * QUARTER_OF_PAGES);
        assertThat(sample).isLessThan(QUARTER_OF_PAGES).isPositive();
        assertThat(Recovery.writesBeforeOwning(TABLE_BYTES, 400_000)).isEqualTo(sample);
    }

    @Test
    void aSmallTableNeverWaitsLongerThanAQuarterOfItsPages() {
        long smallTable = 64L << 10; // 16 pages: 4 writes
        assertThat(Recovery.writesBeforeOwning(smallTable, 1_000_000)).isEqualTo(smallTable / 4096 / 4);
    }
}
