package dev.basalt.internal.checkpoint;

import static dev.basalt.internal.checkpoint.CheckpointFormat.*;

import dev.basalt.internal.env.CrashPoints;
import dev.basalt.internal.env.DurableFiles;
import dev.basalt.internal.env.FileHandle;
import dev.basalt.internal.env.FileIo;
import dev.basalt.internal.index.HashIndex;
import dev.basalt.internal.index.IndexImage;
import dev.basalt.internal.listing.KeyListing;
import dev.basalt.internal.log.CoveredLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Writes the checkpoint file of a data directory and reads it back, checking every block. Writing
 * goes to a temporary file that is forced and then renamed over the old checkpoint, so a crash
 * leaves the old one, the new one or none, never a torn one under the real name. Reading builds
 * new structures and hands them to the caller only when the whole file verified; on any problem it
 * frees what it built and says why.
 *
 * <p>Threads: {@link #write} reads the structures it is given, so the caller keeps writers out
 * (the store calls it at close, with every write applied); {@link #read} runs at open, alone.
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
            out.sliced(KIND_ACTIVE_HINTS, content.log().activeHints().entries());
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
        List<CheckpointContent.Namespace> namespaces = new ArrayList<>();
        try (FileHandle handle = io.open(file, false)) {
            BlockInput in = new BlockInput(handle);
            Header header = Header.parse(in.next(KIND_HEADER), storeId);
            ByteBuffer activeHints = ByteBuffer.allocateDirect((int) header.activeHintBytes);
            while (activeHints.hasRemaining()) {
                ByteBuffer block = in.next(KIND_ACTIVE_HINTS);
                if (block.remaining() > activeHints.remaining()) {
                    throw new CheckpointRejected("active hint blocks overrun the " + header.activeHintBytes
                            + " bytes the header gives");
                }
                activeHints.put(block);
            }
            header.log = new CoveredLog(header.ids, header.ends, header.modified,
                    new CoveredLog.ActiveHints(header.activeHintCount, activeHints.flip()));
            for (int i = 0; i < header.namespaceCount; i++) {
                namespaces.add(readNamespace(in));
            }
            long[] expiry = readExpiry(in, header.namespaceCount);
            long blocksBefore = in.blocks();
            long claimed = in.next(KIND_END).getLong(0);
            if (claimed != blocksBefore || !in.atEnd()) {
                throw new CheckpointRejected("the end block counts " + claimed + " blocks before it; the file has "
                        + blocksBefore + (in.atEnd() ? "" : ", and bytes after it"));
            }
            return new CheckpointContent(header.storeId, header.hashSeed, header.maxSequence, header.liveExpiringKeys,
                    header.damagedRanges, header.log, header.liveBytes, header.minSequences, namespaces, sink -> {
                        for (int i = 0; i < expiry.length; i += 4) {
                            sink.accept((int) expiry[i], expiry[i + 1], expiry[i + 2], expiry[i + 3]);
                        }
                    });
        } catch (CheckpointRejected | IOException | RuntimeException e) {
            for (CheckpointContent.Namespace ns : namespaces) {
                ns.index().close();
                ns.listing().close();
            }
            if (e instanceof CheckpointRejected) {
                throw (CheckpointRejected) e;
            }
            throw new CheckpointRejected(file + ": " + e.getMessage());
        }
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
        b.putInt(log.activeHints().count()).putInt(0).putLong(log.activeHints().entries().remaining());
        for (int i = 0; i < segments; i++) {
            b.putLong(log.segmentIds()[i]).putLong(log.dataEnds()[i]).putLong(log.modifiedNanos()[i])
                    .putLong(c.liveBytes()[i]).putLong(c.minSequences()[i]);
        }
        return b.flip();
    }

    private static void writeNamespace(BlockOutput out, CheckpointContent.Namespace ns) throws IOException {
        byte[] name = ns.name().getBytes(StandardCharsets.UTF_8);
        IndexImage.Shape shape = IndexImage.shape(ns.index());
        ByteBuffer b = ByteBuffer.allocate(2 + name.length + 12 + 8).order(ORDER);
        b.putShort((short) name.length).put(name);
        b.putInt(shape.capacitySlots()).putInt(shape.liveKeys()).putInt(shape.deletedSlots());
        b.putLong(ns.listing().size());
        out.block(KIND_NAMESPACE, b.flip());
        IndexImage.copyOut(ns.index(), chunk -> out.sliced(KIND_INDEX_SLOTS, chunk));
        BlockOutput.EntryBlocks keys = out.new EntryBlocks(KIND_LISTING_KEYS);
        try {
            ns.listing().scan(null, 0, 0, false, null, 0, 0, Integer.MAX_VALUE, (key, offset, length) -> {
                try {
                    ByteBuffer room = keys.room(2 + length);
                    room.putShort((short) length);
                    key.getBytes(offset, room, length);
                    return true;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        keys.flush();
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

    // ---------------------------------------------------------------- reading

    private static CheckpointContent.Namespace readNamespace(BlockInput in) throws IOException, CheckpointRejected {
        ByteBuffer b = in.next(KIND_NAMESPACE);
        int nameLength = b.getShort() & 0xFFFF;
        byte[] name = new byte[nameLength];
        b.get(name);
        IndexImage.Shape shape = new IndexImage.Shape(b.getInt(), b.getInt(), b.getInt());
        long listed = b.getLong();
        if (listed != shape.liveKeys()) {
            throw new CheckpointRejected("namespace " + new String(name, StandardCharsets.UTF_8) + " lists " + listed
                    + " keys but indexes " + shape.liveKeys());
        }
        HashIndex index;
        try {
            index = IndexImage.copyIn(shape, chunk -> {
                while (chunk.hasRemaining()) {
                    ByteBuffer slots = nextUnchecked(in, KIND_INDEX_SLOTS);
                    if (slots.remaining() > chunk.remaining()) {
                        throw new IOException("index slot blocks overrun the table of " + shape.capacitySlots()
                                + " slots");
                    }
                    chunk.put(slots);
                }
            });
        } catch (IllegalArgumentException e) {
            throw new CheckpointRejected("namespace " + new String(name, StandardCharsets.UTF_8) + ": " + e.getMessage());
        } catch (RejectedInside e) {
            throw e.rejected;
        }
        KeyListing listing = new KeyListing();
        try {
            readKeys(in, listing, listed);
        } catch (CheckpointRejected | IOException | RuntimeException e) {
            index.close();
            listing.close();
            throw e;
        }
        return new CheckpointContent.Namespace(new String(name, StandardCharsets.UTF_8), index, listing);
    }

    private static void readKeys(BlockInput in, KeyListing listing, long count) throws IOException, CheckpointRejected {
        UnsafeBuffer key = new UnsafeBuffer(0, 0);
        long read = 0;
        while (read < count) {
            ByteBuffer b = in.next(KIND_LISTING_KEYS);
            key.wrap(b, 0, b.limit());
            int at = 0;
            while (at < b.limit()) {
                int length = key.getShort(at, ORDER) & 0xFFFF;
                if (at + 2 + length > b.limit()) {
                    throw new CheckpointRejected("a listing key of " + length + " bytes overruns its block");
                }
                try {
                    listing.appendLast(key, at + 2, length);
                } catch (IllegalArgumentException e) {
                    throw new CheckpointRejected("listing key " + read + ": " + e.getMessage());
                }
                at += 2 + length;
                read++;
            }
        }
        if (read != count) {
            throw new CheckpointRejected("the listing holds " + read + " keys, its namespace says " + count);
        }
    }

    /** Four longs per entry: namespace, expiration, key hash, location. */
    private static long[] readExpiry(BlockInput in, int namespaceCount) throws IOException, CheckpointRejected {
        long[] entries = new long[0];
        int used = 0;
        while (in.peekKind() == KIND_EXPIRY_ENTRIES) {
            ByteBuffer b = in.next(KIND_EXPIRY_ENTRIES);
            if (b.remaining() % (EXPIRY_ENTRY_BYTES + 4) != 0) {
                throw new CheckpointRejected("an expiry block of " + b.remaining() + " bytes is not whole entries");
            }
            int count = b.remaining() / (EXPIRY_ENTRY_BYTES + 4);
            if (used + 4L * count > Integer.MAX_VALUE - 8) {
                throw new CheckpointRejected("more expiry entries than one array holds");
            }
            if (used + 4 * count > entries.length) {
                entries = java.util.Arrays.copyOf(entries, Math.max(used + 4 * count, entries.length * 2));
            }
            for (int i = 0; i < count; i++) {
                int namespace = b.getInt();
                if (namespace < 0 || namespace >= namespaceCount) {
                    throw new CheckpointRejected("an expiry entry names namespace " + namespace + " of "
                            + namespaceCount);
                }
                entries[used++] = namespace;
                entries[used++] = b.getLong();
                entries[used++] = b.getLong();
                entries[used++] = b.getLong();
            }
        }
        return java.util.Arrays.copyOf(entries, used);
    }

    private static ByteBuffer nextUnchecked(BlockInput in, int kind) throws IOException {
        try {
            return in.next(kind);
        } catch (CheckpointRejected e) {
            throw new RejectedInside(e);
        }
    }

    /** Carries a rejection out of a {@link IndexImage.ChunkSource}, which may throw only IOException. */
    private static final class RejectedInside extends IOException {
        private static final long serialVersionUID = 1L;
        final transient CheckpointRejected rejected;

        RejectedInside(CheckpointRejected rejected) {
            super(rejected.getMessage());
            this.rejected = rejected;
        }
    }

    /** The header block's fields. */
    private static final class Header {
        long storeId;
        long hashSeed;
        long maxSequence;
        long liveExpiringKeys;
        long damagedRanges;
        int namespaceCount;
        CoveredLog log;
        long[] ids;
        long[] ends;
        long[] modified;
        int activeHintCount;
        long activeHintBytes;
        long[] liveBytes;
        long[] minSequences;

        static Header parse(ByteBuffer b, long expectedStoreId) throws CheckpointRejected {
            if (b.remaining() < HEADER_FIXED_BYTES) {
                throw new CheckpointRejected("header block of " + b.remaining() + " bytes is shorter than "
                        + HEADER_FIXED_BYTES);
            }
            long magic = b.getLong();
            int version = b.getInt();
            b.getInt();
            if (magic != MAGIC) {
                throw new CheckpointRejected("not a checkpoint: magic " + Long.toHexString(magic));
            }
            if (version != VERSION) {
                throw new CheckpointRejected("checkpoint format version " + version + "; this build reads " + VERSION);
            }
            Header h = new Header();
            h.storeId = b.getLong();
            if (h.storeId != expectedStoreId) {
                throw new CheckpointRejected("the checkpoint belongs to store " + Long.toHexString(h.storeId)
                        + ", this directory is store " + Long.toHexString(expectedStoreId));
            }
            h.hashSeed = b.getLong();
            h.maxSequence = b.getLong();
            h.liveExpiringKeys = b.getLong();
            h.damagedRanges = b.getLong();
            h.namespaceCount = b.getInt();
            int segments = b.getInt();
            h.activeHintCount = b.getInt();
            b.getInt();
            h.activeHintBytes = b.getLong();
            if (h.activeHintCount < 0 || h.activeHintBytes < 0 || h.activeHintBytes > Integer.MAX_VALUE) {
                throw new CheckpointRejected("header claims " + h.activeHintCount + " active hint entries in "
                        + h.activeHintBytes + " bytes");
            }
            if (h.namespaceCount < 0 || segments < 1 || b.remaining() != (long) segments * SEGMENT_ENTRY_BYTES) {
                throw new CheckpointRejected("header claims " + h.namespaceCount + " namespaces and " + segments
                        + " segments in " + b.remaining() + " bytes");
            }
            long[] ids = new long[segments];
            long[] ends = new long[segments];
            long[] modified = new long[segments];
            h.liveBytes = new long[segments];
            h.minSequences = new long[segments];
            for (int i = 0; i < segments; i++) {
                ids[i] = b.getLong();
                ends[i] = b.getLong();
                modified[i] = b.getLong();
                h.liveBytes[i] = b.getLong();
                h.minSequences[i] = b.getLong();
            }
            try {
                new CoveredLog(ids, ends, modified, null); // checks the ids ascend
            } catch (IllegalArgumentException e) {
                throw new CheckpointRejected("header: " + e.getMessage());
            }
            h.ids = ids;
            h.ends = ends;
            h.modified = modified;
            return h;
        }
    }
}
