package dev.basalt.internal.listing;

import static org.assertj.core.api.Assertions.assertThat;

import org.agrona.collections.IntArrayList;
import org.junit.jupiter.api.Test;

/** Chunk sizing and addressing of {@link NodeArena}, including far past the doubling chunks. */
class NodeArenaTest {
    @Test
    void chunksDoubleFrom4KiBTo1MiBAndStayThere() {
        assertThat(NodeArena.chunkBytes(0)).isEqualTo(4096);
        assertThat(NodeArena.chunkBytes(1)).isEqualTo(8192);
        assertThat(NodeArena.chunkBytes(7)).isEqualTo(512 << 10);
        long total = 0;
        for (int i = 0; i < NodeArena.MAX_CHUNKS; i++) {
            final int bytes = NodeArena.chunkBytes(i);
            assertThat(bytes).as("chunk " + i).isEqualTo(i < 8 ? 4096 << i : 1 << 20);
            total += bytes;
        }
        assertThat(total).as("addressable bytes").isEqualTo((1L << 20) * (NodeArena.MAX_CHUNKS - 8) + (1 << 20) - 4096);
    }

    @Test
    void nodesDoNotOverlapAcrossSeventyChunks() {
        final NodeArena arena = new NodeArena();
        try {
            final int nodeBytes = NodeLayout.MAX_NODE_BYTES;
            final IntArrayList addresses = new IntArrayList();
            long previous = -1;
            while (arena.offHeapBytes() < 70L << 20) {
                final int address = arena.allocate(nodeBytes);
                final int offset = NodeArena.offset(address);
                assertThat(offset + nodeBytes).isLessThanOrEqualTo(arena.chunk(address).capacity());
                assertThat(Integer.toUnsignedLong(address)).as("bump addresses ascend").isGreaterThan(previous);
                arena.chunk(address).putInt(offset, address);
                arena.chunk(address).putInt(offset + nodeBytes - Integer.BYTES, address);
                previous = Integer.toUnsignedLong(address);
                addresses.addInt(address);
            }
            for (int i = 0; i < addresses.size(); i++) {
                final int address = addresses.getInt(i);
                final int offset = NodeArena.offset(address);
                assertThat(arena.chunk(address).getInt(offset)).isEqualTo(address);
                assertThat(arena.chunk(address).getInt(offset + nodeBytes - Integer.BYTES)).isEqualTo(address);
            }
            assertThat(NodeArena.chunkIndex(addresses.getInt(addresses.size() - 1))).isGreaterThan(64);
        } finally {
            arena.close();
        }
        assertThat(arena.offHeapBytes()).isZero();
    }
}
