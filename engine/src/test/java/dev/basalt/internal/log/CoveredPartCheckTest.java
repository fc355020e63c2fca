package dev.basalt.internal.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * The covered part of the active segment checked in two halves answers what the check from the
 * start answers, wherever the middle falls and whatever the damage, a value that verifies as a
 * record included.
 */
class CoveredPartCheckTest {
    private static final int CAPACITY = 64 * 1024;

    @Property
    void twoHalvesAgreeWithOneScan(
            @ForAll @Size(min = 1, max = 40) List<@IntRange(max = 600) Integer> valueLengths,
            @ForAll @IntRange(max = 100_000) int middleChoice,
            @ForAll @IntRange(max = 3) int damageKind,
            @ForAll @IntRange(max = 1_000_000) int damageChoice,
            @ForAll @IntRange(max = 16) int endShortBy) {
        SegmentImage image = new SegmentImage(CAPACITY);
        for (int i = 0; i < valueLengths.size(); i++) {
            byte[] value = new byte[valueLengths.get(i)];
            for (int j = 0; j < value.length; j++) {
                value[j] = (byte) (i * 31 + j);
            }
            image.put(i + 1, "NS", "key-" + i, i % 3 == 0 ? "{\"i\":" + i + "}" : null, value);
        }
        int data = image.tail() - LogFormat.SEGMENT_HEADER_LENGTH;
        int at = LogFormat.SEGMENT_HEADER_LENGTH + damageChoice % data;
        switch (damageKind) {
            case 1 -> image.flipBit(at, damageChoice % 8);
            case 2 -> image.buffer.setMemory(at, Math.min(64, image.tail() - at), (byte) 0);
            default -> { } // intact
        }
        long end = image.tail() - (damageKind == 3 ? endShortBy * 8L : 0); // 3: the checkpoint's end is off
        long middle = LogFormat.SEGMENT_HEADER_LENGTH
                + (long) (middleChoice % Math.max(1, data / 8)) * LogFormat.ALIGNMENT;

        String oneScan = CoveredPartCheck.problem(image.buffer, SegmentImage.MASK, end, false);
        String twoHalves = CoveredPartCheck.problem(image.buffer, SegmentImage.MASK, end, middle);

        assertThat(twoHalves).isEqualTo(oneScan);
        if (damageKind == 0) {
            assertThat(oneScan).isNull();
        }
    }

    @Test
    void aValueThatVerifiesAsARecordDoesNotMisleadTheSecondHalf() {
        SegmentImage source = new SegmentImage(4096);
        int fakeAt = source.put(999, "NS", "fake", null, new byte[] {1, 2, 3});
        byte[] fake = source.bytes(fakeAt, source.tail() - fakeAt);
        byte[] value = new byte[fake.length + 40];
        System.arraycopy(fake, 0, value, 0, fake.length);

        SegmentImage image = new SegmentImage(CAPACITY);
        image.put(1, "NS", "first", null, new byte[16]);
        int carrier = image.put(2, "NS", "key-00", null, value);
        List<Integer> after = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            after.add(image.put(3 + i, "NS", "after-" + i, null, new byte[24]));
        }
        int embedded = indexOf(image, fake, carrier);
        assertThat(embedded % LogFormat.ALIGNMENT).as("the copy sits where a record could start").isZero();
        assertThat(image.scan().recordOffsets()).as("one scan from the start sees the carrier, not the copy")
                .containsExactly(LogFormat.SEGMENT_HEADER_LENGTH, carrier, after.get(0), after.get(1), after.get(2),
                        after.get(3), after.get(4));

        // The helper starts inside the carrier's value, where the copy verifies as a record.
        assertThat(CoveredPartCheck.problem(image.buffer, SegmentImage.MASK, image.tail(), (long) embedded)).isNull();
        image.flipBit(after.get(2) + 30, 3);
        assertThat(CoveredPartCheck.problem(image.buffer, SegmentImage.MASK, image.tail(), (long) embedded))
                .isEqualTo(CoveredPartCheck.problem(image.buffer, SegmentImage.MASK, image.tail(), false))
                .contains("at offset " + after.get(2));
    }

    private static int indexOf(SegmentImage image, byte[] bytes, int from) {
        for (int at = from; at + bytes.length <= image.tail(); at++) {
            boolean same = true;
            for (int i = 0; i < bytes.length && same; i++) {
                same = image.buffer.getByte(at + i) == bytes[i];
            }
            if (same) {
                return at;
            }
        }
        throw new AssertionError("copy not found");
    }
}
