package dev.basalt.reliability.leaks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.basalt.Basalt;
import dev.basalt.BasaltOptions;
import dev.basalt.BasaltStats;
import dev.basalt.CompactionResult;
import dev.basalt.Durability;
import dev.basalt.KvNamespace;
import dev.basalt.ValueType;
import dev.basalt.reliability.support.ReliabilityReport;
import dev.basalt.reliability.support.Scale;
import dev.basalt.reliability.support.Seeds;
import dev.basalt.reliability.support.TmpfsDirectories;
import dev.basalt.testing.TestFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Hundreds of open/close cycles of one directory, each writing enough to seal a segment, then
 * compacting it while two readers read through every path ({@code get}, the hot-path
 * {@code read}, and value streams, which pin a segment beyond their read epoch). After every
 * close: no segment of the directory is still mapped, no descriptor is open on its files, and no
 * {@code basalt-background} thread is alive. After all cycles, against a baseline taken after
 * one warm-up cycle: the process's descriptors, the JDK's mapped and direct buffer pools and
 * its threads are back where they were.
 *
 * <p>Slack, and why: descriptors {@value #DESCRIPTOR_SLACK} (the JDK opens a few files lazily,
 * for example jar files of classes first loaded after the baseline); direct bytes
 * {@value #DIRECT_SLACK_BYTES} (short-lived direct buffers of file headers and hint files are
 * freed by the GC's cleaner, not at close; the check runs after {@code System.gc()} until the
 * pool settles, and a leak of one cycle's index alone would be far larger: hundreds of cycles
 * times at least 1 KiB each); threads: none.
 */
class LeakTest {
    private static final int DESCRIPTOR_SLACK = 4;
    private static final long DIRECT_SLACK_BYTES = 1L << 20;
    private static final int KEYS = 12;
    private static final int VALUE_BYTES = 32 * 1024;
    /** 48 puts of 32 KiB: 1.5 MiB, so each cycle seals at least one 1 MiB segment, mostly dead. */
    private static final int PUTS_PER_CYCLE = 48;
    private static final int READERS = 2;
    private static final int GC_ATTEMPTS = 30;
    private static final int GC_AT_LEAST = 3;
    private static final long READ_PAUSE_NANOS = 50_000;

    private final Path dir = TmpfsDirectories.newTempDirectory("basalt-leaks");

    @AfterEach
    void removeDirectory() {
        TestFiles.deleteRecursively(dir);
    }

    @Test
    void openCloseAndCompactionCyclesGiveEverythingBack() throws Exception {
        assumeTrue(ResourceCounts.available(), "needs /proc/self (Linux)");
        long seed = Seeds.seed("leaks", "basalt.leaks.seed");
        int cycles = Scale.count("basalt.leaks.cycles", 200, 2_000);
        Random random = new Random(seed);
        AtomicLong reads = new AtomicLong();
        long compactions = 0;
        long offHeapIndexBytesAtClose = 0;
        List<String> problems = new ArrayList<>();

        ExecutorService readers = Executors.newFixedThreadPool(READERS);
        try {
            cycle(readers, random, reads); // warm-up: class loading, Chronicle's one-time set-up
            System.gc();
            ResourceCounts baseline = ResourceCounts.of(dir);
            for (int c = 0; c < cycles; c++) {
                CycleFigures figures = cycle(readers, random, reads);
                compactions += figures.segmentsCompacted();
                offHeapIndexBytesAtClose = Math.max(offHeapIndexBytesAtClose, figures.offHeapIndexBytes());
                ResourceCounts after = ResourceCounts.of(dir);
                List<String> engineThreads = ResourceCounts.liveThreadsNamed("basalt-");
                if (after.segmentMappings() != 0 || after.descriptorsInDirectory() != 0 || !engineThreads.isEmpty()) {
                    problems.add("after close " + c + ": " + after.segmentMappings() + " segment mappings, "
                            + after.descriptorsInDirectory() + " descriptors in the directory, threads " + engineThreads);
                }
            }
            readers.shutdown();
            assertThat(readers.awaitTermination(1, TimeUnit.MINUTES)).isTrue();
            ResourceCounts end = settle(baseline);
            List<String> newThreads = ResourceCounts.newThreads(baseline.threadIds());

            ReliabilityReport.line("leaks", seed)
                    .figure("cycles", cycles)
                    .figure("segmentsCompacted", compactions)
                    .figure("reads", reads.get())
                    .figure("fdBaseline", baseline.descriptors())
                    .figure("fdAfter", end.descriptors())
                    .figure("segmentMappingsAfter", end.segmentMappings())
                    .figure("jdkMappedAfter", end.jdkMappedCount())
                    .figure("directBytesBaseline", baseline.directBytes())
                    .figure("directBytesAfter", end.directBytes())
                    .figure("offHeapIndexBytesAtClose", offHeapIndexBytesAtClose)
                    .figure("newThreads", newThreads.size())
                    .figure("problems", problems.size())
                    .write();
            assertThat(problems).isEmpty();
            assertThat(compactions).as("compaction ran under the readers").isGreaterThanOrEqualTo(cycles);
            assertThat(end.descriptors()).isLessThanOrEqualTo(baseline.descriptors() + DESCRIPTOR_SLACK);
            assertThat(end.segmentMappings()).isZero();
            assertThat(end.jdkMappedCount()).isLessThanOrEqualTo(baseline.jdkMappedCount());
            assertThat(end.directBytes()).isLessThanOrEqualTo(baseline.directBytes() + DIRECT_SLACK_BYTES);
            assertThat(newThreads).isEmpty();
            assertThat(offHeapIndexBytesAtClose).as("the engine held off-heap tables while open").isPositive();
        } finally {
            readers.shutdownNow();
        }
    }

    private record CycleFigures(long segmentsCompacted, long offHeapIndexBytes) {
    }

    /** Open, write, compact under readers, close. */
    private CycleFigures cycle(ExecutorService readers, Random random, AtomicLong reads) throws Exception {
        BasaltStats stats;
        long compacted = 0;
        try (Basalt db = Basalt.open(dir, BasaltOptions.defaults()
                .withDurability(Durability.PERIODIC)
                .withSegmentSize(1L << 20)
                .withCompactionRate(0) // unpaced: the cycles are about compaction under readers, not its pacing
                .withBackgroundCompaction(random.nextBoolean()))) {
            KvNamespace ns = db.namespace(random.nextInt(4) == 0 ? "SECOND" : "LEAKS");
            byte[] value = new byte[VALUE_BYTES];
            for (int i = 0; i < PUTS_PER_CYCLE; i++) {
                random.nextBytes(value);
                ns.put("k" + random.nextInt(KEYS), value);
            }
            AtomicBoolean stop = new AtomicBoolean();
            List<Future<?>> running = new ArrayList<>();
            for (int r = 0; r < READERS; r++) {
                long readerSeed = random.nextLong();
                running.add(readers.submit(() -> read(ns, new Random(readerSeed), stop, reads)));
            }
            try {
                for (int pass = 0; pass < 2; pass++) {
                    CompactionResult result = db.compact();
                    compacted += result.segmentsCompacted();
                }
            } finally {
                stop.set(true);
                for (Future<?> reader : running) {
                    reader.get(1, TimeUnit.MINUTES); // hang guard only
                }
            }
            stats = db.stats();
        }
        return new CycleFigures(compacted, stats.offHeapIndexBytes());
    }

    /** Reads until told to stop, through all three paths; at least a few reads per cycle. */
    private static Void read(KvNamespace ns, Random random, AtomicBoolean stop, AtomicLong reads) {
        ByteBuffer key = ByteBuffer.allocateDirect(16);
        ByteBuffer dst = ByteBuffer.allocateDirect(VALUE_BYTES);
        byte[] sink = new byte[8192];
        for (int i = 0; i < 8 || !stop.get(); i++) {
            String name = "k" + random.nextInt(KEYS);
            switch (i % 3) {
                case 0 -> ns.get(name, ValueType.BYTES);
                case 1 -> {
                    key.clear();
                    key.put(name.getBytes(StandardCharsets.UTF_8)).flip();
                    dst.clear();
                    ns.read(key, dst);
                }
                default -> {
                    try (InputStream stream = ns.get(name, ValueType.STREAM)) {
                        while (stream != null && stream.read(sink) >= 0) {
                            Thread.yield(); // let compaction retire the segment under the open stream
                        }
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }
            reads.incrementAndGet();
            LockSupport.parkNanos(READ_PAUSE_NANOS); // leave the two cores to compaction too
        }
        return null;
    }

    /**
     * The counts once the GC has freed what only it frees (direct buffers of finished reads and
     * of replaced index tables): collects until the direct pool is within slack of the baseline
     * (after at least {@value #GC_AT_LEAST} collections) or {@value #GC_ATTEMPTS} attempts have passed, then returns what is left.
     */
    private ResourceCounts settle(ResourceCounts baseline) throws InterruptedException {
        ResourceCounts now = ResourceCounts.of(dir);
        for (int attempt = 0; attempt < GC_ATTEMPTS
                && (attempt < GC_AT_LEAST || now.directBytes() > baseline.directBytes() + DIRECT_SLACK_BYTES);
                attempt++) {
            System.gc();
            Thread.sleep(50);
            now = ResourceCounts.of(dir);
        }
        return now;
    }
}
