package dev.basalt.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Basalt's open when it cannot use its checkpoint: the directory of a loaded store closed
 * cleanly, copied, and its {@code CHECKPOINT} deleted, so the open replays the whole log (the
 * sealed segments have no hint files either: the checkpoint's publication deleted them). That
 * is the open after a checkpoint was damaged, or after a kill before the first checkpoint.
 * {@link #openWithoutCheckpoint} opens and reads one key; {@link #openWithoutCheckpointThenList}
 * then lists one page of 1,000 keys, which waits for a listing left to catch up after the open.
 *
 * <p>Basalt only: run with {@code -p store=basalt} (other stores have no checkpoint to delete
 * and fail the trial at once). Parameters and JVM flags as {@link OpenAndMemoryBenchmark}'s.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {
        JvmFlags.EXPORT_JDK_INTERNAL_MISC,
        JvmFlags.EXPORT_JDK_INTERNAL_REF,
        JvmFlags.OPEN_JAVA_LANG_REFLECT,
        JvmFlags.OPEN_SUN_NIO_CH,
        JvmFlags.OPEN_JAVA_UTIL_ZIP,
        JvmFlags.PEER_HEAP})
@Threads(1)
public class FullReplayOpenBenchmark {

    /** Opens a fresh copy without its checkpoint and reads one key. */
    @Benchmark
    public int openWithoutCheckpoint(WithoutCheckpoint copy) {
        copy.reopened = dev.basalt.benchmarks.stores.Stores.create(copy.store);
        copy.reopened.open(copy.workDir, copy.settings);
        return copy.probe(copy.reopened);
    }

    /** {@link #openWithoutCheckpoint}, then the first page of 1,000 keys. */
    @Benchmark
    public int openWithoutCheckpointThenList(WithoutCheckpoint copy) {
        int read = openWithoutCheckpoint(copy);
        return read + copy.reopened.listPage(BenchmarkKeys.KEY_PREFIX, OpenAndMemoryBenchmark.FIRST_PAGE_KEYS)
                .size();
    }

    /** A cleanly closed directory loaded once per trial; each iteration opens a copy without its checkpoint. */
    @State(Scope.Benchmark)
    public static class WithoutCheckpoint extends OpenAndMemoryBenchmark.Opening {
        Path workDir;

        @Setup(Level.Trial)
        public void setUpTrial() {
            if (!"basalt".equals(store)) {
                throw new UnsupportedOperationException(store
                        + " has no checkpoint to delete: run with -p store=basalt");
            }
            prepareLoaded();
            data.store.close();
        }

        @Setup(Level.Iteration)
        public void copyWithoutCheckpoint() throws IOException {
            workDir = TempDirectories.create("basalt-full-replay-");
            KillCopy.copy(data.dir, workDir);
            if (!Files.deleteIfExists(workDir.resolve("CHECKPOINT"))) {
                throw new UncheckedIOException(new IOException("no CHECKPOINT in " + workDir + " to delete"));
            }
        }

        @TearDown(Level.Iteration)
        public void verifyAndClose() {
            verifyCloseAndDelete(workDir);
            workDir = null;
        }
    }
}
