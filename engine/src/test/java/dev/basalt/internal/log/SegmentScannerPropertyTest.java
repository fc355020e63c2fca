package dev.basalt.internal.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.internal.log.SegmentImage.Scan;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Random damage, the rung after the named cases: whatever bytes of one record are damaged, and
 * however, the scan loses that record and no other, and reports the damage at that record's
 * offset (or, for the last record, cuts it as the tail).
 */
class SegmentScannerPropertyTest {
    private static final int CAPACITY = 16 * 1024;

    @Property
    void damageInsideOneRecordCostsThatRecordOnly(
            @ForAll @Size(min = 1, max = 20) List<@IntRange(max = 400) Integer> valueLengths,
            @ForAll @IntRange(max = 1000) int victimChoice,
            @ForAll @IntRange(max = 100_000) int startChoice,
            @ForAll @IntRange(min = 1, max = 64) int damagedBytes,
            @ForAll byte xorSeed) {
        SegmentImage image = new SegmentImage(CAPACITY);
        List<Integer> offsets = new ArrayList<>();
        for (int i = 0; i < valueLengths.size(); i++) {
            byte[] value = new byte[valueLengths.get(i)];
            for (int j = 0; j < value.length; j++) {
                value[j] = (byte) (i * 31 + j);
            }
            offsets.add(image.put(i + 1, "NS", "key-" + i, i % 3 == 0 ? "{\"i\":" + i + "}" : null, value));
        }
        int end = image.tail();
        int victim = victimChoice % offsets.size();
        int victimOffset = offsets.get(victim);
        int victimEnd = victim + 1 < offsets.size() ? offsets.get(victim + 1) : end;
        int first = victimOffset + startChoice % (victimEnd - victimOffset);
        int last = Math.min(victimEnd, first + damagedBytes);
        byte xor = xorSeed == 0 ? 1 : xorSeed;
        for (int at = first; at < last; at++) {
            image.buffer.putByte(at, (byte) (image.buffer.getByte(at) ^ xor)); // every damaged byte changes
        }

        Scan scan = image.scan();

        List<Integer> survivors = new ArrayList<>(offsets);
        survivors.remove(victim);
        assertThat(scan.recordOffsets()).isEqualTo(survivors);
        if (victim == offsets.size() - 1) {
            assertThat(scan.damage()).as("damage at the end is a torn tail").isEmpty();
            assertThat(scan.validEnd()).isEqualTo(victimOffset);
        } else {
            assertThat(scan.damage()).singleElement().satisfies(damage -> {
                assertThat(damage.offset()).isEqualTo(victimOffset);
                assertThat(damage.length()).isEqualTo(victimEnd - victimOffset);
            });
            assertThat(scan.validEnd()).isEqualTo(end);
        }
    }
}
