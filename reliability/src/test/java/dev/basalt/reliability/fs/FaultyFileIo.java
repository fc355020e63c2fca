package dev.basalt.reliability.fs;

import dev.basalt.internal.env.FileHandle;
import dev.basalt.internal.env.FileIo;
import dev.basalt.internal.env.SharedMapping;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import net.openhft.chronicle.bytes.MappedFile;

/**
 * A {@link FileIo} that fails the k-th call, as SQLite's I/O-error tests do: every call of the
 * selected {@link Kind}s is counted (1, 2, 3, ...), and call {@code k} (with {@link #failFrom},
 * also every later one) throws an {@link IOException} whose message is what the JDK reports for
 * the chosen {@link Errno}: {@code "Input/output error"} (EIO) or {@code "No space left on
 * device"} (ENOSPC). A failed call does nothing: the real operation is not attempted, so a
 * failed force makes nothing durable and a failed write leaves no bytes, unless
 * {@link #withPartialWrites()} asks for what a full disk does: the first half of the bytes
 * written, then the error.
 *
 * <p>A copy into a shared mapping ({@link #mapShared}) counts as a {@link Kind#WRITE} and fails
 * the same way, as the copy fails when the file system cannot back a page.
 *
 * <p>Run the workload once with nothing armed to learn how many calls it makes
 * ({@link #calls()}), then once per k. {@link #failedForces()} tells the test which fsyncs
 * failed, so it can check that no write was acknowledged after one.
 *
 * <p>Threads: safe for the engine's concurrent use (counting is synchronised).
 */
public final class FaultyFileIo implements FileIo {
    /** What a call does; a campaign chooses which kinds it counts and fails. */
    public enum Kind {
        CREATE, OPEN, READ, WRITE, FORCE, TRUNCATE, SIZE, MOVE, DELETE, LIST, FORCE_DIRECTORY, CREATE_DIRECTORY,
        LOCK, MAP, USABLE_SPACE;

        /** Every kind: the I/O-error loop fails each call in turn. */
        public static Set<Kind> all() {
            return EnumSet.allOf(Kind.class);
        }

        /** The calls that consume space: ENOSPC can only come from these. */
        public static Set<Kind> writes() {
            return EnumSet.of(CREATE, WRITE, TRUNCATE, MOVE, CREATE_DIRECTORY);
        }
    }

    /** The error injected, with the message Linux gives it. */
    public enum Errno {
        EIO("Input/output error"), ENOSPC("No space left on device");

        final String message;

        Errno(String message) {
            this.message = message;
        }
    }

    /** One injected failure, with the thread whose call it failed. */
    public record Failure(long call, Kind kind, Path path, Thread thread) {
    }

    private final FileIo delegate;
    private final Set<Kind> counted;
    private final Errno errno;
    private long failAt = Long.MAX_VALUE;
    private boolean persistent;
    private volatile boolean partialWrites;
    private long calls;
    private long mappedWrites;
    private final List<Failure> failures = new ArrayList<>();

    public FaultyFileIo(FileIo delegate, Set<Kind> counted, Errno errno) {
        this.delegate = delegate;
        this.counted = EnumSet.copyOf(counted);
        this.errno = errno;
    }

    /** Fails only the {@code k}-th counted call (1-based). */
    public synchronized FaultyFileIo failOnce(long k) {
        failAt = k;
        persistent = false;
        return this;
    }

    /** Fails the {@code k}-th counted call and every one after it. */
    public synchronized FaultyFileIo failFrom(long k) {
        failAt = k;
        persistent = true;
        return this;
    }

    /** A failed write first writes half of its bytes, as a write that runs out of space does. */
    public FaultyFileIo withPartialWrites() {
        partialWrites = true;
        return this;
    }

    /** Stops failing (the disk got space back, the error went away); counting goes on. */
    public synchronized void heal() {
        failAt = Long.MAX_VALUE;
    }

    public synchronized long calls() {
        return calls;
    }

    /** How many copies into a shared mapping were attempted (the mapped-appends path was taken). */
    public synchronized long mappedWrites() {
        return mappedWrites;
    }

    public synchronized List<Failure> failures() {
        return List.copyOf(failures);
    }

    /** The failed forces (fsyncs of a file), in order. */
    public synchronized List<Failure> failedForces() {
        List<Failure> forces = new ArrayList<>();
        for (Failure f : failures) {
            if (f.kind() == Kind.FORCE) {
                forces.add(f);
            }
        }
        return forces;
    }

    private synchronized void check(Kind kind, Path path) throws IOException {
        if (!counted.contains(kind)) {
            return;
        }
        calls++;
        if (calls == failAt || (persistent && calls > failAt)) {
            failures.add(new Failure(calls, kind, path, Thread.currentThread()));
            throw new IOException(errno.message);
        }
    }

    @Override
    public FileHandle createNew(Path file) throws IOException {
        check(Kind.CREATE, file);
        return new Handle(delegate.createNew(file));
    }

    @Override
    public FileHandle open(Path file, boolean writable) throws IOException {
        check(Kind.OPEN, file);
        return new Handle(delegate.open(file, writable));
    }

    @Override
    public byte[] readAll(Path file) throws IOException {
        check(Kind.READ, file);
        return delegate.readAll(file);
    }

    @Override
    public long size(Path file) throws IOException {
        check(Kind.SIZE, file);
        return delegate.size(file);
    }

    @Override
    public boolean exists(Path path) {
        return delegate.exists(path);
    }

    @Override
    public boolean isDirectory(Path path) {
        return delegate.isDirectory(path);
    }

    @Override
    public void atomicMove(Path source, Path target) throws IOException {
        check(Kind.MOVE, target);
        delegate.atomicMove(source, target);
    }

    @Override
    public boolean deleteIfExists(Path file) throws IOException {
        check(Kind.DELETE, file);
        return delegate.deleteIfExists(file);
    }

    @Override
    public List<Path> list(Path dir, String glob) throws IOException {
        check(Kind.LIST, dir);
        return delegate.list(dir, glob);
    }

    @Override
    public void forceDirectory(Path dir) throws IOException {
        check(Kind.FORCE_DIRECTORY, dir);
        delegate.forceDirectory(dir);
    }

    @Override
    public void createDirectories(Path dir) throws IOException {
        check(Kind.CREATE_DIRECTORY, dir);
        delegate.createDirectories(dir);
    }

    @Override
    public long usableSpace(Path dir) throws IOException {
        check(Kind.USABLE_SPACE, dir);
        return delegate.usableSpace(dir);
    }

    @Override
    public MappedFile mapReadOnly(Path file, long capacityBytes) throws IOException {
        check(Kind.MAP, file);
        return delegate.mapReadOnly(file, capacityBytes);
    }

    @Override
    public ByteBuffer mapPrivate(Path file, long offset, int length) throws IOException {
        check(Kind.MAP, file);
        return delegate.mapPrivate(file, offset, length);
    }

    @Override
    public SharedMapping mapShared(Path file, int length) throws IOException {
        check(Kind.MAP, file);
        SharedMapping mapping = delegate.mapShared(file, length);
        return mapping == null ? null : new Mapping(file, mapping);
    }

    /** A shared mapping whose copies are counted and failed as writes. */
    private final class Mapping implements SharedMapping {
        private final Path file;
        private final SharedMapping real;

        Mapping(Path file, SharedMapping real) {
            this.file = file;
            this.real = real;
        }

        @Override
        public int capacity() {
            return real.capacity();
        }

        @Override
        public void write(ByteBuffer source, long position) throws IOException {
            synchronized (FaultyFileIo.this) {
                mappedWrites++;
            }
            checkWrite(file, source, position, real::write);
            real.write(source, position);
        }

        @Override
        public void close() {
            real.close();
        }
    }

    /** Writes part of a buffer; a handle's or a mapping's {@code write}. */
    @FunctionalInterface
    private interface PartWriter {
        void write(ByteBuffer source, long position) throws IOException;
    }

    /**
     * Counts a write and, when it is the one to fail, throws; with partial writes, after writing
     * the first half of the bytes through {@code writer}, as a write that runs out of space does.
     */
    private void checkWrite(Path file, ByteBuffer source, long position, PartWriter writer) throws IOException {
        try {
            check(Kind.WRITE, file);
        } catch (IOException e) {
            if (partialWrites && source.remaining() > 1) {
                ByteBuffer half = source.duplicate();
                half.limit(half.position() + source.remaining() / 2);
                writer.write(half, position);
            }
            throw e;
        }
    }

    private final class Handle implements FileHandle {
        private final FileHandle real;

        Handle(FileHandle real) {
            this.real = real;
        }

        @Override
        public Path path() {
            return real.path();
        }

        @Override
        public int read(ByteBuffer target, long position) throws IOException {
            check(Kind.READ, real.path());
            return real.read(target, position);
        }

        @Override
        public int write(ByteBuffer source, long position) throws IOException {
            checkWrite(real.path(), source, position, real::write);
            return real.write(source, position);
        }

        @Override
        public void force(boolean metadata) throws IOException {
            check(Kind.FORCE, real.path());
            real.force(metadata);
        }

        @Override
        public void truncate(long sizeBytes) throws IOException {
            check(Kind.TRUNCATE, real.path());
            real.truncate(sizeBytes);
        }

        @Override
        public long size() throws IOException {
            check(Kind.SIZE, real.path());
            return real.size();
        }

        @Override
        public FileLock tryLock() throws IOException {
            check(Kind.LOCK, real.path());
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
