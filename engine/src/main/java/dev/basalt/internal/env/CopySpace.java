package dev.basalt.internal.env;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Direct buffers allocated ahead of a checkpoint's copies, before its first hold of the append
 * lock, so that no lock is held while they are allocated. A fresh direct buffer costs far more
 * than copying into it: the allocation zeroes it, and every page is faulted in on its first
 * touch (about 11 µs a page on the project's VMs). A checkpoint copying 530 MB of slot tables
 * and listing arenas at 10,000,000 keys under the lock stopped the writers for 1.4 to 2.2 s,
 * nearly all of it that first touch. (The copying itself now runs without the lock:
 * {@link TrackedCopy}; and the buffers come from {@link DirectMemory}, in huge pages where the
 * system has them, a fault per 2 MiB.)
 *
 * <p>{@link #reserve} before the lock, with the sizes the copy is expected to need; under the
 * lock {@link #take} hands out a reserved buffer of exactly the asked capacity, or allocates one
 * when none was reserved (the structure grew in between: correct, only slower). The buffers
 * taken belong to the taker from then on; {@link #close} frees those left over.
 *
 * <p>One thread at a time (the checkpoint's).
 */
public final class CopySpace implements AutoCloseable {
    private final Map<Integer, ArrayDeque<ByteBuffer>> reserved = new HashMap<>();
    private long reservedBytes;

    /** Allocates (zeroed, every page touched) one buffer of {@code capacity} bytes for a later {@link #take}. */
    public void reserve(int capacity) {
        reserved.computeIfAbsent(capacity, c -> new ArrayDeque<>()).addLast(DirectMemory.allocateZeroed(capacity));
        reservedBytes += capacity;
    }

    /** {@link #reserve}s one buffer of each chunk's capacity, for a later {@link #copyOf} of them. */
    public void reserveLike(UnsafeBuffer[] chunks) {
        for (UnsafeBuffer chunk : chunks) {
            reserve(chunk.capacity());
        }
    }

    /** Byte-for-byte copies of {@code chunks}, each in a buffer {@link #take}n from this space. */
    public UnsafeBuffer[] copyOf(UnsafeBuffer[] chunks) {
        UnsafeBuffer[] copies = new UnsafeBuffer[chunks.length];
        for (int i = 0; i < chunks.length; i++) {
            copies[i] = new UnsafeBuffer(take(chunks[i].capacity()));
            copies[i].putBytes(0, chunks[i], 0, chunks[i].capacity());
        }
        return copies;
    }

    /** A zeroed direct buffer of exactly {@code capacity} bytes: a reserved one if there is one. */
    public ByteBuffer take(int capacity) {
        ArrayDeque<ByteBuffer> buffers = reserved.get(capacity);
        ByteBuffer buffer = buffers == null ? null : buffers.pollFirst();
        if (buffer == null) {
            return DirectMemory.allocateZeroed(capacity);
        }
        reservedBytes -= capacity;
        return buffer;
    }

    /** Bytes reserved and not taken yet. */
    public long reservedBytes() {
        return reservedBytes;
    }

    /** Frees the buffers nobody took. Idempotent. */
    @Override
    public void close() {
        for (ArrayDeque<ByteBuffer> buffers : reserved.values()) {
            for (ByteBuffer buffer : buffers) {
                DirectMemory.free(buffer);
            }
            buffers.clear();
        }
        reservedBytes = 0;
    }
}
