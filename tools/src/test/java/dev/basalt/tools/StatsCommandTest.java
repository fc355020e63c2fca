package dev.basalt.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.Basalt;
import java.io.PrintWriter;
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
}
