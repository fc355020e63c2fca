package dev.basalt.compaction;

import dev.basalt.testing.ChildJvm;
import dev.basalt.Basalt;
import dev.basalt.KvNamespace;
import dev.basalt.internal.log.CompactionCommit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code close()} while another thread's {@code db.compact()} is in a pass: "every method is
 * thread-safe" and "any call after close throws IllegalStateException" (API.md), so the pass
 * must end with that exception (or finish), never crash the JVM by reading a segment that
 * close unmapped, and never fail with another exception. Runs {@link CompactionCloseRaceChild}
 * in its own JVM, so a crash shows as the child's exit status and hs_err file instead of
 * killing the test run. Two modes close at a fixed point of the pass (between two victims; at
 * COMMITTED), one at random moments. Afterwards the directory must open with every key holding
 * the value of the last round and no compaction file left over.
 */
@Tag("crash")
class CompactionCloseRaceTest {
    private static final int RANDOM_ROUNDS = 15;
    private static final long CHILD_TIMEOUT_SECONDS = 120;

    @TempDir
    Path workDir;

    @ParameterizedTest
    @ValueSource(strings = {"BETWEEN_VICTIMS", "COMMITTED", "RANDOM"})
    void closingDuringAPassNeverCrashesTheJvmNorThrowsAnythingButIllegalState(String mode) throws Exception {
        long seed = Long.getLong("basalt.closerace.seed", System.nanoTime());
        int rounds = mode.equals("RANDOM") ? RANDOM_ROUNDS : 1;
        System.out.printf("CompactionCloseRaceTest %s: seed %d (-Dbasalt.closerace.seed=%d), %d rounds%n", mode,
                seed, seed, rounds);
        Path dataDir = workDir.resolve("data");
        Path out = workDir.resolve("child.out");
        Path err = workDir.resolve("child.err");
        Path crashLog = workDir.resolve("hs_err.log");
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(ChildJvm.engineFlags());
        command.add("-Xmx256m");
        command.add("-ea");
        command.add("-XX:ErrorFile=" + crashLog);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(CompactionCloseRaceChild.class.getName());
        command.add(dataDir.toString());
        command.add(mode);
        command.add(Integer.toString(rounds));
        command.add(Long.toString(seed));
        Process child = new ProcessBuilder(command).directory(workDir.toFile()).redirectOutput(out.toFile())
                .redirectError(err.toFile()).start();
        boolean finished = child.waitFor(CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (!finished) {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
        List<String> lines = Files.readAllLines(out);
        List<String> unexpected = lines.stream().filter(l -> l.startsWith("UNEXPECTED")).distinct().toList();
        List<String> roundLines = lines.stream().filter(l -> l.startsWith("ROUND")).toList();
        System.out.printf("CompactionCloseRaceTest %s: rounds completed %d, exit %s, unexpected failures %d%n", mode,
                roundLines.size(), finished ? child.exitValue() : "none (timed out)", unexpected.size());
        roundLines.stream().filter(l -> !mode.equals("RANDOM")).forEach(line -> System.out.println("  " + line));
        unexpected.stream().limit(10).forEach(line -> System.out.println("  " + line));
        String dataAfterReopen = checkDataAfterReopen(dataDir);
        System.out.printf("CompactionCloseRaceTest %s: after a reopen: %s%n", mode, dataAfterReopen);
        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(crashLog).as("a JVM crash log (the child died in native code): %s", head(crashLog))
                .doesNotExist();
        softly.assertThat(finished).as("the child finished within %d s", CHILD_TIMEOUT_SECONDS).isTrue();
        softly.assertThat(finished ? child.exitValue() : -1).as("child exit status; stderr:%n%s", head(err)).isZero();
        softly.assertThat(lines).as("the child's output").isNotEmpty();
        softly.assertThat(lines.isEmpty() ? "" : lines.get(lines.size() - 1)).as("the child's last line")
                .startsWith("DONE");
        softly.assertThat(unexpected).as("compact() failures other than IllegalStateException").isEmpty();
        softly.assertThat(dataAfterReopen).as("the directory after a reopen").isEqualTo(INTACT);
        softly.assertAll();
    }

    private static final String INTACT = "intact";

    /** Opens the directory and checks every key holds the last round's value and no commit file is left. */
    private static String checkDataAfterReopen(Path dataDir) {
        try (Basalt db = Basalt.open(dataDir, CompactionCloseRaceChild.options())) {
            if (Files.exists(dataDir.resolve(CompactionCommit.FILE_NAME))) {
                return CompactionCommit.FILE_NAME + " left after the reopen";
            }
            KvNamespace ns = db.namespace(CompactionCloseRaceChild.NAMESPACE);
            String last = ns.get("key:0");
            for (int i = 0; i < CompactionCloseRaceChild.DISTINCT_KEYS; i++) {
                String value = ns.get("key:" + i);
                if (value == null || !value.equals(last)) {
                    return "key:" + i + " holds " + (value == null ? "nothing" : "a value of another round");
                }
            }
            return INTACT;
        } catch (RuntimeException e) {
            return "open failed: " + e;
        }
    }

    private static String head(Path file) {
        if (!Files.exists(file)) {
            return "(none)";
        }
        try (Stream<String> lines = Files.lines(file)) {
            return String.join("\n", lines.limit(40).toList());
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
