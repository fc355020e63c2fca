package dev.basalt.internal.log;

import static dev.basalt.internal.env.Limits.MAX_KEY_BYTES;
import static dev.basalt.internal.env.Limits.MAX_METADATA_BYTES;
import static dev.basalt.internal.env.Limits.MAX_NAMESPACE_BYTES;
import static dev.basalt.internal.log.LogFormat.*;

import dev.basalt.internal.env.DurableFiles;
import dev.basalt.internal.env.FileHandle;
import dev.basalt.internal.env.FileIo;
import dev.basalt.internal.env.ReadOnlyView;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Hint files (format in {@code docs/format.md}): what recovery needs from each record of a
 * sealed segment, without its values. A hint file is derived data: one that fails any check is
 * ignored, its segment rescanned and the hint written again.
 *
 * <p>Threads: a {@link Builder} belongs to the active segment and is used under the log's
 * append lock (or by recovery, alone).
 */
public final class HintFile {
    private HintFile() {
    }

    /**
     * Accumulates the entries of the active segment off-heap, ready to be written at seal. After
     * an open from a checkpoint it starts from the checkpoint's entries, which it keeps where they
     * lie (a copy-on-write mapping of the checkpoint) and never writes: copying them into fresh
     * memory cost about 40 ms of an open at 1 M keys. Entries added since go to memory of its own.
     */
    public static final class Builder {
        private static final UnsafeBuffer NONE = new UnsafeBuffer(new byte[0]);

        /** The entries restored at open, never changed; empty for a new segment. */
        private final UnsafeBuffer kept;
        private final int keptCount;
        /** The entries added after {@link #kept}. */
        private final EntryChunks added;

        /** An empty builder, for a new segment or a scan. */
        public Builder() {
            this(NONE, 0, EntryChunks.DEFAULT_CHUNK_BYTES);
        }

        /** An empty builder whose own entries go in chunks of {@code chunkBytes} (tests: many chunks). */
        Builder(int chunkBytes) {
            this(NONE, 0, chunkBytes);
        }

        private Builder(UnsafeBuffer kept, int keptCount, int chunkBytes) {
            this.kept = kept;
            this.keptCount = keptCount;
            this.added = new EntryChunks(chunkBytes);
        }

        /** New chunks of entries come from {@code spare} from now on (the active segment's builder). */
        void takeChunksFrom(SpareChunk spare) {
            added.takeChunksFrom(spare);
        }

        /**
         * Adds the record found at {@code offset} of {@code segment} (a header that checked
         * valid), which lies at {@code recordOffset} of its segment file.
         */
        public void add(DirectBuffer segment, int offset, int recordOffset) {
            add(Records.type(segment, offset), Records.sequence(segment, offset),
                    Records.expirationEpochSeconds(segment, offset), recordOffset, Records.length(segment, offset),
                    segment, Records.namespaceOffset(segment, offset), Records.namespaceLength(segment, offset),
                    Records.keyLength(segment, offset));
        }

        /**
         * Adds an entry from its parts ({@code names} holds the namespace, then the key, at
         * {@code namesOffset}).
         */
        public void add(byte type, long sequence, long expirationEpochSeconds, int recordOffset, int recordLength,
                DirectBuffer names, int namesOffset, int nsLength, int keyLength) {
            int entryLength = (int) align(HINT_ENTRY_FIXED_LENGTH + nsLength + keyLength);
            int at = added.append(entryLength);
            MutableDirectBuffer b = added.last();
            b.putLong(at + HINT_ENTRY_SEQUENCE_OFFSET, sequence, BYTE_ORDER);
            b.putLong(at + HINT_ENTRY_EXPIRATION_OFFSET, expirationEpochSeconds, BYTE_ORDER);
            b.putInt(at + HINT_ENTRY_RECORD_OFFSET_OFFSET, recordOffset, BYTE_ORDER);
            b.putInt(at + HINT_ENTRY_RECORD_LENGTH_OFFSET, recordLength, BYTE_ORDER);
            b.putShort(at + HINT_ENTRY_KEY_LENGTH_OFFSET, (short) keyLength, BYTE_ORDER);
            b.putByte(at + HINT_ENTRY_TYPE_OFFSET, type);
            b.putByte(at + HINT_ENTRY_NAMESPACE_LENGTH_OFFSET, (byte) nsLength);
            b.setMemory(at + HINT_ENTRY_FIXED_LENGTH - 4, 4, (byte) 0);
            int body = at + HINT_ENTRY_FIXED_LENGTH;
            b.putBytes(body, names, namesOffset, nsLength + keyLength);
            b.setMemory(body + nsLength + keyLength, entryLength - HINT_ENTRY_FIXED_LENGTH - nsLength - keyLength,
                    (byte) 0);
        }

        public int count() {
            return keptCount + added.count();
        }

        /**
         * The entries so far, in the hint file's entry layout, as read-only views to be taken in
         * order (the kept ones, then those added since, a view per chunk of them), valid until
         * the next {@link #add}. A checkpoint saves them so that an open after a crash need not
         * rescan the part of the active segment the checkpoint covers.
         */
        public ByteBuffer[] entries() {
            return entries(count());
        }

        /** {@link #entries} cut to the first {@code n} entries. */
        public ByteBuffer[] entries(int n) {
            int keptN = Math.min(n, keptCount);
            int keptBytes = keptN == keptCount ? kept.capacity() : prefixBytes(kept, keptN);
            List<ByteBuffer> views = new ArrayList<>();
            if (keptBytes > 0) { // a new segment's empty view of nothing would load a class under the lock
                views.add(view(kept, keptBytes));
            }
            views.addAll(added.views(n - keptN));
            return views.toArray(new ByteBuffer[0]);
        }

        /** The number of entries whose record starts before {@code recordOffset} (entries are in offset order). */
        public int countBefore(int recordOffset) {
            int n = HintFile.countBefore(kept, keptCount, recordOffset);
            return n < keptCount ? n : keptCount + added.countBefore(recordOffset);
        }

        private static ByteBuffer view(DirectBuffer b, int bytes) {
            ByteBuffer whole = b.byteBuffer() != null ? b.byteBuffer() : ByteBuffer.wrap(b.byteArray());
            return whole.asReadOnlyBuffer().position(0).limit(bytes);
        }

        /**
         * A builder that starts from {@code count} entries in {@code saved} (position to limit),
         * as {@link #entries} gave them, and keeps them there: the caller must neither change nor
         * free that memory while the builder lives (a checkpoint's mapping: the store unmaps it at
         * close, {@code CheckpointContent.unmap}).
         *
         * @throws IllegalArgumentException when the bytes do not hold exactly {@code count} well-formed entries
         */
        public static Builder keeping(int count, ByteBuffer saved) {
            // A slice, so that the buffer behind the view (entries()) starts where the entries do.
            UnsafeBuffer kept = saved.hasRemaining() ? new UnsafeBuffer(saved.slice()) : NONE;
            if (!entriesFit(kept, 0, count, kept.capacity())) {
                throw new IllegalArgumentException(kept.capacity() + " bytes do not hold " + count + " hint entries");
            }
            return new Builder(kept, count, EntryChunks.DEFAULT_CHUNK_BYTES);
        }

        /** A builder holding a copy of {@code count} entries in {@code parts}, taken in order. */
        public static Builder copyOf(int count, ByteBuffer... parts) {
            int bytes = 0;
            for (ByteBuffer part : parts) {
                bytes += part.remaining();
            }
            ByteBuffer joined = ByteBuffer.allocateDirect(bytes);
            for (ByteBuffer part : parts) {
                joined.put(part.duplicate());
            }
            return keeping(count, joined.flip());
        }

        /** Where the next entry goes; {@link #rewind} to it drops every entry added since. */
        public long mark() {
            return added.mark() & 0xFFFFFFFFL;
        }

        /** Drops the entries added after {@code mark} (the records of a batch that failed). */
        public void rewind(long mark) {
            added.rewind((int) mark);
        }

        /**
         * Writes {@code segmentId}'s hint file by the tmp-force-move-fsync protocol, straight from
         * the entries' own memory. (It used to copy the whole file into a fresh direct buffer
         * first, 25 MiB for a 64 MiB segment, zeroed, copied into, and left to a GC to free.)
         */
        public void write(FileIo io, Path dir, long storeId, long segmentId, long dataEnd) {
            ByteBuffer[] entries = entries();
            ByteBuffer header = ByteBuffer.allocate(HINT_HEADER_LENGTH).order(BYTE_ORDER);
            header.putLong(0, HINT_MAGIC);
            header.putInt(HINT_VERSION_OFFSET, FORMAT_VERSION);
            header.putInt(HINT_VERSION_OFFSET + 4, 0);
            header.putLong(HINT_STORE_ID_OFFSET, storeId);
            header.putLong(HINT_SEGMENT_ID_OFFSET, segmentId);
            header.putInt(HINT_DATA_END_OFFSET, (int) dataEnd);
            header.putInt(HINT_ENTRY_COUNT_OFFSET, count());
            ByteBuffer[] parts = new ByteBuffer[entries.length + 2];
            parts[0] = header;
            System.arraycopy(entries, 0, parts, 1, entries.length);
            int crc = Checksums.masked(parts, entries.length + 1, Checksums.mask(storeId, segmentId));
            parts[parts.length - 1] = ByteBuffer.allocate(HINT_TRAILER_LENGTH).order(BYTE_ORDER).putInt(0, crc);
            DurableFiles.writeAtomically(io, dir.resolve(hintFileName(segmentId)), parts);
        }
    }

    /** What recovery learns from one entry. */
    public interface EntryVisitor {
        /**
         * The segment's data end the verified file states, before the first entry: every
         * entry's record lies before it.
         */
        default void dataEnd(long dataEnd) {
        }

        /** {@code entry} holds namespace then key at {@code nameOffset}. */
        void visit(byte type, long sequence, long expirationEpochSeconds, int recordOffset, int recordLength,
                DirectBuffer entry, int nameOffset, int namespaceLength, int keyLength);
    }

    /**
     * Reads and verifies a hint file, then visits its entries. Returns the segment's data end,
     * or -1 (visiting nothing) when the file is absent or fails any check; {@code problem}
     * receives the reason for a file that exists but is rejected.
     */
    public static long read(Path file, long storeId, long segmentId, long capacityBytes, EntryVisitor visitor,
            java.util.function.Consumer<String> problem) {
        return read(FileIo.real(), file, storeId, segmentId, capacityBytes, visitor, problem);
    }

    /**
     * What a hint file's header states, without verifying the file (its checksum covers every
     * entry, and the open checks it when it replays the file): its segment's data end and its
     * entry count, as {@code {dataEnd, entries}}, or null when the file is absent or its header is
     * not a hint header. For estimates only.
     */
    public static long[] statedCounts(FileIo io, Path file) {
        if (!io.exists(file)) {
            return null;
        }
        ByteBuffer header = ByteBuffer.allocate(HINT_HEADER_LENGTH).order(BYTE_ORDER);
        try (FileHandle handle = io.open(file, false)) {
            while (header.hasRemaining() && handle.read(header, header.position()) > 0) {
                // read on until the header is whole or the file ends
            }
        } catch (IOException e) {
            return null;
        }
        if (header.hasRemaining() || header.getLong(0) != HINT_MAGIC) {
            return null;
        }
        return new long[] {header.getInt(HINT_DATA_END_OFFSET) & 0xFFFFFFFFL,
            header.getInt(HINT_ENTRY_COUNT_OFFSET) & 0xFFFFFFFFL};
    }

    /**
     * The data end a hint file gives, or -1 as {@link #read}: the file's header and checksum are
     * verified, its entries are not visited. For an open that only needs to know where a
     * clean close left the active segment's data: at 1 M keys the visit of its entries cost a
     * third of such an open.
     */
    public static long readDataEnd(FileIo io, Path file, long storeId, long segmentId, long capacityBytes,
            java.util.function.Consumer<String> problem) {
        return read(io, file, storeId, segmentId, capacityBytes, null, problem);
    }

    /**
     * {@link #read(Path, long, long, long, EntryVisitor, java.util.function.Consumer)} through the
     * given file system; a null visitor reads the data end only ({@link #readDataEnd}).
     */
    public static long read(FileIo io, Path file, long storeId, long segmentId, long capacityBytes,
            EntryVisitor visitor, java.util.function.Consumer<String> problem) {
        if (!io.exists(file)) {
            return -1;
        }
        long size;
        try {
            size = io.size(file);
        } catch (IOException e) {
            problem.accept(file + ": " + e);
            return -1;
        }
        if (size < HINT_HEADER_LENGTH + HINT_TRAILER_LENGTH || size > capacityBytes) {
            problem.accept(file + ": size " + size + " is outside " + (HINT_HEADER_LENGTH + HINT_TRAILER_LENGTH)
                    + ".." + capacityBytes);
            return -1;
        }
        // Mapped, not read into a buffer: at open the buffer's page faults cost more than the
        // reading (ReadOnlyView says why). Hint files are published by rename, never rewritten.
        ReadOnlyView view;
        try {
            view = ReadOnlyView.map(io, file, size);
        } catch (IOException | RuntimeException e) {
            problem.accept(file + ": " + e);
            return -1;
        }
        try {
            return visit(view.wrap(new UnsafeBuffer(0, 0), 0, (int) size), file, storeId, segmentId, capacityBytes,
                    visitor, problem);
        } finally {
            view.close(); // visitors copy what they keep
        }
    }

    private static long visit(UnsafeBuffer b, Path file, long storeId, long segmentId, long capacityBytes,
            EntryVisitor visitor, java.util.function.Consumer<String> problem) {
        int trailer = b.capacity() - HINT_TRAILER_LENGTH;
        String bad = checkHeader(b, storeId, segmentId, capacityBytes, trailer);
        if (bad != null) {
            problem.accept(file + ": " + bad);
            return -1;
        }
        if (visitor == null) {
            return b.getInt(HINT_DATA_END_OFFSET, BYTE_ORDER) & 0xFFFFFFFFL;
        }
        int count = b.getInt(HINT_ENTRY_COUNT_OFFSET, BYTE_ORDER);
        if (!entriesFit(b, count, trailer)) {
            problem.accept(file + ": entries=" + count + " do not fit in " + trailer + " bytes");
            return -1;
        }
        visitor.dataEnd(b.getInt(HINT_DATA_END_OFFSET, BYTE_ORDER) & 0xFFFFFFFFL);
        int at = HINT_HEADER_LENGTH;
        for (int i = 0; i < count; i++) {
            int nsLength = b.getByte(at + HINT_ENTRY_NAMESPACE_LENGTH_OFFSET) & 0xFF;
            int keyLength = b.getShort(at + HINT_ENTRY_KEY_LENGTH_OFFSET, BYTE_ORDER) & 0xFFFF;
            visitor.visit(b.getByte(at + HINT_ENTRY_TYPE_OFFSET),
                    b.getLong(at + HINT_ENTRY_SEQUENCE_OFFSET, BYTE_ORDER),
                    b.getLong(at + HINT_ENTRY_EXPIRATION_OFFSET, BYTE_ORDER),
                    b.getInt(at + HINT_ENTRY_RECORD_OFFSET_OFFSET, BYTE_ORDER),
                    b.getInt(at + HINT_ENTRY_RECORD_LENGTH_OFFSET, BYTE_ORDER),
                    b, at + HINT_ENTRY_FIXED_LENGTH, nsLength, keyLength);
            at += (int) align(HINT_ENTRY_FIXED_LENGTH + nsLength + keyLength);
        }
        return b.getInt(HINT_DATA_END_OFFSET, BYTE_ORDER) & 0xFFFFFFFFL;
    }

    private static String checkHeader(UnsafeBuffer b, long storeId, long segmentId, long capacityBytes, int trailer) {
        int storedCrc = b.getInt(trailer, BYTE_ORDER);
        int actualCrc = Checksums.masked(b, 0, trailer, Checksums.mask(storeId, segmentId));
        if (b.getLong(0, BYTE_ORDER) != HINT_MAGIC) {
            return "magic=" + Long.toHexString(b.getLong(0, BYTE_ORDER)) + ", expected " + Long.toHexString(HINT_MAGIC);
        }
        if (storedCrc != actualCrc) {
            return "crc=" + Integer.toHexString(storedCrc) + ", computed " + Integer.toHexString(actualCrc);
        }
        int trailerPadding = b.getInt(trailer + 4, BYTE_ORDER);
        if (trailerPadding != 0) {
            return "trailer padding=" + Integer.toHexString(trailerPadding) + ", expected 0";
        }
        int version = b.getInt(HINT_VERSION_OFFSET, BYTE_ORDER);
        if (version != FORMAT_VERSION) {
            return "version=" + version + ", expected " + FORMAT_VERSION;
        }
        if (b.getLong(HINT_STORE_ID_OFFSET, BYTE_ORDER) != storeId
                || b.getLong(HINT_SEGMENT_ID_OFFSET, BYTE_ORDER) != segmentId) {
            return "belongs to another store or segment";
        }
        long dataEnd = b.getInt(HINT_DATA_END_OFFSET, BYTE_ORDER) & 0xFFFFFFFFL;
        if (dataEnd < SEGMENT_HEADER_LENGTH || dataEnd > capacityBytes) {
            return "dataEnd=" + dataEnd + " is outside " + SEGMENT_HEADER_LENGTH + ".." + capacityBytes;
        }
        return null;
    }

    /** The number of entries of {@code b}, from its start, that describe records before {@code recordOffset}. */
    static int countBefore(DirectBuffer b, int entryCount, int recordOffset) {
        int n = 0;
        for (int at = 0; n < entryCount; n++) {
            if (b.getInt(at + HINT_ENTRY_RECORD_OFFSET_OFFSET, BYTE_ORDER) >= recordOffset) {
                break;
            }
            at += entryLength(b, at);
        }
        return n;
    }

    /** The bytes the first {@code n} entries of {@code b} take. */
    static int prefixBytes(DirectBuffer b, int n) {
        int at = 0;
        for (int i = 0; i < n; i++) {
            at += entryLength(b, at);
        }
        return at;
    }

    /** The number of entries in the first {@code bytes} of {@code b} (an entry boundary). */
    static int countWithin(DirectBuffer b, int bytes) {
        int n = 0;
        for (int at = 0; at < bytes; n++) {
            at += entryLength(b, at);
        }
        return n;
    }

    private static int entryLength(DirectBuffer b, int at) {
        int nsLength = b.getByte(at + HINT_ENTRY_NAMESPACE_LENGTH_OFFSET) & 0xFF;
        int keyLength = b.getShort(at + HINT_ENTRY_KEY_LENGTH_OFFSET, BYTE_ORDER) & 0xFFFF;
        return (int) align(HINT_ENTRY_FIXED_LENGTH + nsLength + keyLength);
    }

    /** Walks the entries' lengths once so that no later read leaves the buffer. */
    private static boolean entriesFit(UnsafeBuffer b, int count, int trailer) {
        return entriesFit(b, HINT_HEADER_LENGTH, count, trailer);
    }

    /** Whether exactly {@code count} entries from {@code start} end at {@code end}. */
    private static boolean entriesFit(UnsafeBuffer b, int start, int count, int end) {
        int trailer = end;
        if (count < 0) {
            return false;
        }
        long at = start;
        for (int i = 0; i < count; i++) {
            if (at + HINT_ENTRY_FIXED_LENGTH > trailer) {
                return false;
            }
            int nsLength = b.getByte((int) at + HINT_ENTRY_NAMESPACE_LENGTH_OFFSET) & 0xFF;
            int keyLength = b.getShort((int) at + HINT_ENTRY_KEY_LENGTH_OFFSET, BYTE_ORDER) & 0xFFFF;
            if (nsLength > MAX_NAMESPACE_BYTES || keyLength > MAX_KEY_BYTES) {
                return false;
            }
            at += align(HINT_ENTRY_FIXED_LENGTH + nsLength + keyLength);
        }
        return at == trailer;
    }
}
