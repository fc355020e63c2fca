package dev.basalt.internal.env;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.agrona.BufferUtil;
import org.junit.jupiter.api.Test;

class FreedMemoryTest {
    @Test
    void oneTurnPerIntervalWhateverTheCallers() {
        AtomicLong nextDue = new AtomicLong(Long.MIN_VALUE);
        long start = 1_000_000_000L;

        assertThat(FreedMemory.claimTurn(nextDue, start)).as("the first ask starts the schedule").isFalse();
        assertThat(FreedMemory.claimTurn(nextDue, start + FreedMemory.INTERVAL_NANOS - 1)).isFalse();
        assertThat(FreedMemory.claimTurn(nextDue, start + FreedMemory.INTERVAL_NANOS)).isTrue();
        assertThat(FreedMemory.claimTurn(nextDue, start + FreedMemory.INTERVAL_NANOS)).isFalse();
        assertThat(FreedMemory.claimTurn(nextDue, start + 2 * FreedMemory.INTERVAL_NANOS)).isTrue();
        assertThat(nextDue.get()).isEqualTo(start + 3 * FreedMemory.INTERVAL_NANOS);
    }

    @Test
    void aTurnIsDueAcrossTheClocksWrapAround() {
        AtomicLong nextDue = new AtomicLong(Long.MAX_VALUE - 5);

        assertThat(FreedMemory.claimTurn(nextDue, Long.MAX_VALUE - 6)).isFalse();
        assertThat(FreedMemory.claimTurn(nextDue, Long.MAX_VALUE + 10)).isTrue();
    }

    /**
     * The reason it exists: memory freed to malloc in blocks that glibc keeps in its arenas
     * leaves the resident set only after a trim. On the Linux machines the project runs on.
     */
    @Test
    void aTrimGivesFreedArenaMemoryBack() throws Exception {
        Path status = Path.of("/proc/self/status");
        assumeTrue(Files.isReadable(status) && FreedMemory.available(), "Linux with glibc");
        // Freed 8 MiB first: glibc raises its mapping threshold to that size, so the blocks below
        // come from an arena, which a free alone does not shrink.
        BufferUtil.free(ByteBuffer.allocateDirect(8 << 20));
        ByteBuffer[] blocks = new ByteBuffer[64];
        for (int i = 0; i < blocks.length; i++) {
            blocks[i] = ByteBuffer.allocateDirect(1 << 20); // zeroed: every page touched
        }
        ByteBuffer last = ByteBuffer.allocateDirect(4096); // keeps the arena's top in use
        for (int i = 0; i < blocks.length - 1; i++) {
            BufferUtil.free(blocks[i]);
        }
        long beforeTrim = anonymousResidentBytes(status);

        assertThat(FreedMemory.release()).isTrue();

        long afterTrim = anonymousResidentBytes(status);
        assertThat(beforeTrim - afterTrim).isGreaterThan(32L << 20);
        BufferUtil.free(blocks[blocks.length - 1]);
        BufferUtil.free(last);
    }

    private static long anonymousResidentBytes(Path status) throws Exception {
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("RssAnon:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new AssertionError("no RssAnon in " + status);
    }
}
