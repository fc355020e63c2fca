package dev.basalt.internal.env;

import dev.basalt.BasaltException;
import java.io.IOException;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * One owner per data directory, across processes and within one.
 *
 * <p>Why both a registry and a file lock: POSIX locks belong to the process, so a second open
 * in the same JVM would not be stopped by the file lock alone, and closing any other channel
 * on the {@code LOCK} file silently drops the lock. So the process keeps a registry of real
 * paths it holds, checked first, and the {@code LOCK} file's channel is opened once per
 * holding and closed only on release.
 */
public final class DirectoryLock implements AutoCloseable {
    private static final Set<Path> HELD = new HashSet<>();

    private final Path realDir;
    private final FileHandle channel;
    private final FileLock lock;

    private DirectoryLock(Path realDir, FileHandle channel, FileLock lock) {
        this.realDir = realDir;
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the directory or fails at once with a {@link BasaltException}. */
    public static DirectoryLock acquire(FileIo io, Path dir, String lockFileName) {
        Path realDir;
        try {
            realDir = dir.toRealPath();
        } catch (IOException e) {
            throw new BasaltException("cannot resolve data directory " + dir + ": " + e, e);
        }
        synchronized (HELD) {
            if (HELD.contains(realDir)) {
                throw new BasaltException("data directory " + realDir + " is already open in this process");
            }
            Path lockFile = realDir.resolve(lockFileName);
            FileHandle channel = null;
            try {
                if (!io.exists(lockFile)) {
                    io.createNew(lockFile).close();
                }
                channel = io.open(lockFile, true);
                FileLock lock = channel.tryLock();
                if (lock == null) {
                    channel.close();
                    throw new BasaltException("data directory " + realDir + " is held by another process (" + lockFile
                            + " is locked)");
                }
                HELD.add(realDir);
                return new DirectoryLock(realDir, channel, lock);
            } catch (OverlappingFileLockException e) {
                closeQuietly(channel);
                throw new BasaltException("data directory " + realDir + " is already open in this process", e);
            } catch (IOException e) {
                closeQuietly(channel);
                throw new BasaltException("cannot lock data directory " + realDir + ": " + e, e);
            }
        }
    }

    private static void closeQuietly(FileHandle channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // already failing; the first error is the one reported
            }
        }
    }

    public Path directory() {
        return realDir;
    }

    @Override
    public void close() {
        synchronized (HELD) {
            try {
                lock.release();
                channel.close();
            } catch (IOException e) {
                throw new BasaltException("cannot release the lock of " + realDir + ": " + e, e);
            } finally {
                HELD.remove(realDir);
            }
        }
    }
}
