package dev.basalt.internal.log;

import dev.basalt.internal.env.FileHandle;
import dev.basalt.internal.env.FileIo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * What lies past the end of the active segment's data at open: zeros, unless a crash tore an
 * append (or something outside the store wrote there). Read in 64 KiB chunks until 16 chunks in a
 * row are zeros: a torn append is one record long, and a whole zero tail of a 1 GiB segment would
 * take seconds to read.
 */
final class TailBytes {
    private static final int CHUNK_BYTES = 64 * 1024;
    private static final int ZERO_CHUNKS_TO_STOP = 16;

    private TailBytes() {
    }

    /**
     * How far non-zero bytes reach past {@code dataEnd} in {@code file}: {@code dataEnd} itself
     * when the bytes read there are zeros. For the torn-tail report, and to tell whether a clean
     * close's tail is intact.
     */
    static long nonZeroEnd(FileIo io, Path file, long dataEnd, long capacity) throws IOException {
        long end = dataEnd;
        try (FileHandle channel = io.open(file, false)) {
            ByteBuffer chunk = ByteBuffer.allocate(CHUNK_BYTES);
            long at = dataEnd;
            int zeroChunks = 0;
            while (at < capacity && zeroChunks < ZERO_CHUNKS_TO_STOP) {
                chunk.clear();
                int read = channel.read(chunk, at);
                if (read <= 0) {
                    break;
                }
                int last = lastNonZero(chunk, read);
                if (last >= 0) {
                    end = at + last + 1;
                }
                zeroChunks = last < 0 ? zeroChunks + 1 : 0;
                at += read;
            }
        }
        return end;
    }

    /** The index of the last non-zero byte among the first {@code length} of {@code chunk}, or -1. */
    static int lastNonZero(ByteBuffer chunk, int length) {
        int i = length;
        while (i % Long.BYTES != 0) {
            if (chunk.get(--i) != 0) {
                return i;
            }
        }
        while (i > 0 && chunk.getLong(i - Long.BYTES) == 0) {
            i -= Long.BYTES;
        }
        while (i > 0) {
            if (chunk.get(--i) != 0) {
                return i;
            }
        }
        return -1;
    }
}
