package dev.basalt.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class HelpTest {
    @Test
    void everyCommandHasHelpThatExitsZero() {
        List<String> paths = new ArrayList<>();
        collect(BasaltCli.newCommandLine(Io.of(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()))),
                "", paths);
        assertThat(paths).contains("demo", "stats", "verify", "compact", "dump-segment", "kv key put", "kv key get",
                "kv key delete", "kv key list", "kv bulk put", "kv bulk get", "kv bulk delete", "export", "import");
        for (String path : paths) {
            List<String> args = new ArrayList<>(List.of(path.split(" ")));
            args.add("--help");
            Cli run = Cli.run(args.toArray(String[]::new));
            assertThat(run.code()).as(path).isZero();
            assertThat(run.out()).as(path).startsWith("Usage: basalt " + path);
        }
    }

    @Test
    void anUnknownCommandIsAUsageError() {
        StringWriter err = new StringWriter();
        int code = BasaltCli.run(new String[] {"frobnicate"}, new PrintWriter(new StringWriter()), new PrintWriter(err));
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("Unmatched argument at index 0: 'frobnicate'");
    }

    private static void collect(CommandLine command, String prefix, List<String> paths) {
        for (var sub : command.getSubcommands().entrySet()) {
            String path = (prefix + " " + sub.getKey()).strip();
            paths.add(path);
            collect(sub.getValue(), path, paths);
        }
    }
}
