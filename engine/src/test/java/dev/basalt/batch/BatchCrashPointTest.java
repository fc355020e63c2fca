package dev.basalt.batch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.Basalt;
import dev.basalt.Durability;
import dev.basalt.KvNamespace;
import dev.basalt.internal.env.CrashPoint;
import dev.basalt.internal.env.CrashPoints;
import dev.basalt.testing.ChildJvm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A process halted at each crash point inside a write batch ({@link BatchCrashChild}, one
 * writer, so which batch is cut is known exactly), in each durability mode, and the directory
 * reopened: the batch being written is all there or not there at all, and which of the two is
 * decided by how far its records got, since a halt keeps what the process wrote to the page
 * cache:
 * <ul>
 *   <li>{@code BATCH_PARTLY_WRITTEN}: some records are in the file, the last is not; recovery
 *       must drop the whole batch, deletes included;</li>
 *   <li>{@code BATCH_WRITTEN}: every record is in the file, none forced or acknowledged;
 *       recovery must replay the whole batch (dropping a complete batch would lose nothing
 *       promised, but would mean recovery misreads the batch fields);</li>
 *   <li>{@code BATCH_ROLLED}: the batch made the log roll and has nothing in the new segment;
 *       it is absent, and every batch before it, now in the sealed segment, is whole.</li>
 * </ul>
 * The kill campaign (reliability module) halts at these points under concurrent writers at
 * random hits; this test pins the exact outcome of each.
 */
@Tag("crash")
class BatchCrashPointTest {
    private static final long HALT_TIMEOUT_SECONDS = 60;
    /** Each batch passes BATCH_PARTLY_WRITTEN once, between the writes of its two halves. */
    private static final int PARTLY_WRITTEN_HITS_PER_BATCH = 1;

    @TempDir
    Path work;

    static Stream<Arguments> haltsAndModes() {
        List<Arguments> cases = new ArrayList<>();
        for (Durability mode : Durability.values()) {
            // Batch 2, its first half written: past the first batches, which then must be whole.
            cases.add(Arguments.of(CrashPoint.BATCH_PARTLY_WRITTEN, 2 * PARTLY_WRITTEN_HITS_PER_BATCH + 1, 2, false,
                    mode));
            cases.add(Arguments.of(CrashPoint.BATCH_WRITTEN, 3, 2, true, mode));
            // Which batch rolls depends on record sizes; -1: the test reads it from the acknowledgements.
            cases.add(Arguments.of(CrashPoint.BATCH_ROLLED, 1, -1, false, mode));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}:{1} in {4}")
    @MethodSource("haltsAndModes")
    void theBatchBeingWrittenIsWholeOrAbsent(CrashPoint point, int hitAt, int expectedCut, boolean cutBatchLands,
            Durability mode) throws IOException, InterruptedException {
        Path dir = work.resolve("db");
        int acknowledged = runHaltedChild(dir, mode, point, hitAt);
        if (expectedCut >= 0) {
            assertThat(acknowledged).as("batches acknowledged before the halt").isEqualTo(expectedCut);
        } else {
            assertThat(acknowledged).as("a batch after the first fills the segment").isBetween(3, 8);
        }
        if (point == CrashPoint.BATCH_ROLLED) {
            try (Stream<Path> files = Files.list(dir)) {
                assertThat(files.filter(f -> f.toString().endsWith(".seg")).count()).as("segments after the roll")
                        .isEqualTo(2);
            }
        }
        Map<String, String> expected = new TreeMap<>();
        for (int n = 0; n < acknowledged + (cutBatchLands ? 1 : 0); n++) {
            BatchCrashChild.batch(n).forEach((key, value) -> {
                if (value == null) {
                    expected.remove(key);
                } else {
                    expected.put(key, value);
                }
            });
        }
        try (Basalt db = Basalt.open(dir, BatchCrashChild.options(mode))) {
            KvNamespace ns = db.namespace(BatchCrashChild.NAMESPACE);
            Map<String, String> actual = new TreeMap<>();
            for (int n = 0; n <= acknowledged; n++) {
                for (String key : BatchCrashChild.batch(n).keySet()) {
                    String value = ns.get(key);
                    if (value != null) {
                        actual.put(key, value);
                    }
                }
            }
            assertThat(actual.keySet()).as("keys after a halt at %s in batch %d", point, acknowledged)
                    .containsExactlyElementsOf(expected.keySet());
            assertThat(actual).as("values").isEqualTo(expected);
            assertThat(db.stats().liveKeys()).as("no other key").isEqualTo(expected.size());
        }
    }

    /** Runs the child armed at {@code point:hitAt}; returns how many batches it acknowledged before halting there. */
    private int runHaltedChild(Path dir, Durability mode, CrashPoint point, int hitAt)
            throws IOException, InterruptedException {
        Path out = work.resolve("child.out");
        Path err = work.resolve("child.err");
        List<String> command = new ArrayList<>();
        command.add(ChildJvm.javaBinary());
        command.addAll(ChildJvm.engineFlags());
        command.add("-Xmx256m");
        command.add("-D" + CrashPoints.PROPERTY + "=" + point.name() + ":" + hitAt);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(BatchCrashChild.class.getName());
        command.add(dir.toString());
        command.add(mode.name());
        Process child = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            assertThat(child.waitFor(HALT_TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("the child ended").isTrue();
        } finally {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
        assertThat(child.exitValue()).as("halted at %s; stderr:%n%s", point, ChildJvm.readQuietly(err))
                .isEqualTo(CrashPoints.HALT_STATUS);
        assertThat(Files.readString(err)).contains(CrashPoints.HIT_PREFIX + point.name() + " (hit " + hitAt + ")");
        List<String> lines = ChildJvm.completeLines(Files.readAllBytes(out));
        for (int i = 0; i < lines.size(); i++) {
            assertThat(lines.get(i)).as("line %d of the child", i).isEqualTo("ACK " + i);
        }
        return lines.size();
    }
}
