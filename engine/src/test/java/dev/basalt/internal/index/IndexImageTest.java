package dev.basalt.internal.index;

import static dev.basalt.internal.index.KeyBook.buffer;
import static dev.basalt.internal.index.KeyBook.hash;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** A restored table taking memory of its own: copied as it is, or grown when near its growth. */
class IndexImageTest {
    private final KeyBook book = new KeyBook();
    private final Map<String, Long> locations = new HashMap<>();

    @Test
    void aTableNearItsGrowthIsGrownOnceInsteadOfCopied() throws IOException {
        try (HashIndex restored = restoredAt(0.6)) {
            int capacity = restored.table().capacitySlots;
            IndexImage.ownMemory(restored, IndexImage.UNKNOWN);
            assertThat(restored.table().capacitySlots).isEqualTo(SlotTable.nextCapacity(capacity));
            assertEveryKeyFound(restored);
        }
    }

    @Test
    void aTableFarFromItsGrowthKeepsItsSize() throws IOException {
        try (HashIndex restored = restoredAt(0.55)) {
            int capacity = restored.table().capacitySlots;
            IndexImage.ownMemory(restored, IndexImage.UNKNOWN);
            assertThat(restored.table().capacitySlots).isEqualTo(capacity);
            assertEveryKeyFound(restored);
        }
    }

    @Test
    void aTableTheWriterExpectsToOutgrowIsGrownOnceToTheSizeItWillNeed() throws IOException {
        try (HashIndex restored = restoredAt(0.55)) {
            long expected = 3L * restored.table().capacitySlots;
            IndexImage.ownMemory(restored, expected);
            assertThat(restored.table().capacitySlots).isEqualTo(SlotTable.capacityForKeys(expected))
                    .isGreaterThan(SlotTable.nextCapacity(SlotTable.nextCapacity(SlotTable.capacityForKeys(
                            restored.size()))));
            assertEveryKeyFound(restored);
        }
    }

    @Test
    void aTableNearItsGrowthThatTheWriterExpectsToHoldItsKeysKeepsItsSize() throws IOException {
        try (HashIndex restored = restoredAt(0.65)) {
            int capacity = restored.table().capacitySlots;
            IndexImage.ownMemory(restored, restored.size() + 10);
            assertThat(restored.table().capacitySlots).isEqualTo(capacity);
            assertEveryKeyFound(restored);
        }
    }

    /** An index filled to {@code load} of a fixed table, its slots copied out and restored. */
    private HashIndex restoredAt(double load) throws IOException {
        try (HashIndex original = new HashIndex(10_000)) {
            int capacity = original.table().capacitySlots;
            for (int i = 0; original.size() < (int) Math.ceil(capacity * load); i++) {
                UnsafeBuffer key = buffer("key-" + i);
                long location = book.write(key);
                original.put(hash(key), key, 0, key.capacity(), location, book);
                locations.put("key-" + i, location);
            }
            assertThat(original.table().capacitySlots).isEqualTo(capacity);
            List<ByteBuffer> chunks = new ArrayList<>();
            IndexImage.copyOut(original, chunk -> {
                ByteBuffer copy = ByteBuffer.allocateDirect(chunk.remaining());
                chunks.add(copy.put(chunk.duplicate()).flip());
            });
            return IndexImage.restore(IndexImage.shape(original), chunks.toArray(ByteBuffer[]::new));
        }
    }

    private void assertEveryKeyFound(HashIndex index) {
        assertThat(index.size()).isEqualTo(locations.size());
        locations.forEach((name, location) -> {
            UnsafeBuffer key = buffer(name);
            assertThat(index.get(hash(key), key, 0, key.capacity(), book)).isEqualTo(location);
        });
        index.verifyInvariants();
    }
}
