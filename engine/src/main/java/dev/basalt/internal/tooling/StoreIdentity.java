package dev.basalt.internal.tooling;

import static dev.basalt.internal.log.LogFormat.*;

import dev.basalt.internal.log.Checksums;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The store id that seeds every checksum, read without ever creating or changing a file
 * ({@code StoreFile.readOrCreate} creates a missing STORE, which a check must not do).
 *
 * @param known whether {@code storeId} could be read
 * @param storeId the id, meaningful only when known
 * @param source where the id came from, for the report ("STORE", or a segment header)
 * @param problem what is wrong with the STORE file, or null when it is intact
 */
public record StoreIdentity(boolean known, long storeId, String source, Damage problem) {
    /** No id could be found anywhere. */
    static StoreIdentity unknown(Damage problem) {
        return new StoreIdentity(false, 0, "nowhere", problem);
    }

    /** This identity with the id taken from a segment header, keeping the STORE problem. */
    StoreIdentity withIdFrom(String headerSource, long headerStoreId) {
        return new StoreIdentity(true, headerStoreId, headerSource, problem);
    }

    /** Reads {@code dir/STORE}; a missing or damaged file is a problem, never an exception. */
    public static StoreIdentity read(Path dir) {
        Path file = dir.resolve(STORE_FILE);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (java.nio.file.NoSuchFileException e) {
            return unknown(new Damage(file, 0, 0, "STORE is missing; the engine refuses to open a directory whose"
                    + " segments it cannot verify. Restore STORE from a backup"));
        } catch (IOException e) {
            return unknown(new Damage(file, 0, 0, "cannot read STORE: " + e));
        }
        if (bytes.length != STORE_FILE_LENGTH) {
            return unknown(new Damage(file, 0, Math.max(1, bytes.length), "STORE is " + bytes.length
                    + " bytes, expected " + STORE_FILE_LENGTH + "; the engine refuses to open"));
        }
        UnsafeBuffer b = new UnsafeBuffer(ByteBuffer.allocateDirect(bytes.length).put(bytes).flip());
        long magic = b.getLong(0, BYTE_ORDER);
        int stored = b.getInt(STORE_CRC_OFFSET, BYTE_ORDER);
        int actual = Checksums.crc32c(b, 0, STORE_CRC_OFFSET);
        if (magic != STORE_MAGIC || stored != actual) {
            return unknown(new Damage(file, 0, STORE_FILE_LENGTH, "STORE is damaged: magic=" + Long.toHexString(magic)
                    + " crc=" + Integer.toHexString(stored) + ", computed " + Integer.toHexString(actual)
                    + "; the engine refuses to open"));
        }
        int version = b.getInt(STORE_VERSION_OFFSET, BYTE_ORDER);
        if (version != FORMAT_VERSION) {
            return unknown(new Damage(file, STORE_VERSION_OFFSET, 4, "STORE has format version=" + version
                    + ", this Basalt reads version " + FORMAT_VERSION));
        }
        return new StoreIdentity(true, b.getLong(STORE_ID_OFFSET, BYTE_ORDER), "STORE", null);
    }

    /** True when a segment header's magic and CRC check, so its store id can be trusted. */
    static boolean headerIsIntact(DirectBuffer segment, int sizeBytes) {
        return sizeBytes >= SEGMENT_HEADER_LENGTH
                && segment.getLong(SEGMENT_MAGIC_OFFSET, BYTE_ORDER) == SEGMENT_MAGIC
                && segment.getInt(SEGMENT_CRC_OFFSET, BYTE_ORDER) == Checksums.crc32c(segment, 0, SEGMENT_CRC_OFFSET);
    }

    /** The store id in a segment header; check {@link #headerIsIntact} first. */
    static long storeIdInHeader(DirectBuffer segment) {
        return segment.getLong(SEGMENT_STORE_ID_OFFSET, BYTE_ORDER);
    }

    /** The segment id in a segment header; check {@link #headerIsIntact} first. */
    static long segmentIdInHeader(DirectBuffer segment) {
        return segment.getLong(SEGMENT_ID_OFFSET, BYTE_ORDER);
    }
}
