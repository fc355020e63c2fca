package dev.basalt.tools;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code basalt} command line: one class per command, the work done by engine calls. */
@Command(name = "basalt", mixinStandardHelpOptions = true, version = "basalt 0.1.0",
        description = "Basalt: an embedded log-structured key-value engine with the Workers KV API.",
        subcommands = {StatsCommand.class})
public final class BasaltCli implements Runnable {
    /** The data directory commands use when none is given. */
    public static final String DEFAULT_DIRECTORY = "basalt-data";

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command line with injected streams; returns the exit code. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine commandLine = new CommandLine(new BasaltCli());
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("basalt: " + e.getMessage());
            return 1;
        });
        return commandLine.execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
