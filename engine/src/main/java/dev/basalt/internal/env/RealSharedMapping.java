package dev.basalt.internal.env;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.file.Path;
import org.agrona.concurrent.UnsafeBuffer;

/** A {@code MAP_SHARED} mapping of a real file, written by plain memory copies. */
final class RealSharedMapping implements SharedMapping {
    private final Path file;
    private MappedByteBuffer mapping;
    private UnsafeBuffer memory;

    RealSharedMapping(Path file, MappedByteBuffer mapping) {
        this.file = file;
        this.mapping = mapping;
        this.memory = new UnsafeBuffer(mapping);
    }

    @Override
    public int capacity() {
        return memory.capacity();
    }

    @Override
    public void write(ByteBuffer source, long position) throws IOException {
        int length = source.remaining();
        if (position < 0 || position + length > memory.capacity()) {
            throw new IOException(length + " bytes at offset " + position + " do not fit the " + memory.capacity()
                    + "-byte mapping of " + file);
        }
        try {
            memory.putBytes((int) position, source, source.position(), length);
        } catch (InternalError fault) {
            // The JVM's report of a SIGBUS in the copy: the page could not be backed or read in.
            throw new IOException("writing " + length + " bytes at offset " + position + " of " + file
                    + " through its mapping failed; the file system could not back the page (No space left on"
                    + " device, or an I/O error): " + fault.getMessage(), fault);
        }
        source.position(source.limit());
    }

    @Override
    public void close() {
        MappedByteBuffer released = mapping;
        mapping = null;
        memory = new UnsafeBuffer(new byte[0]);
        if (released != null) {
            DirectMemory.free(released);
        }
    }
}
