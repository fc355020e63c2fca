package dev.basalt.benchmarks.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The machine a report describes: CPU model, logical CPU count and kernel release.
 *
 * <p>Read on the machine that makes the report, which the {@code benchmarks/run} script runs right
 * after the benchmarks, so it is the machine of the run.
 *
 * @param cpuModel the {@code model name} of {@code /proc/cpuinfo}, or {@code os.arch} where there is none
 * @param logicalCpus the {@code processor} entries of {@code /proc/cpuinfo}, or the JVM's available processors
 * @param kernelRelease what {@code uname -r} prints ({@code /proc/sys/kernel/osrelease}), or {@code os.version}
 */
public record Machine(String cpuModel, int logicalCpus, String kernelRelease) {
    private static final Path CPU_INFO = Path.of("/proc/cpuinfo");
    private static final Path KERNEL_RELEASE = Path.of("/proc/sys/kernel/osrelease");

    /** The machine this JVM runs on. */
    public static Machine current() {
        List<String> cpuInfo = lines(CPU_INFO);
        String model = cpuInfo.stream()
                .filter(line -> line.startsWith("model name"))
                .map(line -> line.substring(line.indexOf(':') + 1).trim())
                .findFirst()
                .orElse(System.getProperty("os.arch"));
        int processors = (int) cpuInfo.stream().filter(line -> line.matches("processor\\s*:.*")).count();
        if (processors == 0) {
            processors = Runtime.getRuntime().availableProcessors();
        }
        List<String> release = lines(KERNEL_RELEASE);
        String kernel = release.isEmpty() ? System.getProperty("os.version") : release.get(0).trim();
        return new Machine(model, processors, kernel);
    }

    /** One line for the report, such as {@code AMD EPYC 7B13, 2 logical CPUs, kernel 6.18.0}. */
    public String describe() {
        return cpuModel + ", " + logicalCpus + (logicalCpus == 1 ? " logical CPU" : " logical CPUs")
                + ", kernel " + kernelRelease;
    }

    private static List<String> lines(Path file) {
        try {
            return Files.isReadable(file) ? Files.readAllLines(file) : List.of();
        } catch (IOException e) {
            return List.of();
        }
    }
}
