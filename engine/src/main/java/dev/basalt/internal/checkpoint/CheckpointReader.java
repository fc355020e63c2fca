package dev.basalt.internal.checkpoint;

import static dev.basalt.internal.checkpoint.CheckpointFormat.*;

import dev.basalt.internal.env.DirectMemory;
import dev.basalt.internal.env.FileIo;
import dev.basalt.internal.env.OpenHelpers;
import dev.basalt.internal.env.ReadOnlyView;
import dev.basalt.internal.index.HashIndex;
import dev.basalt.internal.index.IndexImage;
import dev.basalt.internal.listing.KeyListing;
import dev.basalt.internal.listing.ListingImage;
import dev.basalt.internal.log.CoveredLog;
import dev.basalt.internal.log.HintFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import org.agrona.collections.LongArrayList;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Reads a checkpoint file ({@code docs/format.md}) back into new structures, in two passes.
 *
 * <ol>
 *   <li>The walk, on the calling thread, over a read-only mapping of the file: every block's
 *       frame in order (kinds, lengths, the end block's count), the small blocks (header,
 *       namespaces, listing states, retired nodes, expiry, padding, end) checksummed and parsed;
 *       the bulk blocks (active hints, slot-table chunks, listing chunks) only located.</li>
 *   <li>The loads: each slot-table and listing chunk is mapped copy-on-write and checksummed on
 *       that mapping, and the mapping becomes the structure's memory: no byte is copied, and a
 *       page turns into private memory only when the engine first writes it. Fresh memory, which
 *       on this project's 2-vCPU machines costs about 15 µs a page to fault in, was most of an
 *       open's time while the loads copied ({@link ReadOnlyView}). The slot tables (checksummed
 *       and counted) are loaded on a second thread while the calling thread restores the active
 *       hints and the listings.</li>
 * </ol>
 * Nothing is handed out unless every block verified; on any failure both loads are finished or
 * abandoned, whatever they mapped or built is freed, and the reason is thrown.
 *
 * <p>Threads: {@link #read} runs at open, alone; the helper thread it starts ends before it returns.
 */
final class CheckpointReader {
    /** Below this many keys a second thread costs more than it saves. */
    static final long PARALLEL_MIN_KEYS = 50_000;

    private final FileIo io;
    private final ReadOnlyView file;
    private final long storeId;
    private final long parallelMinKeys;
    private final List<Planned> planned = new ArrayList<>();
    private final LongArrayList hintBlocks = new LongArrayList();
    /** Filled by the helper (when there is one); read after it was joined. */
    private HashIndex[] indexes;
    private KeyListing[] listings;
    /** Every mapping made so far; the content owns them once the read succeeded. */
    private final List<ByteBuffer> mappings = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** One namespace's figures and where its mapped blocks are. */
    private static final class Planned {
        final String name;
        final IndexImage.Shape shape;
        final long listed;
        final LongArrayList slotBlocks = new LongArrayList(); // pairs: offset, block number
        final LongArrayList chunkBlocks = new LongArrayList();
        ListingImage.Shape listing;
        UnlistedKeys unlisted;

        Planned(String name, IndexImage.Shape shape, long listed) {
            this.name = name;
            this.shape = shape;
            this.listed = listed;
        }
    }

    private CheckpointReader(FileIo io, ReadOnlyView file, long storeId, long parallelMinKeys) {
        this.io = io;
        this.file = file;
        this.storeId = storeId;
        this.parallelMinKeys = parallelMinKeys;
    }

    /** See {@link CheckpointFile#read}. */
    static CheckpointContent read(FileIo io, Path path, long storeId) throws CheckpointRejected {
        return read(io, path, storeId, PARALLEL_MIN_KEYS);
    }

    /** {@link #read(FileIo, Path, long)} with a second thread from {@code parallelMinKeys} keys on (tests: 0). */
    static CheckpointContent read(FileIo io, Path path, long storeId, long parallelMinKeys) throws CheckpointRejected {
        long size;
        try {
            size = io.size(path);
        } catch (IOException e) {
            throw new CheckpointRejected(path + ": " + e.getMessage());
        }
        if (size < BLOCK_HEADER_BYTES) {
            throw new CheckpointRejected("the file ends at " + size + " bytes, inside or before block 0 (truncated)");
        }
        ReadOnlyView view;
        try {
            view = ReadOnlyView.map(io, path, size);
        } catch (IOException | RuntimeException e) {
            throw new CheckpointRejected(path + ": " + e.getMessage());
        }
        CheckpointReader reader = new CheckpointReader(io, view, storeId, parallelMinKeys);
        try {
            return reader.readAll();
        } catch (CheckpointRejected e) {
            reader.free();
            throw e;
        } catch (RuntimeException | Error e) {
            reader.free();
            throw new CheckpointRejected(path + ": " + e);
        } finally {
            view.close();
        }
    }

    private CheckpointContent readAll() throws CheckpointRejected {
        BlockInput in = new BlockInput(file);
        CheckpointHeader header = CheckpointHeader.parse(in.next(KIND_HEADER), storeId);
        mappedBlocks(in, KIND_ACTIVE_HINTS, hintBlocks);
        if (hintBlocks.size() != 2 || payloadLength(hintBlocks.getLong(0)) != header.activeHintBytes) {
            throw new CheckpointRejected((hintBlocks.size() / 2) + " active hint blocks; the header gives one of "
                    + header.activeHintBytes + " bytes");
        }
        for (int i = 0; i < header.namespaceCount; i++) {
            planned.add(planNamespace(in));
        }
        long[] expiry = readExpiry(in, header.namespaceCount);
        long blocksBefore = in.blocks();
        long claimed = in.next(KIND_END).getLong(0, ORDER);
        if (claimed != blocksBefore || !in.atEnd()) {
            throw new CheckpointRejected("the end block counts " + claimed + " blocks before it; the file has "
                    + blocksBefore + (in.atEnd() ? "" : ", and bytes after it"));
        }
        HintFile.Builder hints = load(header);
        List<CheckpointContent.Namespace> namespaces = new ArrayList<>();
        for (int i = 0; i < planned.size(); i++) {
            namespaces.add(new CheckpointContent.Namespace(planned.get(i).name, indexes[i], listings[i],
                    planned.get(i).unlisted));
        }
        CoveredLog log = new CoveredLog(header.ids, header.ends, header.modified, CoveredLog.ActiveHints.of(hints));
        return new CheckpointContent(header.storeId, header.hashSeed, header.maxSequence, header.liveExpiringKeys,
                header.damagedRanges, log, header.liveBytes, header.minSequences, namespaces, sink -> {
                    for (int i = 0; i < expiry.length; i += 4) {
                        sink.accept((int) expiry[i], expiry[i + 1], expiry[i + 2], expiry[i + 3]);
                    }
                }, List.copyOf(mappings));
    }

    private Planned planNamespace(BlockInput in) throws CheckpointRejected {
        UnsafeBuffer b = in.next(KIND_NAMESPACE);
        if (b.capacity() < 2 || b.capacity() != 2 + (b.getShort(0, ORDER) & 0xFFFF) + NAMESPACE_FIXED_BYTES) {
            throw new CheckpointRejected("a namespace block of " + b.capacity() + " bytes does not match its name length");
        }
        int nameLength = b.getShort(0, ORDER) & 0xFFFF;
        String name = b.getStringWithoutLengthUtf8(2, nameLength);
        int at = 2 + nameLength;
        IndexImage.Shape shape = new IndexImage.Shape(b.getInt(at, ORDER), b.getInt(at + 4, ORDER),
                b.getInt(at + 8, ORDER));
        long listed = b.getLong(at + 12, ORDER);
        int unlisted = b.getInt(at + 20, ORDER);
        // Every indexed key is listed or owed; an owed key may have been deleted since, or owed twice.
        if (unlisted < 0 || listed > shape.liveKeys() || listed + unlisted < shape.liveKeys()) {
            throw new CheckpointRejected("namespace " + name + " lists " + listed + " keys and owes its listing "
                    + unlisted + ", but indexes " + shape.liveKeys());
        }
        Planned p = new Planned(name, shape, listed);
        mappedBlocks(in, KIND_INDEX_SLOTS, p.slotBlocks);
        p.listing = listingState(in);
        if (p.listing.size() != listed) {
            throw new CheckpointRejected("the listing of " + name + " holds " + p.listing.size()
                    + " keys, its namespace says " + listed);
        }
        mappedBlocks(in, KIND_LISTING_CHUNK, p.chunkBlocks);
        p.unlisted = unlistedKeys(in, name, unlisted);
        return p;
    }

    /** Reads the {@code count} keys of the unlisted-key blocks at the walk's position. */
    private static UnlistedKeys unlistedKeys(BlockInput in, String name, int count) throws CheckpointRejected {
        UnlistedKeys.Builder keys = new UnlistedKeys.Builder();
        while (keys.count() < count && in.peekKind() == KIND_UNLISTED_KEYS) {
            UnsafeBuffer block = in.next(KIND_UNLISTED_KEYS);
            keys.addPacked(block, block.capacity());
        }
        if (keys.count() != count) {
            throw new CheckpointRejected("namespace " + name + " owes its listing " + count + " keys; its blocks hold "
                    + keys.count());
        }
        return keys.build();
    }

    /** Locates the run of {@code kind} blocks at the walk's position, each maybe after a padding block. */
    private static void mappedBlocks(BlockInput in, int kind, LongArrayList into) throws CheckpointRejected {
        while (true) {
            int next = in.peekKind();
            if (next == KIND_PADDING) {
                in.next(KIND_PADDING);
            } else if (next == kind) {
                into.addLong(in.skip(kind));
                into.addLong(in.blocks() - 1);
            } else {
                return;
            }
        }
    }

    private static ListingImage.Shape listingState(BlockInput in) throws CheckpointRejected {
        UnsafeBuffer b = in.next(KIND_LISTING_STATE);
        int expected = LISTING_STATE_FIXED_BYTES + ListingImage.FREE_LISTS * Integer.BYTES;
        if (b.capacity() != expected) {
            throw new CheckpointRejected("a listing state block of " + b.capacity() + " bytes; it has " + expected);
        }
        int[] freeLists = new int[ListingImage.FREE_LISTS];
        for (int i = 0; i < freeLists.length; i++) {
            freeLists[i] = b.getInt(LISTING_STATE_FIXED_BYTES + i * Integer.BYTES, ORDER);
        }
        long size = b.getLong(0, ORDER);
        long randomState = b.getLong(8, ORDER);
        long freeBytes = b.getLong(16, ORDER);
        long retiredBytes = b.getLong(24, ORDER);
        int topLevel = b.getInt(32, ORDER);
        int chunkCount = b.getInt(36, ORDER);
        int bumpOffset = b.getInt(40, ORDER);
        int retiredCount = b.getInt(44, ORDER); // the last read of b: the retired blocks reuse its view
        if (retiredCount < 0) {
            throw new CheckpointRejected("a listing state claims " + retiredCount + " retired nodes");
        }
        int[] retired = new int[Math.min(retiredCount, 1 << 20)];
        int read = 0;
        while (read < retiredCount && in.peekKind() == KIND_RETIRED_NODES) {
            UnsafeBuffer nodes = in.next(KIND_RETIRED_NODES);
            int count = nodes.capacity() / Integer.BYTES;
            if (nodes.capacity() % Integer.BYTES != 0 || count > retiredCount - read) {
                throw new CheckpointRejected("a retired-node block of " + nodes.capacity()
                        + " bytes does not fit the " + retiredCount + " retired nodes claimed");
            }
            if (read + count > retired.length) {
                retired = Arrays.copyOf(retired, Math.max(read + count, Math.min(retiredCount, 2 * retired.length)));
            }
            for (int i = 0; i < count; i++) {
                retired[read++] = nodes.getInt(i * Integer.BYTES, ORDER);
            }
        }
        if (read != retiredCount) {
            throw new CheckpointRejected("a listing state claims " + retiredCount + " retired nodes; its blocks hold "
                    + read);
        }
        return new ListingImage.Shape(size, topLevel, randomState, chunkCount, bumpOffset, freeLists, freeBytes,
                Arrays.copyOf(retired, read), retiredBytes);
    }

    /** Both loads, the slot tables on a helper thread when there are enough keys to gain by it. */
    private HintFile.Builder load(CheckpointHeader header) throws CheckpointRejected {
        indexes = new HashIndex[planned.size()];
        listings = new KeyListing[planned.size()];
        long keys = 0;
        for (Planned p : planned) {
            keys += p.listed;
        }
        if (keys < parallelMinKeys || Runtime.getRuntime().availableProcessors() < 2) {
            HintFile.Builder hints = restoreHints(header);
            loadIndexes();
            loadListings();
            return hints;
        }
        // The helper takes the slot tables, whose count of every slot is the larger half.
        Throwable[] failed = new Throwable[1];
        Thread helper = OpenHelpers.start("basalt-open-index", () -> {
            try {
                loadIndexes();
            } catch (Throwable t) { // handed to the opener, which rethrows it
                failed[0] = t;
            }
        });
        HintFile.Builder hints;
        try {
            hints = restoreHints(header);
            loadListings();
        } finally {
            // Also on failure: the helper's memory is freed only after it stopped.
            OpenHelpers.joinUninterruptibly(helper);
        }
        if (failed[0] instanceof CheckpointRejected) {
            throw (CheckpointRejected) failed[0];
        } else if (failed[0] instanceof RuntimeException) {
            throw (RuntimeException) failed[0];
        } else if (failed[0] != null) {
            throw (Error) failed[0];
        }
        return hints;
    }

    /** The active segment's hint builder, keeping the checkpoint's entries where they are mapped. */
    private HintFile.Builder restoreHints(CheckpointHeader header) throws CheckpointRejected {
        if (header.activeHintBytes == 0) {
            if (header.activeHintCount != 0) {
                throw new CheckpointRejected("active hint entries: 0 bytes do not hold " + header.activeHintCount);
            }
            return new HintFile.Builder();
        }
        ByteBuffer entries = mapVerified(hintBlocks.getLong(0), hintBlocks.getLong(1), KIND_ACTIVE_HINTS);
        try {
            return HintFile.Builder.keeping(header.activeHintCount, entries);
        } catch (IllegalArgumentException e) {
            throw new CheckpointRejected("active hint entries: " + e.getMessage());
        }
    }

    private void loadIndexes() throws CheckpointRejected {
        for (int n = 0; n < planned.size(); n++) {
            Planned p = planned.get(n);
            ByteBuffer[] chunks = mapAll(p.slotBlocks, KIND_INDEX_SLOTS);
            try {
                indexes[n] = IndexImage.restore(p.shape, chunks);
            } catch (IllegalArgumentException | IllegalStateException e) {
                throw new CheckpointRejected("namespace " + p.name + ": " + e.getMessage());
            }
        }
    }

    private void loadListings() throws CheckpointRejected {
        for (int n = 0; n < planned.size(); n++) {
            Planned p = planned.get(n);
            ByteBuffer[] chunks = mapAll(p.chunkBlocks, KIND_LISTING_CHUNK);
            try {
                listings[n] = ListingImage.restore(p.listing, chunks);
            } catch (IllegalArgumentException | IllegalStateException e) {
                throw new CheckpointRejected("the listing of " + p.name + ": " + e.getMessage());
            }
        }
    }

    /** Every block of {@code blocks} mapped copy-on-write after its CRC32C matched; all or none. */
    private ByteBuffer[] mapAll(LongArrayList blocks, int kind) throws CheckpointRejected {
        ByteBuffer[] mapped = new ByteBuffer[blocks.size() / 2];
        try {
            for (int i = 0; i < mapped.length; i++) {
                mapped[i] = mapVerified(blocks.getLong(2 * i), blocks.getLong(2 * i + 1), kind);
            }
            return mapped;
        } catch (CheckpointRejected | RuntimeException e) {
            for (ByteBuffer chunk : mapped) {
                if (chunk != null) {
                    DirectMemory.free(chunk);
                }
            }
            throw e;
        }
    }

    /**
     * The payload of the block at {@code at}, mapped copy-on-write, after its CRC32C matched over
     * the mapping itself: the bytes checked are the bytes kept.
     */
    private ByteBuffer mapVerified(long at, long number, int kind) throws CheckpointRejected {
        UnsafeBuffer frame = file.wrap(new UnsafeBuffer(0, 0), at, BLOCK_HEADER_BYTES);
        int length = frame.getInt(4, ORDER);
        ByteBuffer payload;
        try {
            payload = io.mapPrivate(file.path(), at + BLOCK_HEADER_BYTES, length);
        } catch (IOException e) {
            throw new CheckpointRejected(kindName(kind) + " block " + number + " at offset " + at
                    + " cannot be mapped: " + e.getMessage());
        }
        mappings.add(payload);
        CRC32C crc = new CRC32C();
        crc.update(ByteBuffer.allocate(BLOCK_HEADER_BYTES).order(ORDER).putInt(frame.getInt(0, ORDER)).putInt(length).flip());
        crc.update(payload.duplicate());
        int stored = file.wrap(frame, at + BLOCK_HEADER_BYTES + length, BLOCK_TRAILER_BYTES).getInt(0, ORDER);
        if (stored != (int) crc.getValue()) {
            DirectMemory.free(payload);
            throw new CheckpointRejected(kindName(kind) + " block " + number + " at offset " + at
                    + " fails its checksum (stored " + Integer.toHexString(stored) + ", computed "
                    + Integer.toHexString((int) crc.getValue()) + ")");
        }
        return payload;
    }

    /** Four longs per entry: namespace, expiration, key hash, location. */
    private static long[] readExpiry(BlockInput in, int namespaceCount) throws CheckpointRejected {
        long[] entries = new long[0];
        int used = 0;
        while (in.peekKind() == KIND_EXPIRY_ENTRIES) {
            UnsafeBuffer b = in.next(KIND_EXPIRY_ENTRIES);
            int entryBytes = EXPIRY_ENTRY_BYTES + 4;
            if (b.capacity() % entryBytes != 0) {
                throw new CheckpointRejected("an expiry block of " + b.capacity() + " bytes is not whole entries");
            }
            int count = b.capacity() / entryBytes;
            if (used + 4L * count > Integer.MAX_VALUE - 8) {
                throw new CheckpointRejected("more expiry entries than one array holds");
            }
            if (used + 4 * count > entries.length) {
                entries = Arrays.copyOf(entries, Math.max(used + 4 * count, entries.length * 2));
            }
            for (int i = 0, at = 0; i < count; i++, at += entryBytes) {
                int namespace = b.getInt(at, ORDER);
                if (namespace < 0 || namespace >= namespaceCount) {
                    throw new CheckpointRejected("an expiry entry names namespace " + namespace + " of "
                            + namespaceCount);
                }
                entries[used++] = namespace;
                entries[used++] = b.getLong(at + 4, ORDER);
                entries[used++] = b.getLong(at + 12, ORDER);
                entries[used++] = b.getLong(at + 20, ORDER);
            }
        }
        return Arrays.copyOf(entries, used);
    }

    private long payloadLength(long blockAt) {
        return file.wrap(new UnsafeBuffer(0, 0), blockAt, BLOCK_HEADER_BYTES).getInt(4, ORDER);
    }

    /** Frees what the loads built; after both stopped. */
    private void free() {
        mappings.forEach(DirectMemory::free);
        for (HashIndex index : indexes == null ? new HashIndex[0] : indexes) {
            if (index != null) {
                index.close();
            }
        }
        for (KeyListing listing : listings == null ? new KeyListing[0] : listings) {
            if (listing != null) {
                listing.close();
            }
        }
    }
}
