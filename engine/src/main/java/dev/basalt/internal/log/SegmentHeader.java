package dev.basalt.internal.log;

import static dev.basalt.internal.log.LogFormat.*;

import dev.basalt.BasaltException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/** The 64-byte header at the start of every segment file ({@code docs/format.md}). */
public final class SegmentHeader {
    private SegmentHeader() {
    }

    public static ByteBuffer encode(long storeId, long segmentId, long capacityBytes) {
        ByteBuffer header = ByteBuffer.allocateDirect(SEGMENT_HEADER_LENGTH);
        UnsafeBuffer b = new UnsafeBuffer(header);
        b.setMemory(0, SEGMENT_HEADER_LENGTH, (byte) 0);
        b.putLong(SEGMENT_MAGIC_OFFSET, SEGMENT_MAGIC, BYTE_ORDER);
        b.putInt(SEGMENT_VERSION_OFFSET, SEGMENT_FORMAT_VERSION, BYTE_ORDER);
        b.putInt(SEGMENT_HEADER_LENGTH_OFFSET, SEGMENT_HEADER_LENGTH, BYTE_ORDER);
        b.putLong(SEGMENT_STORE_ID_OFFSET, storeId, BYTE_ORDER);
        b.putLong(SEGMENT_ID_OFFSET, segmentId, BYTE_ORDER);
        b.putLong(SEGMENT_CAPACITY_OFFSET, capacityBytes, BYTE_ORDER);
        b.putInt(SEGMENT_CRC_OFFSET, Checksums.crc32c(b, 0, SEGMENT_CRC_OFFSET), BYTE_ORDER);
        return header;
    }

    /**
     * Checks a mapped header. Returns null when valid, or what is wrong when it is damaged (the
     * records are then still scanned: each carries its own checks). A valid header of another
     * format version, store or segment is refused loudly: those are not damage.
     */
    public static String check(DirectBuffer b, Path file, long storeId, long segmentId) {
        long magic = b.getLong(SEGMENT_MAGIC_OFFSET, BYTE_ORDER);
        int stored = b.getInt(SEGMENT_CRC_OFFSET, BYTE_ORDER);
        int actual = Checksums.crc32c(b, 0, SEGMENT_CRC_OFFSET);
        if (magic != SEGMENT_MAGIC || stored != actual) {
            return "segment header is damaged (magic=" + Long.toHexString(magic) + ", crc=" + Integer.toHexString(stored)
                    + ", computed " + Integer.toHexString(actual) + ")";
        }
        int version = b.getInt(SEGMENT_VERSION_OFFSET, BYTE_ORDER);
        if (version > SEGMENT_FORMAT_VERSION) {
            throw new BasaltException(file + " was written by a newer Basalt: format version=" + version
                    + ", this Basalt reads version " + SEGMENT_FORMAT_VERSION);
        }
        if (version < SEGMENT_FORMAT_VERSION) {
            throw new BasaltException(file + " was written by an older Basalt: format version=" + version
                    + ", this Basalt reads version " + SEGMENT_FORMAT_VERSION + " (the compact record header)"
                    + "; move the data with the Basalt that wrote it (basalt export, per namespace) and this one (basalt import)");
        }
        long foundStore = b.getLong(SEGMENT_STORE_ID_OFFSET, BYTE_ORDER);
        long foundSegment = b.getLong(SEGMENT_ID_OFFSET, BYTE_ORDER);
        if (foundStore != storeId || foundSegment != segmentId) {
            throw new BasaltException(file + " belongs to another store or segment: storeId=" + Long.toHexString(foundStore)
                    + " segmentId=" + foundSegment + ", expected storeId=" + Long.toHexString(storeId)
                    + " segmentId=" + segmentId);
        }
        return null;
    }
}
