package dev.basalt.tools;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --dir} option of the commands that work on a whole data directory, not one namespace. */
final class DataDirectoryOption {
    @Option(names = "--dir", paramLabel = "DIR", defaultValue = BasaltCli.DEFAULT_DIRECTORY,
            description = "data directory (default: ${DEFAULT-VALUE})")
    Path directory;
}
