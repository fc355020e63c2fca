package dev.basalt.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.Basalt;
import dev.basalt.internal.env.JvmFlags;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the command line on the module path, in a JVM of its own, so a packaging mistake shows:
 * the engine as its named module (whose module-info exports {@code dev.basalt} to all and the
 * tooling packages to {@code dev.basalt.tools} only) and the tools as the module
 * {@code dev.basalt.tools}. The tests and {@code ./basalt} use the class path, where a missing or
 * wrong export goes unnoticed.
 */
class ModulePathTest {
    @TempDir
    Path temp;

    @Test
    void verifyAndStatsRunWithTheEngineAsANamedModule() throws Exception {
        Path data = temp.resolve("data");
        try (Basalt db = Basalt.open(data)) {
            db.namespace("NS").put("k", "v");
        }
        List<String> modulePath = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path path = Path.of(entry);
            if (entry.contains("test-classes") || entry.contains("junit") || entry.contains("opentest4j")
                    || entry.contains("apiguardian") || entry.contains("assertj") || entry.contains("byte-buddy")) {
                continue;
            }
            if (Files.isDirectory(path) && !Files.exists(path.resolve("module-info.class"))) {
                // A reactor module's classes without a module-info (the tools, the server): as the
                // jar plugin would package them, an automatic module named after the package.
                String module = "dev.basalt." + path.getParent().getParent().getFileName();
                modulePath.add(jarOf(path, module, temp.resolve(module + ".jar")).toString());
            } else {
                modulePath.add(entry);
            }
        }
        Result verify = run(modulePath, "verify", data.toString());
        assertThat(verify.exit).as(verify.output).isZero();
        assertThat(verify.output).as("verify found the directory clean").contains("clean");
        Result get = run(modulePath, "kv", "key", "get", "k", "--dir", data.toString(), "--namespace", "NS");
        assertThat(get.exit).as(get.output).isZero();
        assertThat(get.output).as("the value read through the engine module").contains("v");
    }

    private record Result(int exit, String output) {
    }

    private Result run(List<String> modulePath, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String flag : JvmFlags.REQUIRED) {
            // On the module path Agrona and Chronicle are named (automatic) modules: the flags name them.
            command.add(flag.replace("ALL-UNNAMED", "org.agrona,chronicle.core,chronicle.bytes"));
        }
        command.add("--module-path");
        command.add(String.join(java.io.File.pathSeparator, modulePath));
        command.add("--add-modules"); // the tools are an automatic module: resolve what they use
        command.add("ALL-MODULE-PATH");
        command.add("--module");
        command.add("dev.basalt.tools/dev.basalt.tools.BasaltCli");
        command.addAll(List.of(args));
        Path out = temp.resolve("out-" + args[0] + ".txt");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the CLI on the module path did not finish: " + Files.readString(out));
        }
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    }

    /** Compiled classes as a jar that is the automatic module {@code module}. */
    private static Path jarOf(Path classes, String module, Path jar) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(new Attributes.Name("Automatic-Module-Name"), module);
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest);
                Stream<Path> files = Files.walk(classes)) {
            for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                out.putNextEntry(new JarEntry(classes.relativize(file).toString().replace('\\', '/')));
                copy(file, out);
                out.closeEntry();
            }
        }
        return jar;
    }

    private static void copy(Path file, OutputStream out) throws IOException {
        Files.copy(file, out);
    }
}
