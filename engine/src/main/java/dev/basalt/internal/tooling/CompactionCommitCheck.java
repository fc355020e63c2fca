package dev.basalt.internal.tooling;

import static dev.basalt.internal.log.LogFormat.BYTE_ORDER;
import static dev.basalt.internal.log.LogFormat.FORMAT_VERSION;

import dev.basalt.internal.log.Checksums;
import dev.basalt.internal.log.CompactionCommit;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Consumer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Checks {@code COMPACTION_COMMIT}, the commit point of a compaction pass that a crash (or a
 * running store) has not finished yet. The layout is the one on {@link CompactionCommit}
 * (magic "BASALTCC", version, count, store id, the victims' ids, CRC32C masked with the store's
 * mask for segment 0, 4 bytes of padding); its reader is private there, so it is repeated here.
 *
 * <p>An intact file is a warning (the next open deletes the listed segments); a damaged one is
 * damage, since the engine then refuses to open.
 */
final class CompactionCommitCheck {
    private static final long MAGIC = 0x4343544C_41534142L; // "BASALTCC" little-endian
    private static final int VERSION_OFFSET = 8;
    private static final int COUNT_OFFSET = 12;
    private static final int STORE_ID_OFFSET = 16;
    private static final int IDS_OFFSET = 24;
    private static final int TRAILER_LENGTH = 8;

    private CompactionCommitCheck() {
    }

    /** Null when absent or intact (an intact one is reported to {@code warning}); else the damage. */
    static Damage check(Path dir, StoreIdentity identity, Consumer<String> warning) {
        Path file = dir.resolve(CompactionCommit.FILE_NAME);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            return new Damage(file, 0, 0, "cannot read " + CompactionCommit.FILE_NAME + ": " + e);
        }
        UnsafeBuffer b = new UnsafeBuffer(ByteBuffer.allocateDirect(Math.max(1, bytes.length)).put(bytes).flip(), 0,
                bytes.length);
        int count = bytes.length >= IDS_OFFSET ? b.getInt(COUNT_OFFSET, BYTE_ORDER) : -1;
        if (bytes.length < IDS_OFFSET + TRAILER_LENGTH || b.getLong(0, BYTE_ORDER) != MAGIC || count < 0
                || bytes.length != IDS_OFFSET + 8L * count + TRAILER_LENGTH) {
            return damaged(file, bytes.length, "length=" + bytes.length + " count=" + count);
        }
        int crcAt = IDS_OFFSET + 8 * count;
        int stored = b.getInt(crcAt, BYTE_ORDER);
        int actual = Checksums.masked(b, 0, crcAt, Checksums.mask(identity.storeId(), 0));
        if (!identity.known() || stored != actual || b.getLong(STORE_ID_OFFSET, BYTE_ORDER) != identity.storeId()
                || b.getInt(VERSION_OFFSET, BYTE_ORDER) != FORMAT_VERSION) {
            return damaged(file, bytes.length, "crc=" + Integer.toHexString(stored) + ", computed "
                    + Integer.toHexString(actual));
        }
        long[] victims = new long[count];
        for (int i = 0; i < count; i++) {
            victims[i] = b.getLong(IDS_OFFSET + 8 * i, BYTE_ORDER);
        }
        warning.accept(CompactionCommit.FILE_NAME + " records a compaction whose compacted segments "
                + Arrays.toString(victims) + " are not all deleted yet; the next open deletes them");
        return null;
    }

    private static Damage damaged(Path file, int length, String detail) {
        return new Damage(file, 0, Math.max(1, length), CompactionCommit.FILE_NAME + " is damaged (" + detail
                + "); the engine refuses to open, since without it deleted keys could come back");
    }
}
