package dev.basalt.internal.checkpoint;

import static dev.basalt.internal.checkpoint.CheckpointFormat.*;

import dev.basalt.internal.env.CrashPoints;
import dev.basalt.internal.env.DurableFiles;
import dev.basalt.internal.env.FileHandle;
import dev.basalt.internal.env.FileIo;
import dev.basalt.internal.index.IndexImage;
import dev.basalt.internal.listing.ListingImage;
import dev.basalt.internal.log.CoveredLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Writes the checkpoint file of a data directory and reads it back, checking every block. Writing
 * goes to a temporary file that is forced and then renamed over the old checkpoint, so a crash
 * leaves the old one, the new one or none, never a torn one under the real name. Reading builds
 * new structures and hands them to the caller only when the whole file verified; on any problem it
 * frees what it built and says why.
 *
 * <p>Threads: {@link #write} reads the structures it is given, which must not change meanwhile
 * (the store hands it copies taken under its append lock, or at close the structures themselves);
 * {@link #read} runs at open, alone.
 */
public final class CheckpointFile {
    private CheckpointFile() {
    }

    /** The checkpoint's path in {@code dir}. */
    public static Path path(Path dir) {
        return dir.resolve(FILE_NAME);
    }

    /**
     * Writes {@code content} as the directory's checkpoint, replacing any older one:
     * {@link #writeTemporary} then {@link #publish}.
     *
     * @throws IOException when it cannot be written; the older checkpoint, if any, is then left as it was
     */
    public static void write(FileIo io, Path dir, CheckpointContent content) throws IOException {
        writeTemporary(io, dir, content);
        publish(io, dir);
    }

    /**
     * Writes {@code content} to the checkpoint's temporary file, not yet forced: the part that
     * reads the structures, which the caller keeps writers out of. {@link #publish} makes it
     * the checkpoint, and may run after the writers resumed.
     *
     * @return the file's size in bytes
     */
    public static long writeTemporary(FileIo io, Path dir, CheckpointContent content) throws IOException {
        if (ByteOrder.nativeOrder() != ORDER) {
            throw new IOException("index slots are copied in native byte order, which is not little-endian here");
        }
        Path temp = DurableFiles.temporaryFor(path(dir));
        io.deleteIfExists(temp);
        try (FileHandle file = io.createNew(temp)) {
            BlockOutput out = new BlockOutput(file);
            out.block(KIND_HEADER, header(content));
            out.aligned(KIND_ACTIVE_HINTS, content.log().activeHints().entries());
            for (CheckpointContent.Namespace ns : content.namespaces()) {
                writeNamespace(out, ns);
            }
            writeExpiry(out, content.expiry());
            ByteBuffer end = ByteBuffer.allocate(Long.BYTES).order(ORDER).putLong(out.blocks());
            out.block(KIND_END, end.flip());
            return out.bytesWritten();
        }
    }

    /**
     * Forces the temporary file {@link #writeTemporary} left and renames it over the checkpoint
     * (then forces the directory): a crash leaves the old checkpoint or the new one, whole.
     */
    public static void publish(FileIo io, Path dir) throws IOException {
        Path target = path(dir);
        Path temp = DurableFiles.temporaryFor(target);
        CrashPoints.publishing(target, CrashPoints.PublishStep.TEMP_WRITTEN);
        try (FileHandle file = io.open(temp, true)) {
            file.force(true);
        }
        DurableFiles.publish(io, temp, target);
    }

    /** Deletes the directory's checkpoint, if any, durably. */
    public static void delete(FileIo io, Path dir) throws IOException {
        if (io.deleteIfExists(path(dir))) {
            io.forceDirectory(dir);
        }
    }

    /**
     * Reads and verifies the directory's checkpoint.
     *
     * @return its content (the caller owns the indexes and listings), or null when there is none
     * @throws CheckpointRejected when it exists but cannot be trusted; nothing is left allocated
     */
    public static CheckpointContent read(FileIo io, Path dir, long storeId) throws CheckpointRejected {
        Path file = path(dir);
        if (!io.exists(file)) {
            return null;
        }
        return CheckpointReader.read(io, file, storeId);
    }

    // ---------------------------------------------------------------- writing

    private static ByteBuffer header(CheckpointContent c) {
        CoveredLog log = c.log();
        int segments = log.segmentIds().length;
        ByteBuffer b = ByteBuffer.allocate(HEADER_FIXED_BYTES + segments * SEGMENT_ENTRY_BYTES).order(ORDER);
        b.putLong(MAGIC).putInt(VERSION).putInt(0);
        b.putLong(c.storeId()).putLong(c.hashSeed()).putLong(c.maxSequence()).putLong(c.liveExpiringKeys())
                .putLong(c.damagedRanges());
        b.putInt(c.namespaces().size()).putInt(segments);
        b.putInt(log.activeHints().count()).putInt(0).putLong(log.activeHints().bytes());
        for (int i = 0; i < segments; i++) {
            b.putLong(log.segmentIds()[i]).putLong(log.dataEnds()[i]).putLong(log.modifiedNanos()[i])
                    .putLong(c.liveBytes()[i]).putLong(c.minSequences()[i]);
        }
        return b.flip();
    }

    private static void writeNamespace(BlockOutput out, CheckpointContent.Namespace ns) throws IOException {
        byte[] name = ns.name().getBytes(StandardCharsets.UTF_8);
        IndexImage.Shape shape = IndexImage.shape(ns.index());
        ByteBuffer b = ByteBuffer.allocate(2 + name.length + NAMESPACE_FIXED_BYTES).order(ORDER);
        b.putShort((short) name.length).put(name);
        b.putInt(shape.capacitySlots()).putInt(shape.liveKeys()).putInt(shape.deletedSlots());
        b.putLong(ns.listing().size()).putInt(ns.unlisted().count());
        out.block(KIND_NAMESPACE, b.flip());
        IndexImage.copyOut(ns.index(), chunk -> out.aligned(KIND_INDEX_SLOTS, chunk));
        ListingImage.Shape listing = ListingImage.shape(ns.listing());
        ByteBuffer state = ByteBuffer.allocate(LISTING_STATE_FIXED_BYTES + ListingImage.FREE_LISTS * Integer.BYTES)
                .order(ORDER);
        state.putLong(listing.size()).putLong(listing.randomState()).putLong(listing.freeBytes())
                .putLong(listing.retiredBytes());
        state.putInt(listing.topLevel()).putInt(listing.chunkCount()).putInt(listing.bumpOffsetBytes())
                .putInt(listing.retired().length);
        for (int head : listing.freeListHeads()) {
            state.putInt(head);
        }
        out.block(KIND_LISTING_STATE, state.flip());
        BlockOutput.EntryBlocks retired = out.new EntryBlocks(KIND_RETIRED_NODES);
        for (int address : listing.retired()) {
            retired.room(Integer.BYTES).putInt(address);
        }
        retired.flush();
        ListingImage.copyOut(ns.listing(), chunk -> out.aligned(KIND_LISTING_CHUNK, chunk));
        BlockOutput.EntryBlocks unlisted = out.new EntryBlocks(KIND_UNLISTED_KEYS);
        UnlistedKeys keys = ns.unlisted();
        for (int i = 0; i < keys.count(); i++) {
            ByteBuffer entry = unlisted.room(UnlistedKeys.ENTRY_FIXED_BYTES + keys.length(i))
                    .putLong(keys.location(i)).put(keys.plainness(i)).putShort((short) keys.length(i));
            keys.copyKey(i, entry);
        }
        unlisted.flush();
    }

    private static void writeExpiry(BlockOutput out, CheckpointContent.ExpiryEntries expiry) throws IOException {
        BlockOutput.EntryBlocks entries = out.new EntryBlocks(KIND_EXPIRY_ENTRIES);
        try {
            expiry.forEach((namespace, expiration, keyHash, location) -> {
                try {
                    entries.room(EXPIRY_ENTRY_BYTES + 4).putInt(namespace).putLong(expiration).putLong(keyHash)
                            .putLong(location);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        entries.flush();
    }
}
