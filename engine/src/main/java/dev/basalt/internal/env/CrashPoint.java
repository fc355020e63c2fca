package dev.basalt.internal.env;

/**
 * The named steps of the engine's file protocols at which a crash test can stop the process
 * ({@link CrashPoints}). Each value has one call site, or is reached through
 * {@link CrashPoints#publishing} for the steps of writing a file by the tmp-force-move-fsync
 * protocol; {@code docs/reliability/kill.md} lists them with what recovery must do after each.
 */
public enum CrashPoint {
    // The write path (Store.write, group commit, SegmentLog.force).
    /** A put or delete has its sequence number; nothing is appended yet. */
    WRITE_BEFORE_APPEND,
    /** The record is in the segment (page cache), not yet forced or indexed. */
    WRITE_AFTER_APPEND,
    /** Any log fsync (write, group commit, periodic, roll, compaction), just before it. */
    LOG_BEFORE_FSYNC,
    /** Any log fsync, just after it succeeded. */
    LOG_AFTER_FSYNC,
    /** The group-commit leader's fsync is done; the covered index updates are not applied. */
    GROUP_COMMIT_BEFORE_APPLY,
    /** The leader applied the covered updates; the writers are not yet acknowledged. */
    GROUP_COMMIT_AFTER_APPLY,

    // Write batches (SegmentLog.appendBatch, WritePath.writeBatch). A batch never spans two
    // segments: appendBatch rolls before its first record when the batch does not fit.
    /** A batch too big for the rest of the active segment made the log roll; none of its records is written. */
    BATCH_ROLLED,
    /** A batch's first half is in the segment (page cache), the second not yet written; batches of two or more. */
    BATCH_PARTLY_WRITTEN,
    /** Every record of a batch is in the segment; none forced, indexed or acknowledged. */
    BATCH_WRITTEN,

    // Segment roll (SegmentLog.roll).
    /** The full segment is forced; its hint is not written. */
    ROLL_SEALED_FORCED,
    /**
     * A sealed segment's hint is published, by the background thread after the roll (the next
     * segment exists and may hold records).
     */
    ROLL_HINT_WRITTEN,
    /** The next segment is created; the log still points at the sealed one, whose hint is pending. */
    ROLL_NEW_SEGMENT_CREATED,
    /**
     * The next segment's file is made ahead of its roll, under a temporary name, by the
     * work-ahead thread (SegmentFileAhead); the log still appends to the active segment.
     */
    SEGMENT_MADE_AHEAD,

    // Writing a file by the tmp-force-move-fsync protocol (DurableFiles), per kind of file.
    /** A hint's temporary file is written, not forced. */
    HINT_TEMP_WRITTEN,
    /** A hint's temporary file is forced, not renamed. */
    HINT_BEFORE_MOVE,
    /** A hint is renamed to its name; the directory is not forced. */
    HINT_MOVED,
    /** The compaction commit's temporary file is written, not forced. */
    COMMIT_TEMP_WRITTEN,
    /** The compaction commit's temporary file is forced, not renamed. */
    COMMIT_BEFORE_MOVE,
    /** The compaction commit is renamed to its name; the directory is not forced. */
    COMMIT_MOVED,
    /** A new segment's temporary file (header, preallocation) is forced, not renamed. */
    SEGMENT_BEFORE_MOVE,
    /** A new segment is renamed to its name; the directory is not forced. */
    SEGMENT_MOVED,
    /** Store creation: the STORE file's temporary file is written, not forced. */
    STORE_FILE_TEMP_WRITTEN,
    /** Store creation: the STORE temporary file is forced, not renamed. */
    STORE_FILE_BEFORE_MOVE,
    /** Store creation: STORE is renamed to its name; the directory is not forced. */
    STORE_FILE_MOVED,
    /** Store creation: the CURSOR_KEY temporary file is written, not forced. */
    CURSOR_KEY_TEMP_WRITTEN,
    /** Store creation: the CURSOR_KEY temporary file is forced, not renamed. */
    CURSOR_KEY_BEFORE_MOVE,
    /** Store creation: CURSOR_KEY is renamed to its name; the directory is not forced. */
    CURSOR_KEY_MOVED,

    // Checkpoint (CheckpointFile.publish, after the structures were copied under the append lock).
    /** The checkpoint's temporary file is written, not forced. */
    CHECKPOINT_TEMP_WRITTEN,
    /** The checkpoint's temporary file is forced, not renamed. */
    CHECKPOINT_BEFORE_MOVE,
    /** CHECKPOINT is renamed to its name; the directory is not forced. */
    CHECKPOINT_MOVED,

    // Namespace creation and drop (Store.appendDurably).
    /** A namespace create or drop record is appended, not forced. */
    NAMESPACE_RECORD_APPENDED,
    /** A namespace create or drop record is forced; the namespace is not yet registered. */
    NAMESPACE_RECORD_FORCED,

    // A compaction pass (CompactionPass, CompactionCommit).
    /** A batch of live records is copied forward (up to 256), more may follow; nothing forced. */
    COMPACTION_COPYING,
    /** Every live record is copied and forced; no commit file yet. */
    COMPACTION_COPIED_FORCED,
    /** The commit file is published: the victims are garbage; none is deleted yet. */
    COMPACTION_COMMITTED,
    /** Readers have left; the victims are about to be unlinked and deleted. */
    COMPACTION_BEFORE_DELETE,
    /** One victim segment (and its hint) is deleted, others may remain; the commit file stays. */
    COMPACTION_VICTIM_DELETED,
    /** Every victim is deleted and the commit file removed: the pass is complete on disk. */
    COMPACTION_COMMIT_CLEARED,

    // Background expiry (Store.sweepLocked).
    /** An expired key was just purged from its indexes (memory only). */
    EXPIRY_PURGED,

    // Recovery at open (SegmentLog, CompactionCommit).
    /** One intact record was read by a recovery scan (a sealed segment without hint, or the active one). */
    RECOVERY_SCAN_RECORD,
    /** The active segment is truncated to its last intact record; not yet extended and forced. */
    RECOVERY_ACTIVE_TRUNCATED,
    /**
     * A missing or rejected hint of a sealed segment was rebuilt by a scan and left to the
     * background thread to write ({@link #ROLL_HINT_WRITTEN} once written); not written yet.
     */
    RECOVERY_HINT_REBUILT,
    /** An interrupted compaction's victims are deleted at open; its commit file is not removed yet. */
    RECOVERY_COMMIT_FINISHING,

    // The offline compaction tool (OfflineCompaction, behind `basalt compact`).
    /** The tool opened (recovered) the directory; no pass has started. */
    OFFLINE_OPENED,
    /** The tool's pass returned; the store is not closed (no clean-close hint yet). */
    OFFLINE_COMPACTED
}
