package dev.basalt.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.Basalt;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoCommandTest {
    private static final int SESSIONS = 3_000;
    private static final int USERS = 300;

    @Test
    void loadsReadsListsAndExpiresAndSaysWhatHappened(@TempDir Path tmp) {
        Path dir = tmp.resolve("data");
        int[] byTtl = new int[3];
        for (int s = 0; s < SESSIONS; s++) {
            byTtl[DemoWorkload.sessionTtl(s).equals(DemoWorkload.SHORT_TTL) ? 0
                    : DemoWorkload.sessionTtl(s).equals(DemoWorkload.HOUR_TTL) ? 1 : 2]++;
        }

        Cli run = Cli.run("demo", dir.toString(), "--sessions", "" + SESSIONS, "--users", "" + USERS);

        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(run.out())
                .contains("durability: PERIODIC")
                .contains("loaded 3,300 keys")
                .contains("get() of all 3,000 sessions in random order: 3,000 found")
                .contains("every \"user:\" key of DEMO_USERS, 1 pages of up to 1000: 300 keys")
                .contains("every \"session:\" key of DEMO_SESSIONS, 3 pages of up to 1000: 3,000 keys")
                .contains("4. time travel: the demo clock moves 16 min forward")
                .contains("(reads check the expiration themselves)")
                .contains(String.format("%,d keys purged in all since open", byTtl[0]))
                .contains(String.format("%,d keys purged in all since open", byTtl[0] + byTtl[1]))
                .contains(String.format(": %,d keys in", byTtl[2]))
                .contains("6. compact: rewrite the sealed segments")
                .contains(String.format("live keys          %,d (", USERS + byTtl[2]));
        assertThat(run.out()).doesNotContain("stopped waiting");
        assertThat(run.err()).isEmpty();

        Cli again = Cli.run("demo", dir.toString(), "--sessions", "10", "--users", "10");
        assertThat(again.out()).contains("dropped DEMO_USERS, left by an earlier demo");
        try (Basalt db = Basalt.open(dir)) {
            // Reopened with the real clock: what expired in the demo stays expired.
            long live = db.namespace(DemoCommand.SESSIONS).list().keys().size();
            assertThat(live).isLessThan(10);
        }
    }
}
