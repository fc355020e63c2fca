package dev.basalt.internal.env;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * A {@link TrackedCopy} of one structure that a model test's actions drive step by step: started,
 * copied and finished each at a random point of a chain, so the structure changes before, during
 * and after the copying, as a checkpoint's copy sees it with the writers running. One at a time;
 * a start while one runs, or a copy or finish while none does, does nothing.
 *
 * @param <T> the structure's copy that a finish gives
 */
public final class TrackedCopySteps<T> {
    /** Starts the structure's tracked copy and reserves the space it takes ("under the lock"). */
    @FunctionalInterface
    public interface Start {
        TrackedCopy start(CopySpace space);
    }

    /** Makes a started copy exact ("under the lock again"). */
    @FunctionalInterface
    public interface Finish<T> {
        T finish(TrackedCopy started, CopySpace space);
    }

    /** Marks a started copy for a catch-up ("under the lock"); null when the structure's memory was replaced. */
    @FunctionalInterface
    public interface Marker {
        TrackedCopy.Mark mark(TrackedCopy started);
    }

    /** Hands a structure's chunks, in order, to a consumer. */
    @FunctionalInterface
    public interface Chunks {
        void each(Consumer<ByteBuffer> chunk) throws IOException;
    }

    private final Start start;
    private final Finish<T> finish;
    private final Marker marker;
    private TrackedCopy started;
    private CopySpace space;
    private boolean copied;

    public TrackedCopySteps(Start start, Finish<T> finish, Marker marker) {
        this.start = start;
        this.finish = finish;
        this.marker = marker;
    }

    public void start() {
        if (started == null) {
            space = new CopySpace();
            started = start.start(space);
        }
    }

    /** The copying "without the lock": what the structure does after this, only the trail catches. */
    public void copy() {
        if (started != null) {
            started.copy(space);
            copied = true;
        }
    }

    /**
     * A mark "under the lock" and the catch-up "without it", after the copying: what the
     * structure does after this, only the trail since the mark catches.
     */
    public void catchUp() {
        if (started != null && copied) {
            TrackedCopy.Mark mark = marker.mark(started);
            if (mark != null) {
                started.catchUp(mark, space);
            }
        }
    }

    /** The finished copy, or null when none was started. */
    public T finish() {
        if (started == null) {
            return null;
        }
        T copy = finish.finish(started, space);
        space.close();
        started = null;
        space = null;
        copied = false;
        return copy;
    }

    /** All of a structure's chunk bytes, one after the other. */
    public static byte[] bytesOf(Chunks chunks) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            chunks.each(chunk -> {
                byte[] chunkBytes = new byte[chunk.remaining()];
                chunk.get(chunkBytes);
                bytes.write(chunkBytes, 0, chunkBytes.length);
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
