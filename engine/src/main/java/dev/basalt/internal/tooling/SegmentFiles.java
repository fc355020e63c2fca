package dev.basalt.internal.tooling;

import static dev.basalt.internal.log.LogFormat.SEGMENT_SUFFIX;

import dev.basalt.internal.log.LogFormat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds segment files and reads them whole, read-only, into a direct buffer (the CRC32C of
 * {@code Checksums} needs off-heap memory). Stateless.
 */
public final class SegmentFiles {
    /** A segment is at most 1 GiB ({@code Limits.MAX_SEGMENT_BYTES}); a larger file is not one. */
    public static final long MAX_SEGMENT_FILE_BYTES = 1L << 30;
    /** Marks a file name that is not a segment's. */
    public static final long NOT_A_SEGMENT = LogFormat.NOT_A_SEGMENT;

    private SegmentFiles() {
    }

    /** The ids of the segment files in {@code dir}, ascending. */
    public static List<Long> segmentIds(Path dir) throws IOException {
        List<Long> ids = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*" + SEGMENT_SUFFIX)) {
            for (Path file : stream) {
                long id = idOf(file);
                if (id != NOT_A_SEGMENT) {
                    ids.add(id);
                }
            }
        }
        ids.sort(null);
        return ids;
    }

    /** The id in a segment file's name ({@code 000000000007.seg} is 7), or {@link #NOT_A_SEGMENT}. */
    public static long idOf(Path file) {
        return LogFormat.segmentIdOf(file.getFileName().toString(), SEGMENT_SUFFIX);
    }

    /**
     * Reads all of {@code file} into {@code reuse} when it is large enough, else into a new
     * direct buffer; returns the buffer, flipped (its limit is the number of bytes read, which
     * is less than the size seen before when another process truncates the file meanwhile).
     *
     * @throws IOException when the file cannot be read or is larger than any segment
     */
    public static ByteBuffer readAll(Path file, ByteBuffer reuse) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size > MAX_SEGMENT_FILE_BYTES) {
                throw new IOException(file + " is " + size + " bytes, larger than any segment ("
                        + MAX_SEGMENT_FILE_BYTES + ")");
            }
            ByteBuffer buffer = reuse != null && reuse.capacity() >= size ? reuse : ByteBuffer.allocateDirect((int) size);
            buffer.clear().limit((int) size);
            while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
                // keep reading: a channel may return fewer bytes than asked
            }
            return buffer.flip();
        }
    }
}
