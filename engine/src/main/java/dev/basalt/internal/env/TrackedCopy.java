package dev.basalt.internal.env;

import java.nio.ByteBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A copy of chunked memory (a slot table's chunks, a listing arena's) taken while its single
 * writer goes on writing, and made exact afterwards under the writers' lock. This is how a
 * checkpoint copies 530 MB at 10,000,000 keys and holds the writers for milliseconds only:
 * copying it all under the lock stopped them for 46 to 121 ms each time.
 *
 * <ol>
 *   <li>{@link #TrackedCopy} under the lock, by the memory's owner, which from then on records
 *       each store into its chunks in {@link #trail()};</li>
 *   <li>{@link #copy} without the lock: a byte copy of every chunk. A range the writer stores
 *       into meanwhile may come out torn or stale, but every such range is in the trail;</li>
 *   <li>optionally, any number of times: {@link #mark} under the lock, then {@link #catchUp}
 *       without it: the ranges recorded up to the mark are copied once more, and the chunks
 *       added by then whole, so that the finish copies only what was stored after the mark
 *       (a checkpoint during a load: 150,000 to 650,000 ranges and several new chunks otherwise
 *       copied with the writers stopped);</li>
 *   <li>{@link #finish} under the lock again: each range in the trail is copied once more, from
 *       memory that no longer changes, and chunks added since the start are copied whole. Every
 *       byte of the result then equals the memory's, because a byte the writer did not store
 *       into since the start did not change while it was copied.</li>
 * </ol>
 *
 * The copy falls back to copying everything under the lock (correct, only slower) when the
 * trail overflowed, or when the memory is no longer the one the copy started from (the owner
 * replaced a chunk: a hash table grew into a new table, say).
 *
 * <p>The caller keeps the memory alive from {@link #copy} to its end (it is only read). The
 * buffers of the result belong to the caller; {@link #discard} frees those of a copy never
 * finished. One thread, the checkpoint's, runs the three steps.
 */
public final class TrackedCopy {
    /** The memory's chunks this copy covers: the start's, and those a {@link #catchUp} added. */
    private UnsafeBuffer[] source;
    private final WriteTrail trail = new WriteTrail();
    private UnsafeBuffer[] copies;
    /** The trail's ranges before this one are copied again already ({@link #catchUp}). */
    private int caughtUpTo;

    /** Where the trail stood and which chunks the memory had, at a {@link #mark}. */
    public static final class Mark {
        private final WriteTrail.Recorded recorded;
        private final UnsafeBuffer[] chunks;

        private Mark(WriteTrail.Recorded recorded, UnsafeBuffer[] chunks) {
            this.recorded = recorded;
            this.chunks = chunks;
        }
    }

    /** Starts a copy of {@code chunks}; the owner records its stores in {@link #trail()} from here on. */
    public TrackedCopy(UnsafeBuffer[] chunks) {
        this.source = chunks.clone();
    }

    /** Where the memory's writer records what it stores from now until {@link #finish}. */
    public WriteTrail trail() {
        return trail;
    }

    /** Copies every chunk as it stands, in buffers from {@code space}; without the lock. Again: a fresh copy. */
    public void copy(CopySpace space) {
        UnsafeBuffer[] fresh = space.copyOf(source);
        freeCopies();
        copies = fresh;
    }

    /** Where the trail stands and {@code chunks}, the memory's chunks now; under the lock, after {@link #copy}. */
    public Mark mark(UnsafeBuffer[] chunks) {
        return new Mark(trail.recorded(), chunks.clone());
    }

    /** Whether {@code chunks} are still the memory this copy started from, perhaps with chunks added. */
    public boolean follows(UnsafeBuffer[] chunks) {
        return startsWithSource(chunks);
    }

    /**
     * Without the lock: copies once more the ranges the trail recorded up to {@code mark} (since
     * the last catch-up), and whole the chunks the memory gained by then, from {@code space}.
     * Nothing when the trail had overflowed or the memory was replaced: {@link #finish} copies
     * in full then. Every byte is then as it was at the mark or stored since, and so recorded
     * after it.
     */
    public void catchUp(Mark mark, CopySpace space) {
        if (copies == null || mark.recorded == null || !startsWithSource(mark.chunks)) {
            return;
        }
        copyRecorded(mark.recorded);
        copies = withChunksAdded(mark.chunks, space);
        source = mark.chunks;
        caughtUpTo = mark.recorded.size();
    }

    /**
     * The exact copy of {@code chunks} (the memory as it is now, which must be the start's
     * chunks with perhaps more after them), in buffers from {@code space}; under the lock.
     * Stops the trail.
     */
    public UnsafeBuffer[] finish(UnsafeBuffer[] chunks, CopySpace space) {
        try {
            if (copies == null || trail.overflowed() || !startsWithSource(chunks)) {
                discard();
                return space.copyOf(chunks);
            }
            copyRecorded(trail.recorded());
            UnsafeBuffer[] exact = withChunksAdded(chunks, space);
            copies = null;
            return exact;
        } finally {
            trail.close();
        }
    }

    /**
     * Copies again the ranges recorded since the last catch-up, into the chunks the copies have
     * (a chunk added since is copied whole by {@link #withChunksAdded}). The finish under the
     * lock shares this code with the catch-ups before it, so its first run in a process does not
     * link a lambda there.
     */
    private void copyRecorded(WriteTrail.Recorded recorded) {
        UnsafeBuffer[] from = source;
        UnsafeBuffer[] into = copies;
        recorded.forEach(caughtUpTo, (chunk, offset, length) -> {
            if (chunk < into.length) {
                into[chunk].putBytes(offset, from[chunk], offset, length);
            }
        });
    }

    /** The copies, with whole copies of the chunks of {@code chunks} added after them, from {@code space}. */
    private UnsafeBuffer[] withChunksAdded(UnsafeBuffer[] chunks, CopySpace space) {
        if (chunks.length <= copies.length) {
            return copies;
        }
        UnsafeBuffer[] grown = java.util.Arrays.copyOf(copies, chunks.length);
        for (int i = copies.length; i < grown.length; i++) {
            grown[i] = new UnsafeBuffer(space.take(chunks[i].capacity()));
            grown[i].putBytes(0, chunks[i], 0, chunks[i].capacity());
        }
        return grown;
    }

    /** Ranges the trail recorded (0 once finished); for tests and events. */
    public int trailedRanges() {
        return trail.size();
    }

    /** Frees what {@link #copy} took and stops the trail; for a copy that is not finished. Idempotent. */
    public void discard() {
        trail.close();
        freeCopies();
    }

    private void freeCopies() {
        if (copies != null) {
            for (UnsafeBuffer copy : copies) {
                ByteBuffer buffer = copy.byteBuffer();
                DirectMemory.free(buffer);
            }
            copies = null;
        }
    }

    private boolean startsWithSource(UnsafeBuffer[] chunks) {
        if (chunks.length < source.length) {
            return false;
        }
        for (int i = 0; i < source.length; i++) {
            if (chunks[i] != source[i]) {
                return false;
            }
        }
        return true;
    }
}
