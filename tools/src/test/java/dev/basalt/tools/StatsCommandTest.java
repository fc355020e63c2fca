package dev.basalt.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.Basalt;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.stream.Stream;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatsCommandTest {
    @Test
    void printsTheFiguresOfADirectory(@TempDir Path tmp) {
        Path dir = tmp.resolve("data");
        try (Basalt db = Basalt.open(dir)) {
            db.namespace("USERS").put("user:1", "ada");
            db.namespace("USERS").put("user:2", "grace");
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = BasaltCli.run(new String[] {"stats", dir.toString()}, new PrintWriter(out, true),
                new PrintWriter(err, true));
        assertThat(code).isZero();
        assertThat(out.toString()).contains("live keys          2 (").contains("namespaces         1 (USERS)")
                .containsPattern("log +\\d+(\\.\\d)? [KMG]?i?B in 1 segment, \\d+\\.\\d% live")
                .contains("since open         0 expired keys purged, 0 compactions (0 B reclaimed), 0 corrupt ranges");
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void aDirectoryHeldByAnotherStoreIsAnErrorWithExitCodeOne(@TempDir Path tmp) {
        Path dir = tmp.resolve("data");
        try (Basalt db = Basalt.open(dir)) {
            StringWriter err = new StringWriter();
            int code = BasaltCli.run(new String[] {"stats", dir.toString()}, new PrintWriter(new StringWriter(), true),
                    new PrintWriter(err, true));
            assertThat(code).isEqualTo(1);
            assertThat(err.toString()).startsWith("basalt stats: ").contains("already open");
            assertThat(db.stats().liveKeys()).isZero();
        }
    }

    @Test
    void aMissingOrForeignDirectoryIsAnErrorAndNothingIsCreated(@TempDir Path tmp) throws IOException {
        Path missing = tmp.resolve("missing");
        Path foreign = Files.createDirectory(tmp.resolve("photos"));
        Files.writeString(foreign.resolve("cat.jpg"), "not a store");

        Cli ofMissing = Cli.run("stats", missing.toString());
        Cli ofForeign = Cli.run("stats", foreign.toString());

        assertThat(ofMissing.code()).isEqualTo(1);
        assertThat(ofMissing.out()).isEmpty();
        assertThat(ofMissing.err()).startsWith("basalt stats: no data directory at ");
        assertThat(missing).doesNotExist();
        assertThat(ofForeign.code()).isEqualTo(1);
        assertThat(ofForeign.err()).contains("is not a Basalt data directory");
        try (Stream<Path> files = Files.list(foreign)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactly("cat.jpg");
        }
    }

    @Test
    void eachDamagedRangeIsWarnedAboutOnce(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("data");
        try (Basalt db = Basalt.open(dir)) {
            db.namespace("USERS").put("user:1", "a value whose bytes are about to rot");
            db.namespace("USERS").put("user:2", "grace");
        }
        Path segment = dir.resolve("000000000001.seg");
        byte[] bytes = Files.readAllBytes(segment);
        int at = indexOf(bytes, "about to rot".getBytes(StandardCharsets.UTF_8));
        bytes[at] ^= 0x20;
        Files.write(segment, bytes);
        try (Stream<Path> hints = Files.list(dir)) {
            for (Path hint : hints.filter(f -> f.toString().endsWith(".hint")).toList()) {
                Files.delete(hint); // recovery must scan the segment, not trust its hint
            }
        }
        List<String> warnings = new ArrayList<>();
        Handler collect = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                    warnings.add(new SimpleFormatter().formatMessage(record));
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger root = Logger.getLogger("");
        root.addHandler(collect);
        Cli stats;
        try {
            stats = Cli.run("stats", dir.toString());
        } finally {
            root.removeHandler(collect);
        }

        assertThat(stats.code()).as(stats.toString()).isZero();
        assertThat(stats.out()).contains("1 corrupt ranges skipped");
        assertThat(warnings).as("one warning per damaged range").hasSize(1);
        assertThat(warnings.get(0)).contains("000000000001.seg").contains("checksum");
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }
}
