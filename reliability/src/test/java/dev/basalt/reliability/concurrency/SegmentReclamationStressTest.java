package dev.basalt.reliability.concurrency;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.internal.env.ChronicleSettings;
import dev.basalt.internal.env.FileIo;
import dev.basalt.internal.log.Segment;
import dev.basalt.internal.store.ReadEpochs;
import dev.basalt.reliability.support.ReliabilityReport;
import dev.basalt.reliability.support.Scale;
import dev.basalt.reliability.support.Seeds;
import dev.basalt.reliability.support.TmpfsDirectories;
import dev.basalt.testing.TestFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Segment reclamation with real mapped segments, the protocol the store follows when compaction
 * retires victims: publish the replacement, {@link ReadEpochs#awaitReaders()}, drop the log's
 * reference ({@link Segment#release()}, which unmaps when it is the last), delete the file.
 * Meanwhile two short readers touch the current segment inside a read epoch (as {@code get} and
 * the hot-path {@code read} do), and a long reader takes its own reference inside an epoch and
 * reads the whole segment after leaving it (as a value stream does).
 *
 * <p>Each segment's bytes all equal its id, so a reader that reached a segment unmapped and
 * replaced by another mapping would see the wrong byte; one that reached an unmapped address
 * would crash the JVM (SIGSEGV), which fails the build as loudly. Lincheck cannot drive this
 * part: every scenario would map a file and might leave it mapped; hence this hand-written
 * harness with the same intent.
 */
class SegmentReclamationStressTest {
    private static final int SEGMENT_BYTES = 64 * 1024;
    private static final int SHORT_READERS = 2;

    static {
        // As Basalt.open does before Chronicle loads: unmap on the releasing thread, at once.
        // Without it Chronicle hands unmaps to a background releaser and mappings linger.
        ChronicleSettings.apply();
    }

    private final Path dir = TmpfsDirectories.newTempDirectory("basalt-reclamation");
    private final ReadEpochs epochs = new ReadEpochs();
    private final AtomicReference<Segment> current = new AtomicReference<>();
    private final AtomicBoolean done = new AtomicBoolean();
    private final AtomicLong shortReads = new AtomicLong();
    private final AtomicLong longReads = new AtomicLong();
    private final AtomicLong wrongBytes = new AtomicLong();
    private final AtomicLong refusedRetains = new AtomicLong();

    @AfterEach
    void removeDirectory() {
        TestFiles.deleteRecursively(dir);
    }

    @Test
    void noReaderEverTouchesAnUnmappedSegment() throws Exception {
        long seed = Seeds.seed("reclamation", "basalt.reclamation.seed");
        int segments = Scale.count("basalt.reclamation.segments", 400, 20_000);
        current.set(newSegment(0));
        ExecutorService threads = Executors.newFixedThreadPool(SHORT_READERS + 1);
        List<Future<?>> readers = new ArrayList<>();
        try {
            for (int r = 0; r < SHORT_READERS; r++) {
                long readerSeed = seed + r;
                readers.add(threads.submit(() -> shortReads(new Random(readerSeed))));
            }
            readers.add(threads.submit(this::longReads));
            for (int id = 1; id <= segments; id++) {
                Segment old = current.getAndSet(newSegment(id));
                epochs.awaitReaders();
                old.release();
                Files.delete(old.path());
            }
        } finally {
            done.set(true);
            for (Future<?> reader : readers) {
                reader.get(1, TimeUnit.MINUTES); // hang guard only
            }
            threads.shutdown();
        }
        Segment last = current.get();
        last.release();
        Files.delete(last.path());
        String realDir = dir.toRealPath().toString();
        List<String> left = Files.readAllLines(Path.of("/proc/self/maps")).stream()
                .filter(line -> line.contains(realDir)).toList();
        long mappingsLeft = left.size();

        ReliabilityReport.line("reclamation", seed)
                .figure("segmentsRetired", segments)
                .figure("shortReads", shortReads.get())
                .figure("longReads", longReads.get())
                .figure("wrongBytes", wrongBytes.get())
                .figure("refusedRetains", refusedRetains.get())
                .figure("mappingsLeft", mappingsLeft)
                .write();
        assertThat(wrongBytes.get()).isZero();
        assertThat(refusedRetains.get()).as("a retain inside an epoch must always succeed").isZero();
        assertThat(mappingsLeft).isZero();
        assertThat(shortReads.get()).isPositive();
        assertThat(longReads.get()).isPositive();
    }

    private Segment newSegment(int id) {
        Path path = dir.resolve(String.format("%08d.seg", id));
        byte[] content = new byte[SEGMENT_BYTES];
        Arrays.fill(content, (byte) id);
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Segment.map(FileIo.real(), path, id, SEGMENT_BYTES, 0, SEGMENT_BYTES);
    }

    /** Like {@code get}: inside an epoch, load the current segment and read a few words of it. */
    private void shortReads(Random random) {
        while (!done.get()) {
            int token = epochs.enter();
            try {
                Segment segment = current.get();
                byte expected = (byte) segment.id();
                for (int i = 0; i < 4; i++) {
                    if (segment.buffer().getByte(random.nextInt(SEGMENT_BYTES)) != expected) {
                        wrongBytes.incrementAndGet();
                    }
                }
            } finally {
                epochs.exit(token);
            }
            shortReads.incrementAndGet();
        }
    }

    /** Like a value stream: retain inside an epoch, then read the whole segment outside it. */
    private void longReads() {
        while (!done.get()) {
            Segment segment;
            int token = epochs.enter();
            try {
                segment = current.get();
                if (!segment.retain()) {
                    refusedRetains.incrementAndGet();
                    continue;
                }
            } finally {
                epochs.exit(token);
            }
            try {
                byte expected = (byte) segment.id();
                for (int offset = 0; offset < SEGMENT_BYTES; offset += 512) {
                    if (segment.buffer().getByte(offset) != expected) {
                        wrongBytes.incrementAndGet();
                    }
                    if (offset % 8192 == 0) {
                        Thread.yield(); // let the retirer drop the log's reference meanwhile
                    }
                }
            } finally {
                segment.release();
            }
            longReads.incrementAndGet();
        }
    }
}
