package dev.basalt.internal.checkpoint;

import static dev.basalt.internal.checkpoint.CheckpointFormat.*;

import dev.basalt.internal.env.FileIo;
import dev.basalt.internal.env.ReadOnlyView;
import dev.basalt.internal.index.HashIndex;
import dev.basalt.internal.index.IndexImage;
import dev.basalt.internal.listing.KeyListing;
import dev.basalt.internal.log.CoveredLog;
import dev.basalt.internal.log.HintFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.agrona.collections.LongArrayList;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Reads a checkpoint file ({@code docs/format.md}) back into new structures, in two passes over
 * a read-only mapping of the file.
 *
 * <ol>
 *   <li>The walk, on the calling thread: every block's frame in order (kinds, lengths, the end
 *       block's count), the small blocks (header, namespaces, expiry, end) checksummed and
 *       parsed; the bulk blocks (active hints, slots, keys) only located.</li>
 *   <li>The loads: each bulk block is checksummed just before its payload is copied out of the
 *       mapping. The slot tables are filled on a second thread while the calling thread restores
 *       the active hints and builds the listings: at 1 M keys both halves are about 25 MiB of
 *       fresh memory, and on this project's 2-vCPU machines faulting in fresh memory is most of an
 *       open's time ({@link ReadOnlyView}).</li>
 * </ol>
 * Nothing is handed out unless every block verified; on any failure both loads are finished or
 * abandoned, whatever they built is freed, and the reason is thrown.
 *
 * <p>Threads: {@link #read} runs at open, alone; the helper thread it starts ends before it returns.
 */
final class CheckpointReader {
    /** Below this many keys a second thread costs more than it saves. */
    static final long PARALLEL_MIN_KEYS = 50_000;

    private final ReadOnlyView file;
    private final long storeId;
    private final long parallelMinKeys;
    private final List<Planned> planned = new ArrayList<>();
    private final LongArrayList hintBlocks = new LongArrayList();
    /** Filled by the helper (when there is one); read after it was joined. */
    private HashIndex[] indexes;
    private KeyListing[] listings;

    /** One namespace's figures and where its bulk blocks are. */
    private static final class Planned {
        final String name;
        final IndexImage.Shape shape;
        final long listed;
        final LongArrayList slotBlocks = new LongArrayList(); // pairs: offset, block number
        final LongArrayList keyBlocks = new LongArrayList();

        Planned(String name, IndexImage.Shape shape, long listed) {
            this.name = name;
            this.shape = shape;
            this.listed = listed;
        }
    }

    private CheckpointReader(ReadOnlyView file, long storeId, long parallelMinKeys) {
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
        CheckpointReader reader = new CheckpointReader(view, storeId, parallelMinKeys);
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
        long hintBytes = 0;
        while (hintBytes < header.activeHintBytes) {
            long at = in.skip(KIND_ACTIVE_HINTS);
            hintBlocks.addLong(at);
            hintBlocks.addLong(in.blocks() - 1);
            hintBytes += payloadLength(at);
        }
        if (hintBytes != header.activeHintBytes) {
            throw new CheckpointRejected("active hint blocks overrun the " + header.activeHintBytes
                    + " bytes the header gives");
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
            namespaces.add(new CheckpointContent.Namespace(planned.get(i).name, indexes[i], listings[i]));
        }
        CoveredLog log = new CoveredLog(header.ids, header.ends, header.modified, CoveredLog.ActiveHints.of(hints));
        return new CheckpointContent(header.storeId, header.hashSeed, header.maxSequence, header.liveExpiringKeys,
                header.damagedRanges, log, header.liveBytes, header.minSequences, namespaces, sink -> {
                    for (int i = 0; i < expiry.length; i += 4) {
                        sink.accept((int) expiry[i], expiry[i + 1], expiry[i + 2], expiry[i + 3]);
                    }
                });
    }

    private Planned planNamespace(BlockInput in) throws CheckpointRejected {
        UnsafeBuffer b = in.next(KIND_NAMESPACE);
        if (b.capacity() < 2 || b.capacity() != 2 + (b.getShort(0, ORDER) & 0xFFFF) + 20) {
            throw new CheckpointRejected("a namespace block of " + b.capacity() + " bytes does not match its name length");
        }
        int nameLength = b.getShort(0, ORDER) & 0xFFFF;
        String name = b.getStringWithoutLengthUtf8(2, nameLength);
        int at = 2 + nameLength;
        IndexImage.Shape shape = new IndexImage.Shape(b.getInt(at, ORDER), b.getInt(at + 4, ORDER),
                b.getInt(at + 8, ORDER));
        long listed = b.getLong(at + 12, ORDER);
        if (listed != shape.liveKeys()) {
            throw new CheckpointRejected("namespace " + name + " lists " + listed + " keys but indexes "
                    + shape.liveKeys());
        }
        Planned p = new Planned(name, shape, listed);
        while (in.peekKind() == KIND_INDEX_SLOTS) {
            p.slotBlocks.addLong(in.skip(KIND_INDEX_SLOTS));
            p.slotBlocks.addLong(in.blocks() - 1);
        }
        while (p.keyBlocks.size() / 2 < p.listed && in.peekKind() == KIND_LISTING_KEYS) {
            p.keyBlocks.addLong(in.skip(KIND_LISTING_KEYS));
            p.keyBlocks.addLong(in.blocks() - 1);
        }
        return p;
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
        // The helper takes the slot tables, the opening thread the hints and the listings. Not the
        // other way round: a table is one large allocation, which malloc maps fresh whichever
        // thread asks, while a listing is 1 MiB chunks, which the opening thread's malloc arena
        // can serve from memory an earlier close freed and a new thread's arena cannot. Measured
        // on one process reopening 1 M keys: 6,900 minor faults per open this way, 13,300 with the
        // listings on the helper.
        Throwable[] failed = new Throwable[1];
        Thread helper = new Thread(() -> {
            try {
                loadIndexes();
            } catch (Throwable t) { // handed to the opener, which rethrows it
                failed[0] = t;
            }
        }, "basalt-open-index");
        helper.setDaemon(true);
        helper.start();
        HintFile.Builder hints;
        try {
            hints = restoreHints(header);
            loadListings();
        } finally {
            joinUninterruptibly(helper); // also on failure: the helper's memory is freed only after it stopped
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

    private HintFile.Builder restoreHints(CheckpointHeader header) throws CheckpointRejected {
        HintFile.Builder hints = HintFile.Builder.restoring((int) header.activeHintBytes);
        UnsafeBuffer view = new UnsafeBuffer(0, 0);
        for (int i = 0; i < hintBlocks.size(); i += 2) {
            BlockInput.verified(file, hintBlocks.getLong(i), hintBlocks.getLong(i + 1), KIND_ACTIVE_HINTS, view);
            hints.appendSaved(view, 0, view.capacity());
        }
        try {
            hints.finishRestore(header.activeHintCount);
        } catch (IllegalArgumentException e) {
            throw new CheckpointRejected("active hint entries: " + e.getMessage());
        }
        return hints;
    }

    private void loadIndexes() throws CheckpointRejected {
        UnsafeBuffer view = new UnsafeBuffer(0, 0);
        for (int n = 0; n < planned.size(); n++) {
            Planned p = planned.get(n);
            int[] next = {0};
            try {
                indexes[n] = IndexImage.copyIn(p.shape, chunk -> {
                    while (chunk.hasRemaining()) {
                        if (next[0] == p.slotBlocks.size()) {
                            throw new IOException("index slot blocks end before the table of "
                                    + p.shape.capacitySlots() + " slots is full");
                        }
                        verifiedInside(p.slotBlocks.getLong(next[0]), p.slotBlocks.getLong(next[0] + 1),
                                KIND_INDEX_SLOTS, view);
                        next[0] += 2;
                        if (view.capacity() > chunk.remaining()) {
                            throw new IOException("index slot blocks overrun the table of " + p.shape.capacitySlots()
                                    + " slots");
                        }
                        view.getBytes(0, chunk, chunk.position(), view.capacity()); // one bulk copy
                        chunk.position(chunk.position() + view.capacity());
                    }
                });
            } catch (IllegalArgumentException | IOException e) {
                if (e instanceof RejectedInside) {
                    throw ((RejectedInside) e).rejected;
                }
                throw new CheckpointRejected("namespace " + p.name + ": " + e.getMessage());
            }
            if (next[0] != p.slotBlocks.size()) {
                throw new CheckpointRejected("namespace " + p.name + " has more index slot blocks than its table of "
                        + p.shape.capacitySlots() + " slots");
            }
        }
    }

    private void loadListings() throws CheckpointRejected {
        UnsafeBuffer view = new UnsafeBuffer(0, 0);
        UnsafeBuffer key = new UnsafeBuffer(0, 0);
        for (int n = 0; n < planned.size(); n++) {
            Planned p = planned.get(n);
            KeyListing listing = new KeyListing();
            listings[n] = listing;
            long read = 0;
            for (int i = 0; i < p.keyBlocks.size(); i += 2) {
                BlockInput.verified(file, p.keyBlocks.getLong(i), p.keyBlocks.getLong(i + 1), KIND_LISTING_KEYS, view);
                int limit = view.capacity();
                key.wrap(view, 0, limit);
                int at = 0;
                while (at < limit) {
                    int length = at + 2 <= limit ? key.getShort(at, ORDER) & 0xFFFF : Integer.MAX_VALUE - 2;
                    if (at + 2 + (long) length > limit) {
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
            if (read != p.listed) {
                throw new CheckpointRejected("the listing of " + p.name + " holds " + read + " keys, its namespace says "
                        + p.listed);
            }
        }
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

    private void verifiedInside(long at, long number, int kind, UnsafeBuffer view) throws IOException {
        try {
            BlockInput.verified(file, at, number, kind, view);
        } catch (CheckpointRejected e) {
            throw new RejectedInside(e);
        }
    }

    /** Frees what the loads built; after both stopped. */
    private void free() {
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

    private static void joinUninterruptibly(Thread thread) {
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true; // the caller's interrupt must not abandon the helper's memory
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
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
}
