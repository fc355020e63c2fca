package dev.basalt.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.testing.ChildJvm;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Runs the Node test (server/src/test/node, {@code node --test}) that drives a child-JVM server
 * with the official {@code cloudflare} SDK, installed by {@code npm ci} from the committed lock
 * file. Fails with a clear message when node or npm is missing: this test is part of
 * {@code mvn test} on purpose (CI installs Node; see .ci/run).
 */
class SdkNodeTest {
    private static final Pattern PASS = Pattern.compile("^# pass (\\d+)$", Pattern.MULTILINE);
    private static final Pattern FAIL = Pattern.compile("^# fail (\\d+)$", Pattern.MULTILINE);

    @Test
    void theCloudflareSdkPassesEveryEndpointTest() throws Exception {
        Path nodeDir = Path.of(System.getProperty("basalt.node.dir", "src/test/node")).toAbsolutePath();
        requireTool("node");
        requireTool("npm");

        Result install = run(nodeDir, List.of("npm", "ci", "--no-audit", "--no-fund"), 600);
        assertThat(install.exitCode()).as("npm ci in %s:%n%s", nodeDir, install.output()).isZero();

        Result tests = run(nodeDir, List.of("node", "--test", "--test-reporter=tap"), 600);
        System.out.println(tests.output());
        Matcher pass = PASS.matcher(tests.output());
        Matcher fail = FAIL.matcher(tests.output());
        assertThat(tests.exitCode()).as("node --test output:%n%s", tests.output()).isZero();
        assertThat(pass.find() && fail.find()).as("TAP summary in:%n%s", tests.output()).isTrue();
        int passed = Integer.parseInt(pass.group(1));
        System.out.println("node --test: " + passed + " SDK tests passed, " + fail.group(1) + " failed");
        assertThat(Integer.parseInt(fail.group(1))).isZero();
        assertThat(passed).as("SDK tests run").isGreaterThanOrEqualTo(6);
    }

    private static void requireTool(String tool) throws InterruptedException {
        try {
            Process probe = new ProcessBuilder(tool, "--version").redirectErrorStream(true).start();
            probe.getInputStream().readAllBytes();
            if (probe.waitFor(60, TimeUnit.SECONDS) && probe.exitValue() == 0) {
                return;
            }
        } catch (IOException e) {
            // fall through to the message
        }
        throw new AssertionError(tool + " is not on PATH: the server's SDK test needs Node.js 18+ with npm"
                + " (Debian: apt-get install nodejs npm; .ci/run installs them when node is missing)");
    }

    private record Result(int exitCode, String output) {
    }

    private static Result run(Path directory, List<String> command, long timeoutSeconds)
            throws IOException, InterruptedException {
        Path log = Files.createTempFile("basalt-node-", ".log");
        try {
            ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command)).directory(directory.toFile())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().put("BASALT_JAVA", ChildJvm.javaBinary());
            builder.environment().put("BASALT_CLASSPATH", System.getProperty("java.class.path"));
            builder.environment().put("BASALT_JVM_FLAGS", String.join(" ", ChildJvm.engineFlags()));
            builder.environment().remove("CLOUDFLARE_API_TOKEN"); // never a real account's token
            builder.environment().remove("CLOUDFLARE_BASE_URL");
            Process process = builder.start();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                return new Result(-1, "timed out after " + timeoutSeconds + " s: " + String.join(" ", command)
                        + File.separator + Files.readString(log, StandardCharsets.UTF_8));
            }
            return new Result(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
