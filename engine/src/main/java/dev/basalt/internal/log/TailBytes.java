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
    private static final int PAGE_BYTES = 4096;

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

    /**
     * About where the records of segment {@code file} end, past {@code from}, without reading
     * them: the start of the first all-zero page of a binary search over its 4 KiB pages between
     * {@code from} and the file's end. Records fill a segment from its start, and what lies past
     * them is zeros (preallocated, or backed ahead of the writer). A page of zeros inside the
     * records (a long value of zeros) can make it short: it only sizes tables ahead of a replay,
     * whose scan finds the true end.
     */
    static long approximateDataEnd(FileIo io, Path file, long from) throws IOException {
        try (FileHandle channel = io.open(file, false)) {
            long size = channel.size();
            if (from >= size) {
                return size;
            }
            ByteBuffer page = ByteBuffer.allocate(PAGE_BYTES);
            long data = from / PAGE_BYTES; // a page known to hold data, or the one the search starts at
            long past = (size + PAGE_BYTES - 1) / PAGE_BYTES; // a page known to be past it
            while (past - data > 1) {
                long middle = (data + past) >>> 1;
                page.clear();
                int read = channel.read(page, middle * PAGE_BYTES);
                if (read <= 0 || lastNonZero(page, read) < 0) {
                    past = middle;
                } else {
                    data = middle;
                }
            }
            return Math.max(from, Math.min(size, past * PAGE_BYTES));
        }
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
