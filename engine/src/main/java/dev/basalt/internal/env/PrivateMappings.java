package dev.basalt.internal.env;

import java.nio.MappedByteBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Chunks of memory that may be a checkpoint's copy-on-write mapping
 * ({@link FileIo#mapPrivate}). The index and the listing keep such chunks as their memory after
 * an open, and move them into memory of their own before taking many writes: a copy costs less
 * than a copy-on-write fault on every page.
 */
public final class PrivateMappings {
    private PrivateMappings() {
    }

    /**
     * {@code chunk} copied into fresh direct memory when it is a mapping; null when its memory is
     * already the process's own. The caller swaps the copy in, then frees the mapping
     * ({@link DirectMemory#free}) once nothing reads it.
     */
    public static UnsafeBuffer ownCopy(UnsafeBuffer chunk) {
        if (!(chunk.byteBuffer() instanceof MappedByteBuffer)) {
            return null;
        }
        UnsafeBuffer own = new UnsafeBuffer(DirectMemory.allocateZeroed(chunk.capacity()));
        own.putBytes(0, chunk, 0, chunk.capacity());
        return own;
    }
}
