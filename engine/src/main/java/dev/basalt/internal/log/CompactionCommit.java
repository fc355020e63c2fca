package dev.basalt.internal.log;

import static dev.basalt.internal.log.LogFormat.BYTE_ORDER;
import static dev.basalt.internal.log.LogFormat.FORMAT_VERSION;

import dev.basalt.BasaltException;
import dev.basalt.internal.env.CrashPoint;
import dev.basalt.internal.env.CrashPoints;
import dev.basalt.internal.env.DurableFiles;
import dev.basalt.internal.env.FileIo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The commit point of a compaction step ({@code docs/compaction.md}): a small file listing the
 * victim segments, written (tmp, force, rename, fsync directory) only after every live record
 * of the victims has been copied forward and forced. Once it exists the victims are garbage,
 * as a set: recovery deletes every listed segment before it reads any, so a crash while
 * several victims were being deleted can never leave some of them behind. The engine's passes
 * commit one victim at a time (each victim's dropped tombstones are checked against the victims
 * still to come); the format lists any number, and recovery honours them all.
 *
 * <pre>
 * +--------+--------+--------+--------+------------------+-----+---------+
 * | magic  |version | count  |storeId | victim ids u64[] | crc | padding |
 * |  u64   |  u32   |  u32   |  u64   |   8 x count      | u32 |  4 B    |
 * +--------+--------+--------+--------+------------------+-----+---------+
 * </pre>
 */
public final class CompactionCommit {
    public static final String FILE_NAME = "COMPACTION_COMMIT";
    static final long MAGIC = 0x4343544C_41534142L; // "BASALTCC" little-endian
    private static final int COUNT_OFFSET = 12;
    private static final int STORE_ID_OFFSET = 16;
    private static final int IDS_OFFSET = 24;
    private static final int MAX_VICTIMS = 1 << 20;

    private CompactionCommit() {
    }

    /** Writes the commit point durably: from here on the victims are gone. */
    public static void write(FileIo io, Path dir, long storeId, long[] victimIds) {
        int length = IDS_OFFSET + 8 * victimIds.length + 8;
        ByteBuffer content = ByteBuffer.allocateDirect(length);
        UnsafeBuffer b = new UnsafeBuffer(content);
        b.setMemory(0, length, (byte) 0);
        b.putLong(0, MAGIC, BYTE_ORDER);
        b.putInt(8, FORMAT_VERSION, BYTE_ORDER);
        b.putInt(COUNT_OFFSET, victimIds.length, BYTE_ORDER);
        b.putLong(STORE_ID_OFFSET, storeId, BYTE_ORDER);
        for (int i = 0; i < victimIds.length; i++) {
            b.putLong(IDS_OFFSET + 8 * i, victimIds[i], BYTE_ORDER);
        }
        int crcAt = IDS_OFFSET + 8 * victimIds.length;
        b.putInt(crcAt, Checksums.masked(b, 0, crcAt, Checksums.mask(storeId, 0)), BYTE_ORDER);
        DurableFiles.writeAtomically(io, dir.resolve(FILE_NAME), content);
    }

    /**
     * Finishes a committed pass that a crash interrupted: deletes every listed segment and its
     * hint, then the commit file. Returns the ids deleted (empty when there was no commit).
     */
    public static long[] finishIfPresent(FileIo io, Path dir, long storeId) {
        Path file = dir.resolve(FILE_NAME);
        if (!io.exists(file)) {
            return new long[0];
        }
        long[] victims = read(io, file, storeId);
        deleteVictims(io, dir, victims);
        CrashPoints.hit(CrashPoint.RECOVERY_COMMIT_FINISHING);
        clear(io, dir);
        return victims;
    }

    /** Deletes the victims' files (idempotent) and forces the directory. */
    public static void deleteVictims(FileIo io, Path dir, long[] victimIds) {
        try {
            for (long id : victimIds) {
                io.deleteIfExists(dir.resolve(LogFormat.hintFileName(id)));
                io.deleteIfExists(dir.resolve(LogFormat.segmentFileName(id)));
                CrashPoints.hit(CrashPoint.COMPACTION_VICTIM_DELETED);
            }
            io.forceDirectory(dir);
        } catch (IOException e) {
            throw new BasaltException("cannot delete compacted segments in " + dir + ": " + e, e);
        }
    }

    /** Removes the commit file once its victims are deleted. */
    public static void clear(FileIo io, Path dir) {
        try {
            io.deleteIfExists(dir.resolve(FILE_NAME));
            io.forceDirectory(dir);
        } catch (IOException e) {
            throw new BasaltException("cannot delete " + dir.resolve(FILE_NAME) + ": " + e, e);
        }
    }

    private static long[] read(FileIo io, Path file, long storeId) {
        byte[] bytes;
        try {
            bytes = io.readAll(file);
        } catch (IOException e) {
            throw new BasaltException("cannot read " + file + ": " + e, e);
        }
        ByteBuffer direct = ByteBuffer.allocateDirect(Math.max(bytes.length, 1)).put(bytes).flip();
        UnsafeBuffer b = new UnsafeBuffer(direct, 0, bytes.length);
        int count = bytes.length >= IDS_OFFSET ? b.getInt(COUNT_OFFSET, BYTE_ORDER) : -1;
        if (bytes.length < IDS_OFFSET + 8 || b.getLong(0, BYTE_ORDER) != MAGIC || count < 0 || count > MAX_VICTIMS
                || bytes.length != IDS_OFFSET + 8L * count + 8) {
            throw damaged(file, "length=" + bytes.length + " count=" + count);
        }
        int crcAt = IDS_OFFSET + 8 * count;
        int stored = b.getInt(crcAt, BYTE_ORDER);
        int actual = Checksums.masked(b, 0, crcAt, Checksums.mask(storeId, 0));
        if (stored != actual || b.getLong(STORE_ID_OFFSET, BYTE_ORDER) != storeId
                || b.getInt(8, BYTE_ORDER) != FORMAT_VERSION) {
            throw damaged(file, "crc=" + Integer.toHexString(stored) + ", computed " + Integer.toHexString(actual));
        }
        long[] victims = new long[count];
        for (int i = 0; i < count; i++) {
            victims[i] = b.getLong(IDS_OFFSET + 8 * i, BYTE_ORDER);
        }
        return victims;
    }

    private static BasaltException damaged(Path file, String detail) {
        return new BasaltException(file + " is damaged (" + detail + "): it records which compacted segments must"
                + " be deleted, and without it deleted keys could come back. Nothing was changed; restore it or"
                + " investigate before opening");
    }
}
