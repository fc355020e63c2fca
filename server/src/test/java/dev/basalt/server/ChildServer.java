package dev.basalt.server;

import dev.basalt.testing.ChildJvm;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@link ServerMain} in a child JVM (this JVM's class path and engine flags, via the engine's
 * {@link ChildJvm}), for tests that kill the server or need JVM-wide settings of their own.
 */
final class ChildServer implements AutoCloseable {
    final String baseUrl;
    private final Process process;
    private final Path stderr;

    private ChildServer(Process process, String baseUrl, Path stderr) {
        this.process = process;
        this.baseUrl = baseUrl;
        this.stderr = stderr;
    }

    /** Starts a server on a free loopback port over {@code directory} with the token in {@code tokenFile}. */
    static ChildServer start(Path directory, Path tokenFile, List<String> systemProperties) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ChildJvm.javaBinary());
        command.addAll(ChildJvm.engineFlags());
        command.add("-Xmx512m");
        command.addAll(systemProperties);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(ServerMain.class.getName());
        command.addAll(List.of("--dir", directory.toString(), "--port", "0", "--token-file", tokenFile.toString()));
        Path stderr = Files.createTempFile("basalt-child-server-", ".err");
        Process process = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (line == null || !line.startsWith("listening on ")) {
            process.destroyForcibly();
            throw new IllegalStateException("child server did not start: " + line + "\n" + ChildJvm.readQuietly(stderr));
        }
        return new ChildServer(process, line.substring("listening on ".length()).strip(), stderr);
    }

    /** Writes {@code token} to a 0600 file in {@code work}. */
    static Path tokenFile(Path work, String token) throws IOException {
        Path file = work.resolve("token");
        Files.writeString(file, token);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    /** SIGKILL: no shutdown hook, no close, no flush beyond what each acknowledged write did. */
    void killHard() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM: the shutdown hook closes the store; returns the exit code. */
    int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("server did not stop within 30 s of SIGTERM");
        }
        return process.exitValue();
    }

    String stderr() {
        return ChildJvm.readQuietly(stderr);
    }

    @Override
    public void close() throws IOException {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
        Files.deleteIfExists(stderr);
    }
}
