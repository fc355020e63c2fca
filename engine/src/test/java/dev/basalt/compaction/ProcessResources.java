package dev.basalt.compaction;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * What this JVM holds of a data directory, as Linux reports it: the segment files mapped
 * ({@code /proc/self/maps}) and the file descriptors open on files in the directory
 * ({@code /proc/self/fd}). Chronicle Bytes maps segments with its own call, not through
 * {@code FileChannel.map}, so the JDK's "mapped" buffer pool does not see them; it is read
 * too ({@link #jdkMappedBufferCount()}), to report what it shows.
 *
 * <p>Linux only; {@link #available()} says whether {@code /proc/self} can be read.
 */
final class ProcessResources {
    private static final Path MAPS = Path.of("/proc/self/maps");
    private static final Path FDS = Path.of("/proc/self/fd");
    private static final String DELETED_SUFFIX = " (deleted)";

    /** Figures at one moment. */
    record Snapshot(int segmentMappings, int mappedSegmentFiles, int deletedSegmentMappings, int descriptors,
            int segmentDescriptors) {
        @Override
        public String toString() {
            return "maps: " + segmentMappings + " mappings of " + mappedSegmentFiles + " .seg files ("
                    + deletedSegmentMappings + " deleted); fds: " + descriptors + " in the directory, "
                    + segmentDescriptors + " on .seg files";
        }
    }

    private ProcessResources() {
    }

    static boolean available() {
        return Files.isReadable(MAPS) && Files.isDirectory(FDS);
    }

    /** The mappings and descriptors this process holds of files in {@code dir}. */
    static Snapshot of(Path dir) {
        String prefix = realPath(dir) + "/";
        int mappings = 0;
        int deleted = 0;
        Set<String> files = new TreeSet<>();
        for (String line : readLines(MAPS)) {
            int at = line.indexOf(prefix);
            if (at < 0) {
                continue;
            }
            String path = line.substring(at);
            boolean gone = path.endsWith(DELETED_SUFFIX);
            if (gone) {
                path = path.substring(0, path.length() - DELETED_SUFFIX.length());
            }
            if (path.endsWith(".seg")) {
                mappings++;
                deleted += gone ? 1 : 0;
                files.add(path);
            }
        }
        int descriptors = 0;
        int segmentDescriptors = 0;
        try (Stream<Path> fds = Files.list(FDS)) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                String target;
                try {
                    target = Files.readSymbolicLink(fd).toString();
                } catch (NoSuchFileException closedMeanwhile) {
                    continue; // the directory stream's own descriptor, or one closed while listing
                } catch (IOException e) {
                    continue;
                }
                if (target.startsWith(prefix)) {
                    descriptors++;
                    String name = target.endsWith(DELETED_SUFFIX)
                            ? target.substring(0, target.length() - DELETED_SUFFIX.length()) : target;
                    segmentDescriptors += name.endsWith(".seg") ? 1 : 0;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Snapshot(mappings, files.size(), deleted, descriptors, segmentDescriptors);
    }

    /**
     * The JDK's "mapped" buffer pool count (MappedByteBuffers made by FileChannel.map), or -1
     * when it cannot be read. By reflection: the engine module, which the tests are patched
     * into, does not read java.management.
     */
    static long jdkMappedBufferCount() {
        try {
            Class<?> factory = Class.forName("java.lang.management.ManagementFactory");
            Class<?> pool = Class.forName("java.lang.management.BufferPoolMXBean");
            Method beans = factory.getMethod("getPlatformMXBeans", Class.class);
            Method name = pool.getMethod("getName");
            Method count = pool.getMethod("getCount");
            for (Object bean : (List<?>) beans.invoke(null, pool)) {
                if ("mapped".equals(name.invoke(bean))) {
                    return (Long) count.invoke(bean);
                }
            }
            return -1;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return -1;
        }
    }

    private static String realPath(Path dir) {
        try {
            return dir.toRealPath().toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> readLines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
