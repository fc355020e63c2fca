package dev.basalt.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.Basalt;
import dev.basalt.BasaltOptions;
import dev.basalt.Durability;
import dev.basalt.KvNamespace;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompactCommandTest {
    @Test
    void reclaimsOverwrittenRecordsAndKeepsEveryLiveValue(@TempDir Path tmp) {
        Path dir = tmp.resolve("data");
        BasaltOptions options = BasaltOptions.defaults().withSegmentSize(1 << 20).withDurability(Durability.PERIODIC)
                .withBackgroundCompaction(false);
        try (Basalt db = Basalt.open(dir, options)) {
            KvNamespace ns = db.namespace("USERS");
            for (int round = 0; round < 3; round++) {
                for (int i = 0; i < 3_000; i++) {
                    ns.put("user:" + i, "round " + round + " " + "x".repeat(300));
                }
            }
        }

        Cli compact = Cli.run("compact", dir.toString());
        Cli again = Cli.run("compact", dir.toString());

        assertThat(compact.code()).as(compact.toString()).isZero();
        assertThat(compact.out()).containsPattern("compacted \\d+ segments in .*: [\\d,]+ live records copied forward"
                + " \\(.*\\), [\\d,]+ dead records dropped, 0 tombstones kept; .* reclaimed");
        assertThat(again.out()).startsWith("nothing to compact");
        assertThat(Cli.run("verify", dir.toString()).code()).isZero();
        try (Basalt db = Basalt.open(dir, options)) {
            assertThat(db.namespace("USERS").get("user:7")).startsWith("round 2 ");
            assertThat(db.stats().liveKeys()).isEqualTo(3_000);
        }
    }

    @Test
    void aLockedOrMissingDirectoryIsRefused(@TempDir Path tmp) {
        Path dir = tmp.resolve("data");
        assertThat(Cli.run("compact", dir.toString()).code()).isEqualTo(2);
        try (Basalt db = Basalt.open(dir)) {
            Cli locked = Cli.run("compact", dir.toString());
            assertThat(locked.code()).isEqualTo(1);
            assertThat(locked.err()).startsWith("basalt compact: ").contains("already open");
            db.namespace("A").put("k", "still mine");
        }
    }
}
