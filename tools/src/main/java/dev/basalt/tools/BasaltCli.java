package dev.basalt.tools;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.lang.reflect.Constructor;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code basalt} command line: one class per command, the work done by engine calls that
 * tests make too. Exit codes: 0 success; 1 failure (for {@code verify}: damage found; for
 * {@code kv key get}: no such key); 2 usage error (bad option or argument, or for
 * {@code verify}: a directory that cannot be checked).
 */
@Command(name = "basalt", mixinStandardHelpOptions = true, version = "basalt 0.1.0",
        description = "Basalt: an embedded log-structured key-value engine with the Workers KV API.",
        subcommands = {DemoCommand.class, StatsCommand.class, VerifyCommand.class, CompactCommand.class,
            DumpSegmentCommand.class,
            KvCommand.class, ExportCommand.class, ImportCommand.class, ServeCommand.class},
        footer = {"", "Exit codes: 0 success, 1 failure (verify: damage found), 2 usage error.",
            "Run 'basalt COMMAND --help' for a command's options."})
public final class BasaltCli implements Runnable {
    /** The data directory commands use when none is given. */
    public static final String DEFAULT_DIRECTORY = "basalt-data";
    /** Exit code of a failure (verify: damage found). */
    static final int FAILURE = 1;
    private static final String LOG_FORMAT_PROPERTY = "java.util.logging.SimpleFormatter.format";
    /** Exit code of a usage error. */
    static final int USAGE = CommandLine.ExitCode.USAGE;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /** Runs the command line on the process's streams and exits with its code. */
    public static void main(String[] args) {
        // The engine logs through System.Logger (java.util.logging here): one line per message
        // on stderr, not JUL's two-line default with a timestamp.
        if (System.getProperty(LOG_FORMAT_PROPERTY) == null) {
            System.setProperty(LOG_FORMAT_PROPERTY, "basalt: %4$s: %5$s%6$s%n");
        }
        int code = run(args, Io.of(System.in, System.out, System.err, System.console() != null));
        System.exit(code);
    }

    /** Runs the command line with injected character streams; returns the exit code. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        return run(args, Io.of(out, err));
    }

    /**
     * Runs the command line with injected byte streams (binary values pass through intact), as
     * a script would: no terminal, so plain progress lines and no confirmation prompts.
     */
    public static int run(String[] args, InputStream in, OutputStream out, OutputStream err) {
        return run(args, Io.of(in, out, err, false));
    }

    /** Runs the command line on {@code io}; tests use it to play a person at a terminal. */
    static int run(String[] args, Io io) {
        CommandLine commandLine = newCommandLine(io);
        try {
            return commandLine.execute(args);
        } finally {
            io.flush();
        }
    }

    /** The command tree, its commands writing to {@code io}. */
    static CommandLine newCommandLine(Io io) {
        CommandLine commandLine = new CommandLine(new BasaltCli(), new Factory(io));
        commandLine.setOut(io.text);
        commandLine.setErr(io.err);
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
            boolean usage = e instanceof UsageException || e instanceof IllegalArgumentException;
            io.flush();
            cmd.getErr().println(cmd.getCommandSpec().qualifiedName() + ": " + e.getMessage());
            return usage ? USAGE : FAILURE;
        });
        return commandLine;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Creates commands, handing the streams to those whose constructor takes them. */
    private static final class Factory implements CommandLine.IFactory {
        private final Io io;

        Factory(Io io) {
            this.io = io;
        }

        @Override
        public <K> K create(Class<K> type) throws Exception {
            Constructor<K> withIo;
            try {
                withIo = type.getDeclaredConstructor(Io.class);
            } catch (NoSuchMethodException e) {
                return CommandLine.defaultFactory().create(type);
            }
            return withIo.newInstance(io);
        }
    }
}
