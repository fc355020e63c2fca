package dev.basalt.internal.log;

import static dev.basalt.internal.log.LogFormat.*;

import dev.basalt.BasaltException;
import dev.basalt.internal.env.DurableFiles;
import dev.basalt.internal.env.FileIo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.SecureRandom;
import org.agrona.concurrent.UnsafeBuffer;

/** The {@code STORE} file: the store's random identity, which seeds every checksum. */
public final class StoreFile {
    private StoreFile() {
    }

    /** Reads the store id, creating the file with a fresh random id in a new directory. */
    public static long readOrCreate(Path dir) {
        return readOrCreate(FileIo.real(), dir);
    }

    /** {@link #readOrCreate(Path)} through the given file system. */
    public static long readOrCreate(FileIo io, Path dir) {
        Path file = dir.resolve(STORE_FILE);
        if (!io.exists(file)) {
            refuseIfSegmentsExist(io, dir, file);
            long storeId = new SecureRandom().nextLong();
            DurableFiles.writeAtomically(io, file, encode(storeId));
            return storeId;
        }
        byte[] bytes;
        try {
            bytes = io.readAll(file);
        } catch (IOException e) {
            throw new BasaltException("cannot read " + file + ": " + e, e);
        }
        if (bytes.length != STORE_FILE_LENGTH) {
            throw new BasaltException(file + " is damaged: length=" + bytes.length + ", expected " + STORE_FILE_LENGTH);
        }
        ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
        UnsafeBuffer b = new UnsafeBuffer(direct);
        int stored = b.getInt(STORE_CRC_OFFSET, BYTE_ORDER);
        int actual = Checksums.crc32c(b, 0, STORE_CRC_OFFSET);
        if (b.getLong(0, BYTE_ORDER) != STORE_MAGIC || stored != actual) {
            throw new BasaltException(file + " is damaged: magic=" + Long.toHexString(b.getLong(0, BYTE_ORDER))
                    + " crc=" + Integer.toHexString(stored) + ", computed " + Integer.toHexString(actual));
        }
        int version = b.getInt(STORE_VERSION_OFFSET, BYTE_ORDER);
        if (version != FORMAT_VERSION) {
            throw new BasaltException(file + (version > FORMAT_VERSION ? " was written by a newer Basalt" : " is too old")
                    + ": format version=" + version + ", this Basalt reads version " + FORMAT_VERSION);
        }
        return b.getLong(STORE_ID_OFFSET, BYTE_ORDER);
    }

    /**
     * A directory with segments but no STORE has lost its identity: a fresh random id would make
     * every existing record fail its checksum for good, so nothing is written and open fails.
     */
    private static void refuseIfSegmentsExist(FileIo io, Path dir, Path file) {
        try {
            if (!io.list(dir, "*" + SEGMENT_SUFFIX).isEmpty()) {
                throw new BasaltException(file + " is missing but " + dir + " holds segment files; without the"
                        + " store's identity their records cannot be verified. Restore " + STORE_FILE
                        + " from a backup; nothing was changed");
            }
        } catch (IOException e) {
            throw new BasaltException("cannot list " + dir + ": " + e, e);
        }
    }

    private static ByteBuffer encode(long storeId) {
        ByteBuffer content = ByteBuffer.allocateDirect(STORE_FILE_LENGTH);
        UnsafeBuffer b = new UnsafeBuffer(content);
        b.setMemory(0, STORE_FILE_LENGTH, (byte) 0);
        b.putLong(0, STORE_MAGIC, BYTE_ORDER);
        b.putInt(STORE_VERSION_OFFSET, FORMAT_VERSION, BYTE_ORDER);
        b.putLong(STORE_ID_OFFSET, storeId, BYTE_ORDER);
        b.putInt(STORE_CRC_OFFSET, Checksums.crc32c(b, 0, STORE_CRC_OFFSET), BYTE_ORDER);
        return content;
    }
}
