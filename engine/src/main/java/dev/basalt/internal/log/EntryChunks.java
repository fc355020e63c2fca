package dev.basalt.internal.log;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.agrona.collections.IntArrayList;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The hint entries a {@link HintFile.Builder} added itself, in off-heap chunks of a fixed size
 * filled in order; an entry never spans two chunks (a chunk's tail stays unused when the next
 * entry does not fit).
 *
 * <p>Why chunks: a buffer that doubles copies everything it held at each growth, into memory
 * the process has never touched. The active segment's hints reach tens of MiB, and on this
 * project's VMs a fresh page costs 12-15 µs to fault in, so the copies cost the replay after a
 * crash 20-200 ms at 200,000 records (measured) and cost a writer, which fills the builder
 * under the append lock, one long stall per growth. Chunks are written once and never move.
 *
 * <p>Positions ({@link #mark}) pack a chunk's index and the bytes used in it into an int:
 * {@value #FILL_BITS} bits of fill, the rest for the index, so 1 MiB chunks give room for 2 GiB
 * of entries, more than a segment's hints can take.
 */
final class EntryChunks {
    static final int DEFAULT_CHUNK_BYTES = 1 << 20;
    private static final int FILL_BITS = 21;
    private final int chunkBytes;
    /** Where a new chunk of the default size comes from: allocated here, or prepared ahead ({@link SpareChunk}). */
    private SpareChunk spare;
    private final List<UnsafeBuffer> chunks = new ArrayList<>();
    /** Bytes used and entries held, per chunk. */
    private final IntArrayList fills = new IntArrayList();
    private final IntArrayList counts = new IntArrayList();

    EntryChunks(int chunkBytes) {
        if (chunkBytes <= 0 || chunkBytes >= 1 << FILL_BITS) {
            throw new IllegalArgumentException("chunk of " + chunkBytes + " bytes; at most " + ((1 << FILL_BITS) - 1));
        }
        this.chunkBytes = chunkBytes;
    }

    /**
     * Room for one entry of {@code length} bytes at the end: returns the offset to write it at in
     * {@link #last()}, and counts it as written.
     */
    int append(int length) {
        if (length > chunkBytes) {
            throw new IllegalArgumentException("hint entry of " + length + " bytes; a chunk holds " + chunkBytes);
        }
        int last = chunks.size() - 1;
        if (last < 0 || fills.getInt(last) + length > chunkBytes) {
            chunks.add(spare != null ? spare.take() : newChunk(chunkBytes));
            fills.addInt(0);
            counts.addInt(0);
            last++;
        }
        int at = fills.getInt(last);
        fills.setInt(last, at + length);
        counts.setInt(last, counts.getInt(last) + 1);
        return at;
    }

    /** A zeroed chunk: direct memory is zeroed when allocated, so every page is faulted in here. */
    static UnsafeBuffer newChunk(int bytes) {
        return new UnsafeBuffer(ByteBuffer.allocateDirect(bytes));
    }

    /** Takes new chunks from {@code spare} from now on (chunks of the default size only). Writer-only. */
    void takeChunksFrom(SpareChunk spare) {
        if (chunkBytes == DEFAULT_CHUNK_BYTES) {
            this.spare = spare;
        }
    }

    /** The chunk the last {@link #append} placed its entry in. */
    UnsafeBuffer last() {
        return chunks.get(chunks.size() - 1);
    }

    int count() {
        return sum(counts);
    }

    /** Summed when asked (a checkpoint, a seal), not kept: a segment fills a few dozen chunks. */
    private static int sum(IntArrayList perChunk) {
        int sum = 0;
        for (int i = 0; i < perChunk.size(); i++) {
            sum += perChunk.getInt(i);
        }
        return sum;
    }

    /** Read-only views of the first {@code n} entries, one per chunk they occupy, in order. */
    List<ByteBuffer> views(int n) {
        List<ByteBuffer> views = new ArrayList<>(chunks.size());
        int left = n;
        for (int i = 0; i < chunks.size() && left > 0; i++) {
            int inChunk = Math.min(left, counts.getInt(i));
            int used = inChunk == counts.getInt(i) ? fills.getInt(i) : HintFile.prefixBytes(chunks.get(i), inChunk);
            views.add(chunks.get(i).byteBuffer().asReadOnlyBuffer().position(0).limit(used));
            left -= inChunk;
        }
        return views;
    }

    /** How many entries describe records that start before {@code recordOffset} (entries are in offset order). */
    int countBefore(int recordOffset) {
        int n = 0;
        for (int i = 0; i < chunks.size(); i++) {
            int inChunk = HintFile.countBefore(chunks.get(i), counts.getInt(i), recordOffset);
            n += inChunk;
            if (inChunk < counts.getInt(i)) {
                break;
            }
        }
        return n;
    }

    /** Where the next entry goes, for {@link #rewind}. */
    int mark() {
        int last = chunks.size() - 1;
        return last < 0 ? 0 : last << FILL_BITS | fills.getInt(last);
    }

    /** Drops every entry appended after {@code mark}, which this object gave. */
    void rewind(int mark) {
        int chunk = mark >>> FILL_BITS;
        int fill = mark & ((1 << FILL_BITS) - 1);
        if (chunks.isEmpty()) {
            return;
        }
        while (chunks.size() > chunk + 1) {
            int last = chunks.size() - 1;
            chunks.remove(last);
            fills.removeAt(last);
            counts.removeAt(last);
        }
        fills.setInt(chunk, fill);
        counts.setInt(chunk, HintFile.countWithin(chunks.get(chunk), fill));
    }
}
