package dev.basalt.internal.tooling;

import dev.basalt.BasaltException;
import dev.basalt.BasaltOptions;
import dev.basalt.CompactionResult;
import dev.basalt.internal.env.CrashPoint;
import dev.basalt.internal.env.CrashPoints;
import dev.basalt.internal.env.FileIo;
import dev.basalt.internal.compaction.CompactionPass;
import dev.basalt.internal.store.Store;
import java.nio.file.Path;

/**
 * The offline compaction engine behind {@code basalt compact}: opens a closed directory (a
 * directory that a running process holds is refused by its lock), compacts every sealed
 * segment that has dead records, and closes it, leaving a directory that opens normally. The
 * same pass as the background compaction, so the same protocol and the same tests cover both.
 */
public final class OfflineCompaction {
    private OfflineCompaction() {
    }

    /** Compacts {@code dir}; {@code progress} hears bytes of victims done out of the total. */
    public static CompactionResult run(Path dir, CompactionPass.ProgressListener progress) {
        return run(dir, progress, FileIo.real());
    }

    /** {@link #run(Path, CompactionPass.ProgressListener)} with every file operation going through {@code io}. */
    public static CompactionResult run(Path dir, CompactionPass.ProgressListener progress, FileIo io) {
        if (!io.isDirectory(dir)) {
            throw new BasaltException("no data directory at " + dir);
        }
        try (Store store = Store.open(dir, BasaltOptions.defaults().withBackgroundCompaction(false), io)) {
            CrashPoints.hit(CrashPoint.OFFLINE_OPENED);
            // Nothing runs in the foreground of an offline pass: it goes at the disk's speed.
            CompactionResult result = store.compact(0.0, progress, 0);
            CrashPoints.hit(CrashPoint.OFFLINE_COMPACTED);
            return result;
        }
    }
}
