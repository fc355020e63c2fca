package dev.basalt.internal.store;

import dev.basalt.BasaltException;
import dev.basalt.internal.env.FileIo;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Keeps puts from filling the disk: a put that would leave less than the reserve free fails
 * before anything is written, so that deletes and compaction, which free space, still have
 * room, and nothing is half written when the disk runs out.
 *
 * <p>Free space is a system call (statvfs), so it is read once per {@link #CHECK_EVERY_BYTES}
 * of puts, and on every put while the last reading was under the reserve, so that puts resume
 * as soon as space is freed. Between readings at most that much more is written: the reserve
 * is a margin, not an exact line.
 *
 * <p>Threads: called under the store's append lock only.
 */
final class DiskReserve {
    /** 1 MiB: about ten thousand 100-byte puts per system call. */
    static final long CHECK_EVERY_BYTES = 1L << 20;

    private final FileIo io;
    private final Path dir;
    private final long reserveBytes;
    /** Bytes of puts left before the next reading; at or below 0 means read now. */
    private long bytesUntilCheck;

    DiskReserve(FileIo io, Path dir, long reserveBytes) {
        this.io = io;
        this.dir = dir;
        this.reserveBytes = reserveBytes;
    }

    /** Throws, writing nothing, if a put of {@code recordBytes} would leave less than the reserve. */
    void beforePut(long recordBytes) {
        if (reserveBytes == 0) {
            return;
        }
        bytesUntilCheck -= recordBytes;
        if (bytesUntilCheck > 0) {
            return;
        }
        long usable;
        try {
            usable = io.usableSpace(dir);
        } catch (IOException e) {
            bytesUntilCheck = 0;
            throw new BasaltException("cannot read the free space of " + dir + ": " + e, e);
        }
        if (usable - recordBytes < reserveBytes) {
            bytesUntilCheck = 0;
            throw new BasaltException("put refused: the disk of " + dir + " has " + usable
                    + " bytes free and this record needs " + recordBytes + ", which would leave less than the "
                    + reserveBytes + "-byte reserve kept for deletes and compaction (BasaltOptions.withDiskReserve);"
                    + " nothing was written");
        }
        bytesUntilCheck = CHECK_EVERY_BYTES;
    }
}
