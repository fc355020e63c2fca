package dev.basalt.reliability.fs;

import dev.basalt.internal.env.FileHandle;
import dev.basalt.internal.env.FileIo;
import dev.basalt.internal.env.SharedMapping;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.openhft.chronicle.bytes.MappedFile;

/**
 * A {@link FileIo} that passes every call to the real file system and keeps, for one data
 * directory, a model of what a power cut would leave, so that a test can produce crash images
 * ({@link #writeCrashImage}) at any moment of a workload.
 *
 * <h2>The model</h2>
 * <ul>
 *   <li><b>File contents</b> belong to inodes. Each inode has its <i>durable</i> content (as of
 *       its last successful {@code force}, data and length) and the list of writes and
 *       truncations made since, in order, not yet durable. A file created and never forced has
 *       an empty durable content.</li>
 *   <li><b>Directory entries</b> (name to inode) have a durable state (as of the last
 *       {@code forceDirectory} of the directory) and the creations, renames and deletions made
 *       since, in order. A crash keeps a prefix of them (none, all or some): journalled file
 *       systems commit metadata in order.</li>
 *   <li>For every inode with unsynced changes a crash image picks one {@link Fate}:
 *       {@code DROPPED} (durable content only); {@code KEPT} (everything); {@code TORN} (a
 *       random prefix of the unsynced changes, the last of them cut at a 512- or 4096-byte
 *       boundary of the file); {@code ZEROED} or {@code GARBAGE} (the new length is kept, but
 *       every byte written since the last force reads as zeros, or as random bytes).</li>
 * </ul>
 * What it does not model: holes (a later unsynced page on disk while an earlier one is not,
 * except within {@code ZEROED}/{@code GARBAGE}), damage to durable data (the corruption
 * campaign's job), and file systems that lose a forced file's data because its directory
 * entry was not forced (the entry simply goes missing here).
 *
 * <p>A copy into a shared mapping ({@link #mapShared}, the engine's mapped appends) is a write
 * like any other here: it reaches the real file through the real mapping and joins the inode's
 * unsynced changes, and a force of the file makes it durable. That is what the kernel does with
 * a mapping's dirty pages: they are written back at its leisure, or by {@code fsync}.
 *
 * <p>Only files directly inside the tracked directory are modelled; anything else passes
 * through. Reads, read-only maps and locks always see the real, current files.
 *
 * <p>Threads: every operation runs under one lock together with its model update, so the
 * model never disagrees with the real files; {@link #afterEachChange} runs under that lock.
 */
public final class PowerLossFileIo implements FileIo {
    /** What a crash does to one inode's unsynced changes. */
    public enum Fate {
        DROPPED, KEPT, TORN, ZEROED, GARBAGE
    }

    private static final int[] TEAR_BOUNDARIES = {512, 4096};

    /** One file's content: what is durable and what was changed since. */
    private static final class Inode {
        byte[] current = new byte[0];
        int currentLength;
        byte[] durable = new byte[0];
        int durableLength;
        final List<Change> unsynced = new ArrayList<>();
    }

    /** A write ({@code data} non-null) or a truncation to {@code position}. */
    private record Change(long position, byte[] data) {
    }

    /** A directory change: CREATE and DELETE use {@code name}, RENAME goes {@code name} to {@code target}. */
    private record DirChange(char op, String name, String target, Inode inode) {
    }

    private final FileIo real = FileIo.real();
    private final Path dir;
    private final Object lock = new Object();
    private Map<String, Inode> durableEntries = new HashMap<>();
    private final Map<String, Inode> currentEntries = new HashMap<>();
    private final List<DirChange> unsyncedDirChanges = new ArrayList<>();
    private final Map<Fate, Long> fates = new EnumMap<>(Fate.class);
    private long changes;
    private long mappedWrites;
    private Runnable afterEachChange = () -> { };

    /** Tracks {@code dir} (an existing, empty directory; its real path). */
    public PowerLossFileIo(Path dir) throws IOException {
        this.dir = dir.toRealPath();
    }

    public Path directory() {
        return dir;
    }

    /** Runs after every write, truncation, force, creation, rename, deletion and directory force. */
    public void afterEachChange(Runnable hook) {
        synchronized (lock) {
            afterEachChange = hook;
        }
    }

    /** How many changes (as seen by {@link #afterEachChange}) happened so far. */
    public long changes() {
        synchronized (lock) {
            return changes;
        }
    }

    /** How many of the changes were copies into a shared mapping. */
    public long mappedWrites() {
        synchronized (lock) {
            return mappedWrites;
        }
    }

    /** How often each fate was chosen for an inode with unsynced changes, over all images. */
    public Map<Fate, Long> fateCounts() {
        synchronized (lock) {
            return new EnumMap<>(fates);
        }
    }

    /**
     * Writes into {@code target} (an absent or empty directory) the files a power cut now could
     * leave, choosing the fates with {@code random}. Returns a one-line description.
     */
    public String writeCrashImage(Path target, Random random) throws IOException {
        synchronized (lock) {
            Files.createDirectories(target);
            int keptDirChanges = pickDirPrefix(random);
            Map<String, Inode> entries = new HashMap<>(durableEntries);
            for (DirChange change : unsyncedDirChanges.subList(0, keptDirChanges)) {
                switch (change.op()) {
                    case 'C' -> entries.put(change.name(), change.inode());
                    case 'D' -> entries.remove(change.name());
                    default -> {
                        Inode moved = entries.remove(change.name());
                        if (moved != null) {
                            entries.put(change.target(), moved);
                        } else {
                            entries.remove(change.target());
                        }
                    }
                }
            }
            StringBuilder description = new StringBuilder("dir changes kept ").append(keptDirChanges).append('/')
                    .append(unsyncedDirChanges.size());
            Map<Inode, byte[]> contents = new IdentityHashMap<>();
            for (Map.Entry<String, Inode> entry : entries.entrySet()) {
                Inode inode = entry.getValue();
                byte[] content = contents.get(inode);
                if (content == null) {
                    Fate fate = inode.unsynced.isEmpty() ? null : Fate.values()[random.nextInt(Fate.values().length)];
                    if (fate != null) {
                        fates.merge(fate, 1L, Long::sum);
                        description.append(", ").append(entry.getKey()).append(' ').append(fate);
                    }
                    content = contentAfterCrash(inode, fate, random);
                    contents.put(inode, content);
                }
                writeSparse(target.resolve(entry.getKey()), content);
            }
            return description.toString();
        }
    }

    /**
     * The names and contents the model believes the directory holds now (every change kept). A
     * test compares them with the real directory: any difference is a file operation that went
     * around the seam.
     */
    public Map<String, byte[]> currentState() {
        synchronized (lock) {
            Map<String, byte[]> state = new HashMap<>();
            currentEntries.forEach((name, inode) -> state.put(name, Arrays.copyOf(inode.current, inode.currentLength)));
            return state;
        }
    }

    private int pickDirPrefix(Random random) {
        int n = unsyncedDirChanges.size();
        return switch (random.nextInt(3)) {
            case 0 -> 0;
            case 1 -> n;
            default -> random.nextInt(n + 1);
        };
    }

    private static byte[] contentAfterCrash(Inode inode, Fate fate, Random random) {
        if (fate == null || fate == Fate.KEPT) {
            return Arrays.copyOf(inode.current, inode.currentLength);
        }
        if (fate == Fate.DROPPED) {
            return Arrays.copyOf(inode.durable, inode.durableLength);
        }
        if (fate == Fate.ZEROED || fate == Fate.GARBAGE) {
            byte[] content = Arrays.copyOf(inode.current, inode.currentLength);
            for (Change change : inode.unsynced) {
                if (change.data() != null) {
                    int from = (int) Math.min(change.position(), content.length);
                    int to = (int) Math.min(change.position() + change.data().length, content.length);
                    byte[] fill = new byte[to - from];
                    if (fate == Fate.GARBAGE) {
                        random.nextBytes(fill);
                    }
                    System.arraycopy(fill, 0, content, from, fill.length);
                }
            }
            return content;
        }
        // TORN: replay a prefix of the changes on the durable content, the last one cut short.
        int kept = random.nextInt(inode.unsynced.size());
        Content content = new Content(inode.durable, inode.durableLength);
        for (int i = 0; i < kept; i++) {
            content.apply(inode.unsynced.get(i), Integer.MAX_VALUE);
        }
        Change last = inode.unsynced.get(kept);
        if (last.data() == null) {
            return content.bytes();
        }
        int boundary = TEAR_BOUNDARIES[random.nextInt(TEAR_BOUNDARIES.length)];
        long end = last.position() + last.data().length;
        // The cut is a multiple of the boundary strictly inside the write; without one, the
        // write (smaller than a sector) is lost whole.
        long firstCut = (last.position() / boundary + 1) * boundary;
        int keep = 0;
        if (firstCut < end) {
            int cuts = (int) ((end - 1 - firstCut) / boundary + 1);
            keep = (int) (firstCut + (long) random.nextInt(cuts) * boundary - last.position());
        }
        content.apply(last, keep);
        return content.bytes();
    }

    /** A growable copy of a file's content, for replaying changes. */
    private static final class Content {
        byte[] bytes;
        int length;

        Content(byte[] from, int length) {
            this.bytes = Arrays.copyOf(from, Math.max(length, 16));
            this.length = length;
        }

        void apply(Change change, int maxBytes) {
            if (change.data() == null) {
                length = (int) Math.min(length, change.position());
                return;
            }
            int n = Math.min(change.data().length, maxBytes);
            int end = (int) change.position() + n;
            if (end > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(end, bytes.length * 2));
            }
            if (change.position() > length) {
                Arrays.fill(bytes, length, (int) change.position(), (byte) 0);
            }
            System.arraycopy(change.data(), 0, bytes, (int) change.position(), n);
            length = Math.max(length, end);
        }

        byte[] bytes() {
            return Arrays.copyOf(bytes, length);
        }
    }

    /** Writes {@code content} leaving all-zero 4 KiB blocks as holes (segments are mostly zeros). */
    private static void writeSparse(Path file, byte[] content) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            int block = 4096;
            for (int at = 0; at < content.length; at += block) {
                int n = Math.min(block, content.length - at);
                if (!allZero(content, at, n)) {
                    ByteBuffer source = ByteBuffer.wrap(content, at, n);
                    long position = at;
                    while (source.hasRemaining()) {
                        position += channel.write(source, position);
                    }
                }
            }
            if (content.length > 0 && channel.size() < content.length) {
                channel.write(ByteBuffer.allocate(1), content.length - 1L);
            }
        }
    }

    private static boolean allZero(byte[] content, int from, int n) {
        for (int i = from; i < from + n; i++) {
            if (content[i] != 0) {
                return false;
            }
        }
        return true;
    }

    // ---- the model's bookkeeping ----

    private String trackedName(Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        return dir.equals(absolute.getParent()) ? absolute.getFileName().toString() : null;
    }

    private void changed() {
        changes++;
        afterEachChange.run();
    }

    private Inode inodeFor(String name, Path path) throws IOException {
        Inode inode = currentEntries.get(name);
        if (inode == null) {
            // A file that existed before tracking began: all of it counts as durable.
            inode = new Inode();
            byte[] bytes = Files.readAllBytes(path);
            inode.current = bytes.clone();
            inode.currentLength = bytes.length;
            inode.durable = bytes;
            inode.durableLength = bytes.length;
            currentEntries.put(name, inode);
            durableEntries.put(name, inode);
        }
        return inode;
    }

    private static void applyWrite(Inode inode, long position, byte[] data) {
        int end = (int) position + data.length;
        if (end > inode.current.length) {
            inode.current = Arrays.copyOf(inode.current, Math.max(end, inode.current.length * 2));
        }
        if (position > inode.currentLength) {
            Arrays.fill(inode.current, inode.currentLength, (int) position, (byte) 0);
        }
        System.arraycopy(data, 0, inode.current, (int) position, data.length);
        inode.currentLength = Math.max(inode.currentLength, end);
        inode.unsynced.add(new Change(position, data));
    }

    @Override
    public FileHandle createNew(Path file) throws IOException {
        synchronized (lock) {
            FileHandle handle = real.createNew(file);
            String name = trackedName(file);
            if (name == null) {
                return handle;
            }
            Inode inode = new Inode();
            currentEntries.put(name, inode);
            unsyncedDirChanges.add(new DirChange('C', name, null, inode));
            changed();
            return new Handle(handle, inode);
        }
    }

    @Override
    public FileHandle open(Path file, boolean writable) throws IOException {
        synchronized (lock) {
            FileHandle handle = real.open(file, writable);
            String name = trackedName(file);
            return name == null ? handle : new Handle(handle, inodeFor(name, file));
        }
    }

    @Override
    public byte[] readAll(Path file) throws IOException {
        return real.readAll(file);
    }

    @Override
    public long size(Path file) throws IOException {
        return real.size(file);
    }

    @Override
    public boolean exists(Path path) {
        return real.exists(path);
    }

    @Override
    public boolean isDirectory(Path path) {
        return real.isDirectory(path);
    }

    @Override
    public void atomicMove(Path source, Path target) throws IOException {
        synchronized (lock) {
            real.atomicMove(source, target);
            String from = trackedName(source);
            String to = trackedName(target);
            if (from != null && to != null) {
                Inode inode = inodeFor(from, target);
                currentEntries.remove(from);
                currentEntries.put(to, inode);
                unsyncedDirChanges.add(new DirChange('R', from, to, inode));
                changed();
            }
        }
    }

    @Override
    public boolean deleteIfExists(Path file) throws IOException {
        synchronized (lock) {
            boolean deleted = real.deleteIfExists(file);
            String name = trackedName(file);
            if (deleted && name != null) {
                currentEntries.remove(name);
                unsyncedDirChanges.add(new DirChange('D', name, null, null));
                changed();
            }
            return deleted;
        }
    }

    @Override
    public List<Path> list(Path directory, String glob) throws IOException {
        return real.list(directory, glob);
    }

    @Override
    public void forceDirectory(Path directory) throws IOException {
        synchronized (lock) {
            real.forceDirectory(directory);
            if (directory.toAbsolutePath().normalize().equals(dir)) {
                durableEntries = new HashMap<>(currentEntries);
                unsyncedDirChanges.clear();
                changed();
            }
        }
    }

    @Override
    public void createDirectories(Path directory) throws IOException {
        real.createDirectories(directory);
    }

    @Override
    public long usableSpace(Path directory) throws IOException {
        return real.usableSpace(directory);
    }

    @Override
    public MappedFile mapReadOnly(Path file, long capacityBytes) throws IOException {
        return real.mapReadOnly(file, capacityBytes);
    }

    @Override
    public ByteBuffer mapPrivate(Path file, long offset, int length) throws IOException {
        return real.mapPrivate(file, offset, length);
    }

    @Override
    public SharedMapping mapShared(Path file, int length) throws IOException {
        synchronized (lock) {
            SharedMapping mapping = real.mapShared(file, length);
            String name = trackedName(file);
            return name == null || mapping == null ? mapping : new RecordedMapping(mapping, inodeFor(name, file));
        }
    }

    /** A real shared mapping whose copies also update the model, as a handle's writes do. */
    private final class RecordedMapping implements SharedMapping {
        private final SharedMapping real;
        private final Inode inode;

        RecordedMapping(SharedMapping real, Inode inode) {
            this.real = real;
            this.inode = inode;
        }

        @Override
        public int capacity() {
            return real.capacity();
        }

        @Override
        public void write(ByteBuffer source, long position) throws IOException {
            synchronized (lock) {
                byte[] data = new byte[source.remaining()];
                source.duplicate().get(data);
                real.write(source, position);
                applyWrite(inode, position, data);
                mappedWrites++;
                changed();
            }
        }

        @Override
        public void close() {
            real.close();
        }
    }

    /** A real handle whose writes, truncations and forces also update the model. */
    private final class Handle implements FileHandle {
        private final FileHandle real;
        private final Inode inode;

        Handle(FileHandle real, Inode inode) {
            this.real = real;
            this.inode = inode;
        }

        @Override
        public Path path() {
            return real.path();
        }

        @Override
        public int read(ByteBuffer target, long position) throws IOException {
            return real.read(target, position);
        }

        @Override
        public int write(ByteBuffer source, long position) throws IOException {
            synchronized (lock) {
                ByteBuffer copy = source.duplicate();
                int written = real.write(source, position);
                byte[] data = new byte[written];
                copy.get(data);
                applyWrite(inode, position, data);
                changed();
                return written;
            }
        }

        @Override
        public void force(boolean metadata) throws IOException {
            synchronized (lock) {
                real.force(metadata);
                inode.durable = Arrays.copyOf(inode.current, inode.currentLength);
                inode.durableLength = inode.currentLength;
                inode.unsynced.clear();
                changed();
            }
        }

        @Override
        public void truncate(long sizeBytes) throws IOException {
            synchronized (lock) {
                real.truncate(sizeBytes);
                if (sizeBytes < inode.currentLength) {
                    inode.currentLength = (int) sizeBytes;
                    inode.unsynced.add(new Change(sizeBytes, null));
                    changed();
                }
            }
        }

        @Override
        public long size() throws IOException {
            return real.size();
        }

        @Override
        public FileLock tryLock() throws IOException {
            return real.tryLock();
        }

        @Override
        public boolean isOpen() {
            return real.isOpen();
        }

        @Override
        public void close() throws IOException {
            real.close();
        }
    }
}
