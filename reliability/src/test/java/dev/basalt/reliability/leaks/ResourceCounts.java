package dev.basalt.reliability.leaks;

import dev.basalt.internal.env.DirectMemory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What this JVM holds at one moment, as the JDK and Linux report it: open file descriptors
 * ({@code /proc/self/fd}), mappings of segment files ({@code /proc/self/maps}; Chronicle Bytes maps
 * with its own call, so the JDK's "mapped" pool does not see segments, only this does), the JDK's
 * "mapped" and "direct" buffer pools with the engine's own mappings ({@link DirectMemory}: slot
 * tables and a checkpoint's copies, which the JDK's pools do not see; between them every off-heap
 * table of the engine: hash indexes, key listings, expiry queue), and the live threads. Linux only
 * ({@link #available()}).
 *
 * @param descriptors every open file descriptor of the process
 * @param descriptorsInDirectory descriptors open on files under the data directory
 * @param segmentMappings mappings of {@code .seg} files under the data directory
 * @param jdkMappedCount buffers in the JDK's "mapped" pool
 * @param jdkMappedBytes their bytes
 * @param directCount buffers in the JDK's "direct" pool
 * @param directBytes their bytes, with the bytes of the engine's own mappings
 * @param threadIds ids of the live threads
 */
record ResourceCounts(int descriptors, int descriptorsInDirectory, int segmentMappings, long jdkMappedCount,
        long jdkMappedBytes, long directCount, long directBytes, Set<Long> threadIds) {
    private static final Path FDS = Path.of("/proc/self/fd");
    private static final Path MAPS = Path.of("/proc/self/maps");

    static boolean available() {
        return Files.isDirectory(FDS) && Files.isReadable(MAPS);
    }

    static ResourceCounts of(Path directory) {
        String prefix = realPath(directory) + "/";
        int descriptors = 0;
        int inDirectory = 0;
        try (Stream<Path> fds = Files.list(FDS)) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    descriptors++;
                    inDirectory += target.startsWith(prefix) ? 1 : 0;
                } catch (IOException closedMeanwhile) {
                    // the listing's own descriptor, gone by the time it is read
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int mappings = 0;
        try {
            for (String line : Files.readAllLines(MAPS)) {
                int at = line.indexOf(prefix);
                mappings += at >= 0 && line.replace(" (deleted)", "").endsWith(".seg") ? 1 : 0;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        BufferPoolMXBean mapped = pool("mapped");
        BufferPoolMXBean direct = pool("direct");
        Set<Long> threads = new HashSet<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            threads.add(threadId(thread));
        }
        return new ResourceCounts(descriptors, inDirectory, mappings, mapped.getCount(), mapped.getMemoryUsed(),
                direct.getCount(), direct.getMemoryUsed() + DirectMemory.mappedBytes(), threads);
    }

    /** Live threads whose name starts with {@code prefix}. */
    static List<String> liveThreadsNamed(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(name -> name.startsWith(prefix)).toList();
    }

    /** Names of live threads that were not in {@code baseline}. */
    static List<String> newThreads(Set<Long> baseline) {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
                .filter(thread -> !baseline.contains(threadId(thread))).map(Thread::getName).sorted().toList();
    }

    @SuppressWarnings("deprecation") // Thread.getId: threadId() arrives in Java 19
    private static long threadId(Thread thread) {
        return thread.getId();
    }

    private static BufferPoolMXBean pool(String name) {
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (pool.getName().equals(name)) {
                return pool;
            }
        }
        throw new IllegalStateException("no buffer pool named " + name);
    }

    private static String realPath(Path directory) {
        try {
            return directory.toRealPath().toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
