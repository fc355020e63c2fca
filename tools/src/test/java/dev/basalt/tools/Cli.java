package dev.basalt.tools;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Runs the command line in-process with byte streams, as {@code main} does, and keeps what it printed. */
record Cli(int code, byte[] outBytes, String err) {
    static Cli run(String... args) {
        return runWithInput(new byte[0], args);
    }

    static Cli runWithInput(byte[] stdin, String... args) {
        return run(stdin, false, args);
    }

    /** As a person at a terminal: progress bars, and {@code typed} is what they answer a prompt with. */
    static Cli runOnTerminal(String typed, String... args) {
        return run(typed.getBytes(StandardCharsets.UTF_8), true, args);
    }

    private static Cli run(byte[] stdin, boolean terminal, String... args) {
        InputStream in = new ByteArrayInputStream(stdin);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = BasaltCli.run(args, Io.of(in, out, err, terminal));
        return new Cli(code, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
    }

    String out() {
        return new String(outBytes, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "exit " + code + "\n--- out\n" + out() + "--- err\n" + err;
    }
}
