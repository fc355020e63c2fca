package dev.basalt.internal.log;

import java.util.concurrent.atomic.AtomicReference;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One chunk of hint entries ({@link EntryChunks}) allocated ahead of the writer that will fill
 * it. The active segment's hints take a new 1 MiB chunk every 20,000 records or so, and fresh
 * direct memory is zeroed and faulted in page by page: 10 % of the writer's time under sustained
 * overwrite at 1 M keys (a profile of the writer thread), all of it under the append lock. The
 * store's work-ahead thread {@link #prepare}s the next chunk; the writer {@link #take}s it, or
 * allocates its own when none is ready.
 *
 * <p>Threads: {@link #take} the writer (under the append lock), {@link #prepare} any other.
 */
final class SpareChunk {
    private final AtomicReference<UnsafeBuffer> spare = new AtomicReference<>();

    /** A zeroed chunk of {@link EntryChunks#DEFAULT_CHUNK_BYTES}: the one prepared, else a new one. */
    UnsafeBuffer take() {
        UnsafeBuffer prepared = spare.getAndSet(null);
        return prepared != null ? prepared : EntryChunks.newChunk(EntryChunks.DEFAULT_CHUNK_BYTES);
    }

    /** Whether a chunk is ready for the next {@link #take}. */
    boolean ready() {
        return spare.get() != null;
    }

    /** Allocates the next chunk, if none is ready. */
    void prepare() {
        if (spare.get() == null) {
            // Zeroed, so every page is faulted in here, not where the writer fills it.
            spare.compareAndSet(null, EntryChunks.newChunk(EntryChunks.DEFAULT_CHUNK_BYTES));
        }
    }
}
