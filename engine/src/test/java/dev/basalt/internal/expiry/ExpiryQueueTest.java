package dev.basalt.internal.expiry;

import static dev.basalt.internal.expiry.ExpiryQueue.NEVER_DUE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Named cases for {@link ExpiryQueue}; the model test covers random mixes. */
class ExpiryQueueTest {
    /** Four entries a chunk, so a few dozen adds cross many chunk boundaries. */
    private static final int TINY_CHUNK_SHIFT = 2;

    /** One polled entry. */
    record Polled(long expirationEpochSeconds, int namespaceId, long keyHash, long location) {
    }

    @Test
    void emptyQueueHasNothingDueAndHoldsNoMemory() {
        try (ExpiryQueue queue = new ExpiryQueue()) {
            assertThat(queue.size()).isZero();
            assertThat(queue.peekExpiration()).isEqualTo(NEVER_DUE);
            assertThat(queue.offHeapBytes()).isZero();
            assertThat(pollAll(queue, Long.MAX_VALUE, 10)).isEmpty();
            assertThat(queue.removeIf((e, ns, h, l) -> true)).isZero();
            queue.verifyInvariants();
        }
    }

    @Test
    void pollsInExpirationOrderAndOnlyWhatIsDue() {
        try (ExpiryQueue queue = new ExpiryQueue()) {
            final List<Long> expirations = new ArrayList<>();
            for (long e = 1; e <= 200; e++) {
                expirations.add(1_700_000_000L + e);
            }
            Collections.shuffle(expirations, new Random(42));
            long location = 1;
            for (long e : expirations) {
                queue.add(e, 7, e * 31, location++);
            }
            assertThat(queue.peekExpiration()).isEqualTo(1_700_000_001L);

            final List<Polled> due = pollAll(queue, 1_700_000_100L, Integer.MAX_VALUE);
            assertThat(due).extracting(Polled::expirationEpochSeconds)
                .containsExactlyElementsOf(range(1_700_000_001L, 1_700_000_100L));
            assertThat(due).allSatisfy(p -> assertThat(p.keyHash()).isEqualTo(p.expirationEpochSeconds() * 31));
            assertThat(queue.size()).isEqualTo(100);
            assertThat(queue.peekExpiration()).isEqualTo(1_700_000_101L);
            queue.verifyInvariants();
        }
    }

    @Test
    void tiesOnTheSecondComeOutByLocationThenNamespaceThenHash() {
        try (ExpiryQueue queue = new ExpiryQueue()) {
            queue.add(50, 2, 9, 30);
            queue.add(50, 1, 9, 20);
            queue.add(50, 1, 8, 20);
            queue.add(50, 3, 1, 10);
            queue.add(49, 9, 9, 99);
            assertThat(pollAll(queue, 50, 10)).containsExactly(
                new Polled(49, 9, 9, 99),
                new Polled(50, 3, 1, 10),
                new Polled(50, 1, 8, 20),
                new Polled(50, 1, 9, 20),
                new Polled(50, 2, 9, 30));
        }
    }

    @Test
    void pollDueHandsOverAtMostMaxEntriesPerCall() {
        try (ExpiryQueue queue = new ExpiryQueue()) {
            for (int i = 0; i < 10; i++) {
                queue.add(100 + i, 0, i + 1, i);
            }
            queue.add(1_000, 0, 99, 99);
            assertThat(queue.pollDue(500, 0, (e, ns, h, l) -> {
                throw new AssertionError("maxEntries=0 hands nothing over");
            })).isZero();
            final List<Integer> counts = new ArrayList<>();
            final List<Polled> polled = new ArrayList<>();
            for (int call = 0; call < 5; call++) {
                counts.add(queue.pollDue(500, 3, (e, ns, h, l) -> polled.add(new Polled(e, ns, h, l))));
            }
            assertThat(counts).containsExactly(3, 3, 3, 1, 0);
            assertThat(polled).extracting(Polled::expirationEpochSeconds)
                .containsExactlyElementsOf(range(100, 109));
            assertThat(queue.size()).isEqualTo(1);
            assertThat(queue.peekExpiration()).isEqualTo(1_000);
            assertThatThrownBy(() -> queue.pollDue(500, -1, (e, ns, h, l) -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxEntries=-1");
        }
    }

    @Test
    void growsAcrossChunksWithoutMovingEntriesAndShrinksAsItDrains() {
        try (ExpiryQueue queue = new ExpiryQueue(TINY_CHUNK_SHIFT)) {
            final Random random = new Random(7);
            for (int i = 0; i < 101; i++) {
                queue.add(random.nextInt(50), i % 3, i + 1, i);
                queue.verifyInvariants();
            }
            // Entries 0..100 sit in slots 3..103: chunks 0..25 of four slots.
            assertThat(queue.chunkCount()).isEqualTo(26);
            assertThat(queue.offHeapBytes()).isEqualTo(26L * (4 * 32 + 63));

            final List<Polled> polled = pollAll(queue, 24, Integer.MAX_VALUE);
            assertThat(polled).extracting(Polled::expirationEpochSeconds).isSorted();
            queue.verifyInvariants(); // at most one spare chunk after the drain
            assertThat(pollAll(queue, Long.MAX_VALUE, Integer.MAX_VALUE)).extracting(Polled::expirationEpochSeconds)
                .isSorted().allSatisfy(e -> assertThat(e).isGreaterThan(24));
            assertThat(queue.size()).isZero();
            assertThat(queue.chunkCount()).isEqualTo(1);
        }
    }

    @Test
    void removeIfKeepsOnlyLiveEntriesInHeapOrder() {
        try (ExpiryQueue queue = new ExpiryQueue(TINY_CHUNK_SHIFT)) {
            final Random random = new Random(11);
            for (long location = 0; location < 1_000; location++) {
                queue.add(random.nextInt(10_000), 1, location + 1, location);
            }
            final long removed = queue.removeIf((e, ns, h, location) -> location % 3 != 0);
            assertThat(removed).isEqualTo(1_000 - 334);
            assertThat(queue.size()).isEqualTo(334);
            queue.verifyInvariants();
            final List<Polled> rest = pollAll(queue, Long.MAX_VALUE, Integer.MAX_VALUE);
            assertThat(rest).hasSize(334).allSatisfy(p -> assertThat(p.location() % 3).isZero());
            assertThat(rest).extracting(Polled::expirationEpochSeconds).isSorted();

            queue.add(5, 1, 1, 1);
            assertThat(queue.removeIf((e, ns, h, l) -> true)).isEqualTo(1);
            assertThat(queue.peekExpiration()).isEqualTo(NEVER_DUE);
        }
    }

    @Test
    void removeIfWhosePredicateThrowsKeepsTheUnjudgedEntries() {
        try (ExpiryQueue queue = new ExpiryQueue(TINY_CHUNK_SHIFT)) {
            for (long location = 0; location < 40; location++) {
                queue.add(100 - location, 0, location + 1, location);
            }
            final int[] judged = {0};
            assertThatThrownBy(() -> queue.removeIf((e, ns, h, l) -> {
                if (++judged[0] == 21) {
                    throw new IllegalStateException("predicate failed");
                }
                return true;
            })).hasMessage("predicate failed");
            assertThat(queue.size()).isEqualTo(20);
            queue.verifyInvariants();
            assertThat(pollAll(queue, Long.MAX_VALUE, 100)).extracting(Polled::expirationEpochSeconds).isSorted();
        }
    }

    @Test
    void aConsumerThatThrowsLosesOnlyItsEntryAndOneThatAddsIsFine() {
        try (ExpiryQueue queue = new ExpiryQueue(TINY_CHUNK_SHIFT)) {
            for (int i = 0; i < 10; i++) {
                queue.add(10 + i, 0, i + 1, i);
            }
            assertThatThrownBy(() -> queue.pollDue(100, 5, (e, ns, h, l) -> {
                throw new IllegalStateException("purge failed");
            })).hasMessage("purge failed");
            assertThat(queue.size()).isEqualTo(9);
            assertThat(queue.peekExpiration()).isEqualTo(11);
            queue.verifyInvariants();

            // Re-queueing from inside the consumer (a later expiration) keeps the heap valid.
            assertThat(queue.pollDue(12, 10, (e, ns, h, l) -> queue.add(e + 100, ns, h, l + 100))).isEqualTo(2);
            assertThat(queue.size()).isEqualTo(9);
            queue.verifyInvariants();
        }
    }

    @Test
    void clearEmptiesButKeepsOneChunkForTheNextAdds() {
        try (ExpiryQueue queue = new ExpiryQueue(TINY_CHUNK_SHIFT)) {
            for (int i = 0; i < 30; i++) {
                queue.add(i, 0, i + 1, i);
            }
            queue.clear();
            assertThat(queue.size()).isZero();
            assertThat(queue.peekExpiration()).isEqualTo(NEVER_DUE);
            assertThat(queue.chunkCount()).isEqualTo(1);
            queue.add(3, 0, 1, 1);
            assertThat(pollAll(queue, 3, 10)).containsExactly(new Polled(3, 0, 1, 1));
        }
    }

    @Test
    void closeIsIdempotentAndFreesEverything() {
        final ExpiryQueue queue = new ExpiryQueue(TINY_CHUNK_SHIFT);
        for (int i = 0; i < 30; i++) {
            queue.add(i, 0, i + 1, i);
        }
        queue.close();
        queue.close();
        assertThat(queue.size()).isZero();
        assertThat(queue.offHeapBytes()).isZero();
        assertThat(queue.peekExpiration()).isEqualTo(NEVER_DUE);
        assertThatThrownBy(() -> queue.add(1, 0, 1, 1))
            .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> queue.pollDue(1, 1, (e, ns, h, l) -> { }))
            .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> queue.removeIf((e, ns, h, l) -> true)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(queue::clear).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void rejectsChunkSizesOutsideTheLimits() {
        assertThatThrownBy(() -> new ExpiryQueue(1)).hasMessageContaining("chunkShift=1");
        assertThatThrownBy(() -> new ExpiryQueue(26)).hasMessageContaining("chunkShift=26");
    }

    /** The memory figure: bytes per queued entry at 1,000,000 entries, measured, and at 10,000,000, computed. */
    @Test
    void aMillionEntriesTakeAbout32BytesEach() {
        try (ExpiryQueue queue = new ExpiryQueue()) {
            final Random random = new Random(1);
            final long nowEpochSeconds = 1_700_000_000L;
            for (long location = 0; location < 1_000_000; location++) {
                queue.add(nowEpochSeconds + 60 + random.nextInt(86_400), random.nextInt(4), random.nextLong(), location);
            }
            final double bytesPerEntry = (double) queue.offHeapBytes() / queue.size();
            assertThat(queue.offHeapBytes()).isEqualTo(ExpiryQueue.offHeapBytesForEntries(1_000_000))
                .isEqualTo(31L * (32_768 * 32 + 63)); // 32,507,809 bytes
            assertThat(bytesPerEntry).isLessThanOrEqualTo(40.0).isBetween(32.5, 32.51);
            assertThat((double) ExpiryQueue.offHeapBytesForEntries(10_000_000) / 10_000_000).isBetween(32.08, 32.09);

            final List<Polled> batch = pollAll(queue, Long.MAX_VALUE, 1_000);
            assertThat(batch).hasSize(1_000).extracting(Polled::expirationEpochSeconds).isSorted();
            assertThat(queue.size()).isEqualTo(999_000);
        }
    }

    private static List<Polled> pollAll(ExpiryQueue queue, long nowEpochSeconds, int maxEntries) {
        final List<Polled> polled = new ArrayList<>();
        final int count = queue.pollDue(nowEpochSeconds, maxEntries, (e, ns, h, l) -> polled.add(new Polled(e, ns, h, l)));
        assertThat(count).isEqualTo(polled.size());
        return polled;
    }

    private static List<Long> range(long firstInclusive, long lastInclusive) {
        final List<Long> values = new ArrayList<>();
        for (long v = firstInclusive; v <= lastInclusive; v++) {
            values.add(v);
        }
        return values;
    }
}
