package dev.basalt.internal.log;

import static dev.basalt.internal.log.LogFormat.SEGMENT_HEADER_LENGTH;
import static dev.basalt.internal.log.LogFormat.segmentFileName;

import dev.basalt.internal.env.DurableFiles;
import dev.basalt.internal.env.FileHandle;
import dev.basalt.internal.env.FileIo;
import dev.basalt.internal.env.InterruptSafeChannel;
import dev.basalt.internal.env.SharedMapping;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * The active segment's writer state; replaced under the force lock when it rolls.
 *
 * <p>Records reach the file one of two ways ({@link #write}): a positional {@code write} system
 * call on {@link #channel}, or, with mapped appends ({@code BasaltOptions.withMappedAppends}), a
 * copy into a shared mapping of the file. Both leave the bytes in the OS page cache when they
 * return, which is what an acknowledged {@code PERIODIC} write promises, and both are made
 * durable by forcing the channel: on Linux an {@code fsync} writes back a file's dirty pages
 * however they were dirtied. The copy saves the system call, about a third of a put's time under
 * sustained overwrite (docs/benchmarks.md, "Mapped appends").
 *
 * <p>The risk a mapping carries: the segment file is sparse until written, so a copy that dirties
 * a page the file system cannot back (disk full) raises {@code SIGBUS}, which the JVM turns into
 * an {@link InternalError} thrown at some later point of the copying thread, not necessarily
 * inside the copy. So the pages are backed before any record is copied into them: ahead of the
 * tail, {@value #BACK_AHEAD_BYTES} bytes at a time, zeros are written with the system call
 * ({@link #backedEnd}); a full disk fails that call with ENOSPC, cleanly, before a byte of the
 * record is copied, and the caller handles it as any failed append. A fault the copy still
 * meets (an I/O error reading a page back) is reported by the {@link SharedMapping} as an
 * {@link IOException} when it surfaces inside the copy.
 *
 * <p>Who backs the pages: the store's work-ahead thread, ahead of the writer
 * ({@link #backAhead}, woken when {@link #backingRunsLow}); the writer itself only when it finds
 * its record's pages not backed yet. Writing the zeros took 5 % of the writer's time under
 * sustained overwrite at 1 M keys. Both back under this object's monitor, and only from
 * {@link #backedEnd} on, which a record is never written past: zeros never overwrite a record.
 * A sealed segment is never backed again (its modification time must stay what the checkpoint
 * saw).
 */
final class ActiveSegment {
    /** How far ahead of a mapped append its pages are backed by a system call: 1 MiB. */
    static final int BACK_AHEAD_BYTES = 1 << 20;
    /**
     * The least the appends pass between two reports of {@link #passedAnotherForceStep}: an eighth
     * of a small segment is forced in well under a millisecond by the roll, and forcing it behind
     * the writer held the force lock a fifth of the time in the mixed benchmark (4 MiB segments,
     * 512 KiB eighths, 1,525 fsyncs in 50 s), which every roll then waited for.
     */
    static final long MIN_FORCE_STEP_BYTES = 4L << 20;
    /**
     * The last step before the segment's end is reported in this many parts, so that the roll,
     * which forces what is left under the append lock, finds a quarter step unforced at most (if
     * the work-ahead thread kept up) instead of a whole one: a roll's force of up to an eighth of
     * a 64 MiB segment stopped the writer for 16 ms at the median and up to 75 ms under
     * sustained overwrite (issue 14). Three more fsyncs a segment, on the work-ahead thread.
     * No part is smaller than half of {@link #MIN_FORCE_STEP_BYTES}, for the reason given there.
     */
    static final int LAST_STEP_PARTS = 4;
    /** How far ahead of the tail the work-ahead thread keeps the pages backed. */
    private static final int BACK_AHEAD_OF_WRITER_BYTES = 4 * BACK_AHEAD_BYTES;
    private static final int ZEROS_BYTES = 256 << 10;
    /** Never written: each backing write goes through a duplicate, so every segment shares it. */
    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(ZEROS_BYTES);
    final Segment segment;
    final InterruptSafeChannel channel;
    final HintFile.Builder hints;
    long tail;
    /**
     * How far failed appends may have written past {@link #tail}: a write that fails with
     * ENOSPC has often written part of the record first. Those bytes are zeroed before the
     * segment is sealed or closed, so that a sealed segment ends in zeros and neither the
     * verifier nor a rescan takes them for damage (found by the disk-full campaign on a
     * real tmpfs).
     */
    long failedAppendEnd;
    /** An eighth of the capacity, at least {@link #MIN_FORCE_STEP_BYTES}. */
    private final long forceStepBytes;
    /**
     * Where the last step begins (no last step when one step is the whole segment), and the
     * finer step reported within it ({@link #LAST_STEP_PARTS}).
     */
    private final long lastStepFrom;
    /**
     * From here on (the last quarter) the next segment's file is made ahead ({@link SegmentFileAhead}):
     * early enough for the thread that makes it, late enough that a store that never fills a
     * segment never has one lying beside its log.
     */
    private final long nextFileFrom;
    private final long lastStepBytes;
    /**
     * Writer-only: the offset whose reaching {@link #passedAnotherForceStep} reports next (the first
     * step boundary; then the boundary after the tail it reported), so that an append compares
     * and divides only when it crosses one.
     */
    private long nextForceStepAt;
    /** The shared mapping appends copy into, or null when they go through {@link #channel}. */
    private SharedMapping mapping;
    /**
     * With a mapping: every page below this offset was written by a system call (records, or
     * zeros ahead of them), so the file system has backed it and a copy into it cannot fault
     * for want of space. Raised under this object's monitor, after the zeros are written.
     */
    private volatile long backedEnd;
    /** Set under this object's monitor when appends end (sealed, closed): no more backing ahead. */
    private boolean appendsEnded;

    /**
     * Creates segment {@code id}'s file (header, sparse to {@code capacity}, forced and
     * published by rename), maps it, and readies it for appends at the header's end; through a
     * shared mapping when {@code mappedAppends} and {@code io} offers one.
     */
    static ActiveSegment create(FileIo io, Path dir, long storeId, long id, long capacity, boolean mappedAppends)
            throws IOException {
        Path temp = DurableFiles.temporaryFor(dir.resolve(segmentFileName(id)));
        io.deleteIfExists(temp);
        makeFile(io, temp, storeId, id, capacity);
        return publish(io, dir, storeId, id, capacity, mappedAppends, temp);
    }

    /** Writes segment {@code id}'s file at {@code file} (a temporary name): header, sparse to the capacity, forced. */
    static void makeFile(FileIo io, Path file, long storeId, long id, long capacity) throws IOException {
        try (FileHandle channel = io.createNew(file)) {
            channel.writeFully(SegmentHeader.encode(storeId, id, capacity), 0);
            // Sparse until written: the map covers the whole capacity, appends fill it in.
            channel.writeFully(ByteBuffer.allocate(1), capacity - 1);
            channel.force(true);
        }
    }

    /**
     * Moves {@code made} ({@link #makeFile}) to segment {@code id}'s name, forces the directory,
     * maps the segment and readies it for appends at the header's end.
     */
    static ActiveSegment publish(FileIo io, Path dir, long storeId, long id, long capacity, boolean mappedAppends,
            Path made) throws IOException {
        Path file = dir.resolve(segmentFileName(id));
        DurableFiles.publish(io, made, file);
        Segment segment = Segment.map(io, file, id, capacity, Checksums.mask(storeId, id), SEGMENT_HEADER_LENGTH);
        return new ActiveSegment(segment, new InterruptSafeChannel(io, file), new HintFile.Builder(),
                SEGMENT_HEADER_LENGTH, mappingForAppends(io, segment, mappedAppends));
    }

    /** A shared mapping of the whole segment file for appends, or null: when not wanted, or not offered. */
    static SharedMapping mappingForAppends(FileIo io, Segment segment, boolean mappedAppends) throws IOException {
        if (!mappedAppends || segment.capacityBytes() > Integer.MAX_VALUE) {
            return null;
        }
        return io.mapShared(segment.path(), (int) segment.capacityBytes());
    }

    ActiveSegment(Segment segment, InterruptSafeChannel channel, HintFile.Builder hints, long tail,
            SharedMapping mapping) {
        this.segment = segment;
        this.channel = channel;
        this.hints = hints;
        this.tail = tail;
        this.mapping = mapping;
        this.backedEnd = tail;
        this.forceStepBytes = Math.max(segment.capacityBytes() >>> 3, MIN_FORCE_STEP_BYTES);
        this.nextForceStepAt = forceStepBytes;
        long capacity = segment.capacityBytes();
        this.lastStepFrom = forceStepBytes < capacity ? capacity - forceStepBytes : Long.MAX_VALUE;
        this.nextFileFrom = capacity - capacity / 4;
        this.lastStepBytes = Math.max(forceStepBytes / LAST_STEP_PARTS, MIN_FORCE_STEP_BYTES / 2);
    }

    /**
     * Writes {@code source}'s remaining bytes at {@code position} of the file, through the
     * mapping when there is one, and consumes them.
     *
     * @throws IOException if the write fails; through the mapping, when the file system could not
     *                     back a page (disk full), and the bytes may then be partly written
     */
    void write(ByteBuffer source, long position) throws IOException {
        if (mapping == null) {
            channel.write(source, position);
            return;
        }
        long end = position + source.remaining();
        if (end > backedEnd) {
            backNow(end);
        }
        mapping.write(source, position);
    }

    /**
     * Whether the appends passed another force step (an eighth of the segment, at least
     * {@link #MIN_FORCE_STEP_BYTES}; within the last one, a {@link #LAST_STEP_PARTS}th of it)
     * since the last true. Writer-only.
     */
    boolean passedAnotherForceStep() {
        if (tail < nextForceStepAt) {
            return false;
        }
        long step = tail >= lastStepFrom ? lastStepBytes : forceStepBytes;
        nextForceStepAt = (tail / step + 1) * step;
        return true;
    }

    /** Zeroes the bytes failed appends may have left past the tail (see {@link #failedAppendEnd}). */
    void eraseFailedAppends() throws IOException {
        long end = Math.min(failedAppendEnd, segment.capacityBytes());
        ByteBuffer zeros = ByteBuffer.allocate(64 * 1024);
        for (long at = tail; at < end; at += zeros.capacity()) {
            zeros.clear().limit((int) Math.min(zeros.capacity(), end - at));
            write(zeros, at);
        }
        failedAppendEnd = 0;
    }

    private synchronized void backNow(long end) throws IOException {
        back(end);
    }

    /** Whether the appends reached the segment's last quarter, where the next file is made. Writer-only. */
    boolean wantsNextFile() {
        return tail >= nextFileFrom;
    }

    /** {@link #wantsNextFile}, from the end of the data as published to readers; any thread. */
    boolean nextFileDue() {
        return segment.dataEnd() >= nextFileFrom;
    }

    /**
     * Whether the backed pages ahead of the tail are under half of what the work-ahead thread
     * keeps ({@link #backAhead}). Writer-only.
     */
    boolean backingRunsLow() {
        SharedMapping m = mapping;
        long backed = backedEnd;
        return m != null && backed < m.capacity() && tail + BACK_AHEAD_OF_WRITER_BYTES / 2 > backed;
    }

    /**
     * Backs the pages from {@link #backedEnd} to {@link #BACK_AHEAD_OF_WRITER_BYTES} past the tail
     * (as published to readers), unless appends have ended. The work-ahead thread.
     */
    synchronized void backAhead() throws IOException {
        if (!appendsEnded && mapping != null) {
            back(Math.min(mapping.capacity(), segment.dataEnd() + BACK_AHEAD_OF_WRITER_BYTES));
        }
    }

    /** Ends the backing ahead: called before the segment is sealed or closed. */
    synchronized void endAppends() {
        appendsEnded = true;
    }

    /** Writes zeros from {@link #backedEnd} to at least {@code end}, a chunk ahead when it fits. Holds the monitor. */
    private void back(long end) throws IOException {
        long target = Math.min(mapping.capacity(), Math.max(end, backedEnd + BACK_AHEAD_BYTES));
        while (backedEnd < target) {
            ByteBuffer zeros = ZEROS.duplicate();
            zeros.limit((int) Math.min(ZEROS_BYTES, target - backedEnd));
            channel.write(zeros, backedEnd);
            backedEnd += zeros.limit();
        }
    }

    /**
     * Unmaps the shared mapping, if any; the writer is done with this segment (a later
     * {@link #write} goes to the channel, which is closed by then).
     */
    synchronized void releaseMapping() {
        appendsEnded = true;
        SharedMapping released = mapping;
        mapping = null;
        if (released != null) {
            released.close();
        }
    }
}
