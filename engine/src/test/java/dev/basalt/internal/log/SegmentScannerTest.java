package dev.basalt.internal.log;

import static dev.basalt.internal.env.Limits.*;
import static dev.basalt.internal.log.LogFormat.*;
import static dev.basalt.internal.log.SegmentImage.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.internal.log.SegmentImage.Damage;
import dev.basalt.internal.log.SegmentImage.Scan;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The ladder of damage a segment scan must survive, one named case per edge, after LevelDB's
 * log_test: four intact records A B C D, then one kind of damage, and exactly what the scan
 * reports (records found, damaged ranges with offsets, and where the valid data ends).
 */
class SegmentScannerTest {
    private static final int CAPACITY = 8192;
    private static final String HEADER_CRC = "header checksum mismatch";
    private static final String BODY_CRC = "body checksum mismatch";
    private static final String PAST_END = "record runs past the end of the segment";
    private static final String BAD_FIELD = "header field out of range";

    private SegmentImage image;
    private int a;
    private int b;
    private int c;
    private int d;
    private int end;

    @BeforeEach
    void fourRecords() {
        image = new SegmentImage(CAPACITY);
        a = image.put(1, "NS", "a", null, utf8("alp")); // 46 bytes: two of padding
        b = image.put(2, "NS", "b", "{\"m\":true}", value(200, 'b'));
        c = image.put(3, "NS", "c", null, value(90, 'c'));
        d = image.put(4, "NS", "d", null, utf8("delta"));
        end = image.tail();
    }

    private static byte[] value(int length, char fill) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) fill);
        return bytes;
    }

    // ---------------------------------------------------------------- clean cases

    @Test
    void emptySegmentHasNoRecordsAndItsDataEndsAtTheHeader() {
        Scan scan = new SegmentImage(CAPACITY).scan();

        assertThat(scan.recordOffsets()).isEmpty();
        assertThat(scan.damage()).isEmpty();
        assertThat(scan.validEnd()).isEqualTo(SEGMENT_HEADER_LENGTH);
    }

    @Test
    void zeroFilledTailEndsTheDataWithoutDamage() {
        Scan scan = image.scan();

        assertThat(scan.recordOffsets()).containsExactly(a, b, c, d);
        assertThat(scan.damage()).isEmpty();
        assertThat(scan.validEnd()).isEqualTo(end);
    }

    @Test
    void recordEndingExactlyAtTheLimitIsFound() {
        Scan scan = image.scan(end);

        assertThat(scan.recordOffsets()).containsExactly(a, b, c, d);
        assertThat(scan.validEnd()).isEqualTo(end);
    }

    @Test
    void recordRunningPastTheLimitIsLeftOut() {
        Scan scan = image.scan(end - ALIGNMENT);

        assertThat(scan.recordOffsets()).containsExactly(a, b, c);
        assertThat(scan.damage()).isEmpty();
        assertThat(scan.validEnd()).isEqualTo(d);
    }

    // ---------------------------------------------------------------- the tail

    @Test
    void garbageTailEndsTheDataWithoutDamage() {
        byte[] garbage = new byte[1000];
        new Random(42).nextBytes(garbage);
        image.appendRaw(garbage);

        Scan scan = image.scan();

        assertThat(scan.recordOffsets()).containsExactly(a, b, c, d);
        assertThat(scan.damage()).as("damage with nothing valid after it is a tail, not corruption").isEmpty();
        assertThat(scan.validEnd()).isEqualTo(end);
    }

    @Test
    void tornHeaderAtTheTailIsCut() {
        int e = image.put(5, "NS", "e", null, utf8("echo"));
        wipe(e + 20, CAPACITY - (e + 20)); // the write stopped half-way through the header

        Scan scan = image.scan();

        assertThat(scan.recordOffsets()).containsExactly(a, b, c, d);
        assertThat(scan.damage()).isEmpty();
        assertThat(scan.validEnd()).isEqualTo(e);
    }

    @Test
    void tornPayloadAtTheTailIsCut() {
        int e = image.put(5, "NS", "e", null, value(500, 'e'));
        wipe(e + FIXED_HEADER_LENGTH + 100, CAPACITY - (e + FIXED_HEADER_LENGTH + 100)); // header whole, body cut

        Scan scan = image.scan();

        assertThat(Records.checkHeader(image.buffer, e, CAPACITY, SegmentImage.MASK)).isEqualTo(Records.VALID);
        assertThat(scan.recordOffsets()).containsExactly(a, b, c, d);
        assertThat(scan.damage()).isEmpty();
        assertThat(scan.validEnd()).isEqualTo(e);
    }

    @Test
    void badLengthAtTheTailIsCut() {
        image.buffer.putInt(d + VALUE_LENGTH_OFFSET, Integer.MAX_VALUE, BYTE_ORDER);

        Scan scan = image.scan();

        assertThat(scan.recordOffsets()).containsExactly(a, b, c);
        assertThat(scan.damage()).isEmpty();
        assertThat(scan.validEnd()).isEqualTo(d);
    }

    @Test
    void bodyChecksumMismatchAtTheTailIsCut() {
        image.flipBit(d + FIXED_HEADER_LENGTH + 4, 0);

        Scan scan = image.scan();

        assertThat(scan.recordOffsets()).containsExactly(a, b, c);
        assertThat(scan.damage()).isEmpty();
        assertThat(scan.validEnd()).isEqualTo(d);
    }

    // ---------------------------------------------------------------- the middle

    @Test
    void bodyChecksumMismatchInTheMiddleCostsThatRecordOnly() {
        image.flipBit(Records.valueOffset(image.buffer, b) + 150, 3);

        Scan scan = image.scan();

        assertThat(scan.recordOffsets()).containsExactly(a, c, d);
        assertThat(scan.damage()).containsExactly(new Damage(b, c - b, BODY_CRC));
        assertThat(scan.validEnd()).isEqualTo(end);
    }

    @Test
    void flippedPaddingBitCostsThatRecordOnly() {
        int padding = Records.valueOffset(image.buffer, a) + 3; // "alp" ends here; zeros up to b
        assertThat(padding).isLessThan(b);
        image.flipBit(padding, 7);

        Scan scan = image.scan();

        assertThat(scan.recordOffsets()).containsExactly(b, c, d);
        assertThat(scan.damage()).containsExactly(new Damage(a, b - a, BODY_CRC));
    }

    @Test
    void headerChecksumMismatchInTheMiddleCostsThatRecordOnly() {
        image.flipBit(b + SEQUENCE_OFFSET, 0);

        Scan scan = image.scan();

        assertThat(scan.recordOffsets()).containsExactly(a, c, d);
        assertThat(scan.damage()).containsExactly(new Damage(b, c - b, HEADER_CRC));
        assertThat(scan.validEnd()).isEqualTo(end);
    }

    @Test
    void badLengthPastTheSegmentEndCostsThatRecordOnly() {
        image.buffer.putInt(b + VALUE_LENGTH_OFFSET, Integer.MAX_VALUE, BYTE_ORDER);

        Scan scan = image.scan();

        assertThat(scan.recordOffsets()).containsExactly(a, c, d);
        assertThat(scan.damage()).containsExactly(new Damage(b, c - b, PAST_END));
        assertThat(scan.validEnd()).isEqualTo(end);
    }

    @Test
    void badLengthWithinTheSegmentFailsTheHeaderChecksumAndCostsThatRecordOnly() {
        // Longer by 16: the claimed body now swallows the start of c, which must still be found.
        image.buffer.putInt(b + VALUE_LENGTH_OFFSET, Records.valueLength(image.buffer, b) + 16, BYTE_ORDER);

        Scan scan = image.scan();

        assertThat(scan.recordOffsets()).containsExactly(a, c, d);
        assertThat(scan.damage()).containsExactly(new Damage(b, c - b, HEADER_CRC));
    }

    @Test
    void unknownTypeIsAFieldErrorAndCostsThatRecordOnly() {
        image.buffer.putByte(b + TYPE_OFFSET, (byte) 9);

        Scan scan = image.scan();

        assertThat(scan.recordOffsets()).containsExactly(a, c, d);
        assertThat(scan.damage()).containsExactly(new Damage(b, c - b, BAD_FIELD));
    }

    @Test
    void damagedHeaderInTheMiddleIsSkippedByResynchronisation() {
        wipe(b, FIXED_HEADER_LENGTH); // the whole header gone, the body intact

        Scan scan = image.scan();

        assertThat(scan.recordOffsets()).containsExactly(a, c, d);
        assertThat(scan.damage()).containsExactly(new Damage(b, c - b, BAD_FIELD));
        assertThat(scan.validEnd()).isEqualTo(end);
    }

    @Test
    void zeroedRunInTheMiddleIsOneDamagedRange() {
        wipe(b, d - b); // b and c zeroed: a hole the size of two records

        Scan scan = image.scan();

        assertThat(scan.recordOffsets()).containsExactly(a, d);
        assertThat(scan.damage()).containsExactly(new Damage(b, d - b, BAD_FIELD));
    }

    @Test
    void adjacentDamagedRecordsAreReportedAsOneRange() {
        image.flipBit(Records.valueOffset(image.buffer, b), 1);
        image.flipBit(c + SEQUENCE_OFFSET + 3, 1);

        Scan scan = image.scan();

        assertThat(scan.recordOffsets()).containsExactly(a, d);
        assertThat(scan.damage()).containsExactly(new Damage(b, d - b, BODY_CRC));
    }

    @Test
    void damageInTheFirstRecordStartsAtTheSegmentHeader() {
        image.flipBit(a + HEADER_CRC_OFFSET, 5);

        Scan scan = image.scan();

        assertThat(scan.recordOffsets()).containsExactly(b, c, d);
        assertThat(scan.damage()).containsExactly(new Damage(SEGMENT_HEADER_LENGTH, b - a, HEADER_CRC));
    }

    // ---------------------------------------------------------------- records from elsewhere

    @Test
    void recordCopiedFromAnotherSegmentIsRejected() {
        SegmentImage other = new SegmentImage(CAPACITY);
        int stray = other.append(Checksums.mask(SegmentImage.STORE_ID, 2), TYPE_PUT, 5, NO_EXPIRATION, "NS", "e",
                null, utf8("echo"));
        int copied = image.tail();
        image.appendRaw(other.bytes(stray, other.tail() - stray));
        int f = image.put(6, "NS", "f", null, utf8("foxtrot"));

        Scan scan = image.scan();

        assertThat(scan.recordOffsets()).containsExactly(a, b, c, d, f);
        assertThat(scan.damage()).containsExactly(new Damage(copied, f - copied, HEADER_CRC));
    }

    @Test
    void recordCopiedFromAnotherStoreIsRejected() {
        int copied = image.append(Checksums.mask(~SegmentImage.STORE_ID, SegmentImage.SEGMENT_ID), TYPE_PUT, 5,
                NO_EXPIRATION, "NS", "e", null, utf8("echo"));
        int f = image.put(6, "NS", "f", null, utf8("foxtrot"));

        Scan scan = image.scan();

        assertThat(scan.recordOffsets()).containsExactly(a, b, c, d, f);
        assertThat(scan.damage()).containsExactly(new Damage(copied, f - copied, HEADER_CRC));
    }

    @Test
    void strayRecordFromElsewhereAtTheTailIsCut() {
        image.append(Checksums.mask(SegmentImage.STORE_ID, 2), TYPE_PUT, 5, NO_EXPIRATION, "NS", "e", null,
                utf8("echo"));

        Scan scan = image.scan();

        assertThat(scan.recordOffsets()).containsExactly(a, b, c, d);
        assertThat(scan.damage()).isEmpty();
        assertThat(scan.validEnd()).isEqualTo(end);
    }

    private void wipe(int offset, int length) {
        image.buffer.setMemory(offset, length, (byte) 0);
    }
}
