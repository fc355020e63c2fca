package dev.basalt.internal.env;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * {@link TrackedCopy} and {@link WriteTrail}: a copy taken while a writer stores into the memory
 * comes out equal to the memory once finished, whether the trail caught up, overflowed, or the
 * memory was replaced; and with a real writer thread racing the copy.
 */
class TrackedCopyTest {
    private static final int CHUNK_BYTES = 64 * 1024;

    @Test
    void storesAfterTheCopyingAreCopiedAgainAtTheFinish() {
        Memory memory = new Memory(3);
        memory.fill(new SplittableRandom(1), 1000);
        TrackedCopy copy = memory.startCopy();
        memory.fill(new SplittableRandom(2), 50); // before the copying: caught by the copying itself
        try (CopySpace space = new CopySpace()) {
            copy.copy(space);
            memory.fill(new SplittableRandom(3), 50); // after it: only the trail knows
            assertThat(copy.trailedRanges()).isEqualTo(100);

            UnsafeBuffer[] exact = copy.finish(memory.chunks, space);

            assertThat(bytes(exact)).isEqualTo(bytes(memory.chunks));
            assertThat(copy.trailedRanges()).as("the trail let go at the finish").isZero();
            memory.fill(new SplittableRandom(4), 10);
            assertThat(copy.trailedRanges()).as("nothing recorded after the finish").isZero();
            free(exact);
        }
    }

    @Test
    void chunksAddedSinceTheStartAreCopiedWhole() {
        Memory memory = new Memory(1);
        TrackedCopy copy = memory.startCopy();
        try (CopySpace space = new CopySpace()) {
            copy.copy(space);
            memory.addChunk();
            memory.fill(new SplittableRandom(5), 200); // lands in both chunks

            UnsafeBuffer[] exact = copy.finish(memory.chunks, space);

            assertThat(exact).hasSize(2);
            assertThat(bytes(exact)).isEqualTo(bytes(memory.chunks));
            free(exact);
        }
    }

    @Test
    void aCatchUpCopiesTheTrailUpToItsMarkAndTheAddedChunksSoTheFinishCopiesOnlyWhatCameAfter() {
        Memory memory = new Memory(2);
        TrackedCopy copy = memory.startCopy();
        try (CopySpace space = new CopySpace()) {
            copy.copy(space);
            memory.fill(new SplittableRandom(8), 300);
            memory.addChunk();
            memory.fill(new SplittableRandom(9), 300); // lands in the added chunk too
            TrackedCopy.Mark first = copy.mark(memory.chunks);
            memory.fill(new SplittableRandom(10), 40); // after the mark, before the catch-up
            copy.catchUp(first, space);
            memory.addChunk();
            memory.fill(new SplittableRandom(11), 40);
            TrackedCopy.Mark second = copy.mark(memory.chunks);
            copy.catchUp(second, space);
            memory.fill(new SplittableRandom(12), 25);
            List<String> replayed = new ArrayList<>();
            copy.trail().forEach(680, (chunk, offset, length) -> replayed.add(chunk + ":" + offset));

            UnsafeBuffer[] exact = copy.finish(memory.chunks, space);

            assertThat(replayed).as("the ranges after the second mark").hasSize(25);
            assertThat(exact).hasSize(4);
            assertThat(bytes(exact)).isEqualTo(bytes(memory.chunks));
            free(exact);
        }
    }

    @Test
    void aCatchUpOfReplacedMemoryOrAnOverflowedTrailDoesNothingAndTheFinishCopiesWhole() {
        Memory memory = new Memory(2);
        TrackedCopy copy = memory.startCopy();
        try (CopySpace space = new CopySpace()) {
            copy.copy(space);
            UnsafeBuffer[] other = {new UnsafeBuffer(ByteBuffer.allocateDirect(CHUNK_BYTES)), memory.chunks[1]};
            other[0].putLong(0, 42);
            copy.catchUp(copy.mark(other), space);
            assertThat(copy.follows(other)).isFalse();
            for (int i = 0; i <= WriteTrail.MAX_RANGES; i++) {
                copy.trail().wrote(0, 8 * (i % 100), 8);
            }
            memory.fill(new SplittableRandom(13), 10);
            copy.catchUp(copy.mark(memory.chunks), space); // overflowed: nothing to catch up from

            UnsafeBuffer[] exact = copy.finish(memory.chunks, space);

            assertThat(bytes(exact)).isEqualTo(bytes(memory.chunks));
            free(exact);
            free(new UnsafeBuffer[] {other[0]});
        }
    }

    @Test
    void replacedMemoryOrAnOverflowedTrailIsCopiedWholeUnderTheLock() {
        Memory memory = new Memory(2);
        TrackedCopy replaced = memory.startCopy();
        TrackedCopy overflowed = memory.startCopy();
        try (CopySpace space = new CopySpace()) {
            replaced.copy(space);
            overflowed.copy(space);
            for (int i = 0; i <= WriteTrail.MAX_RANGES; i++) {
                overflowed.trail().wrote(0, 8 * (i % 100), 8);
            }
            assertThat(overflowed.trail().overflowed()).isTrue();
            memory.fill(new SplittableRandom(6), 100); // recorded in neither trail
            UnsafeBuffer[] other = {memory.chunks[0], new UnsafeBuffer(ByteBuffer.allocateDirect(CHUNK_BYTES))};

            UnsafeBuffer[] fromOverflow = overflowed.finish(memory.chunks, space);
            UnsafeBuffer[] fromReplaced = replaced.finish(other, space);

            assertThat(bytes(fromOverflow)).isEqualTo(bytes(memory.chunks));
            assertThat(bytes(fromReplaced)).isEqualTo(bytes(other));
            free(fromOverflow);
            free(fromReplaced);
            free(new UnsafeBuffer[] {other[1]});
        }
    }

    @Test
    void aLongStoreIsRecordedAsSeveralRanges() {
        WriteTrail trail = new WriteTrail();
        trail.wrote(7, 100, 2 * WriteTrail.MAX_RANGE_BYTES + 10);
        List<String> ranges = new ArrayList<>();
        trail.forEach((chunk, offset, length) -> ranges.add(chunk + ":" + offset + "+" + length));
        int max = WriteTrail.MAX_RANGE_BYTES;
        assertThat(ranges).containsExactly("7:100+" + max, "7:" + (100 + max) + "+" + max,
                "7:" + (100 + 2 * max) + "+10");
    }

    @Test
    void aCopyRacingAWriterThreadComesOutExact() throws Exception {
        Memory memory = new Memory(4);
        ReentrantLock writers = new ReentrantLock();
        AtomicBoolean stop = new AtomicBoolean();
        Thread writer = new Thread(() -> {
            SplittableRandom random = new SplittableRandom(7);
            while (!stop.get()) {
                writers.lock();
                try {
                    memory.fill(random, 16);
                } finally {
                    writers.unlock();
                }
            }
        }, "tracked-copy-writer");
        writer.start();
        try {
            for (int round = 0; round < 50; round++) {
                try (CopySpace space = new CopySpace()) {
                    TrackedCopy copy;
                    writers.lock();
                    try {
                        copy = memory.startCopy();
                    } finally {
                        writers.unlock();
                    }
                    copy.copy(space);
                    for (int catchUps = round % 3; catchUps > 0; catchUps--) { // none, one or two
                        TrackedCopy.Mark mark;
                        writers.lock();
                        try {
                            mark = copy.mark(memory.chunks);
                        } finally {
                            writers.unlock();
                        }
                        copy.catchUp(mark, space);
                    }
                    writers.lock();
                    try {
                        UnsafeBuffer[] exact = copy.finish(memory.chunks, space);
                        memory.trail = null;
                        assertThat(bytes(exact)).as("round " + round).isEqualTo(bytes(memory.chunks));
                        free(exact);
                    } finally {
                        writers.unlock();
                    }
                }
            }
        } finally {
            stop.set(true);
            writer.join();
            memory.free();
        }
    }

    /** Chunked memory with one writer that records its stores, as a slot table or arena does. */
    private static final class Memory {
        UnsafeBuffer[] chunks;
        WriteTrail trail;

        Memory(int chunkCount) {
            chunks = new UnsafeBuffer[0];
            for (int i = 0; i < chunkCount; i++) {
                addChunk();
            }
        }

        void addChunk() {
            chunks = java.util.Arrays.copyOf(chunks, chunks.length + 1);
            chunks[chunks.length - 1] = new UnsafeBuffer(ByteBuffer.allocateDirect(CHUNK_BYTES));
        }

        TrackedCopy startCopy() {
            TrackedCopy copy = new TrackedCopy(chunks);
            trail = copy.trail();
            return copy;
        }

        /** Stores random longs at random aligned places, each recorded in the trail if one runs. */
        void fill(SplittableRandom random, int stores) {
            for (int i = 0; i < stores; i++) {
                int chunk = random.nextInt(chunks.length);
                int offset = random.nextInt(CHUNK_BYTES / Long.BYTES) * Long.BYTES;
                chunks[chunk].putLongRelease(offset, random.nextLong());
                if (trail != null) {
                    trail.wrote(chunk, offset, Long.BYTES);
                }
            }
        }

        void free() {
            TrackedCopyTest.free(chunks);
        }
    }

    private static byte[] bytes(UnsafeBuffer[] chunks) {
        int total = 0;
        for (UnsafeBuffer chunk : chunks) {
            total += chunk.capacity();
        }
        byte[] all = new byte[total];
        int at = 0;
        for (UnsafeBuffer chunk : chunks) {
            chunk.getBytes(0, all, at, chunk.capacity());
            at += chunk.capacity();
        }
        return all;
    }

    private static void free(UnsafeBuffer[] chunks) {
        for (UnsafeBuffer chunk : chunks) {
            org.agrona.BufferUtil.free(chunk.byteBuffer());
        }
    }
}
