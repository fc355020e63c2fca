package dev.basalt.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code basalt serve} refuses to start where it would be open to anyone. */
class ServeCommandTest {
    @Test
    void noTokenOnANonLoopbackAddressIsRefused(@TempDir Path work) {
        Cli run = Cli.run("serve", "--dir", work.resolve("data").toString(), "--bind", "0.0.0.0", "--port", "0");
        assertThat(run.code()).as(run.toString()).isEqualTo(2);
        assertThat(run.err()).contains("refusing to serve on 0.0.0.0 without a token").contains("--token-file");
        assertThat(work.resolve("data")).as("nothing was opened").doesNotExist();
    }

    @Test
    void aTokenFileOthersCanReadIsRefused(@TempDir Path work) throws Exception {
        Path token = work.resolve("token");
        Files.writeString(token, "secret\n");
        Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-r--r--"));
        Cli run = Cli.run("serve", "--dir", work.resolve("data").toString(), "--port", "0", "--token-file",
                token.toString());
        assertThat(run.code()).as(run.toString()).isEqualTo(2);
        assertThat(run.err()).contains("open to group or others").contains("chmod 600");
    }
}
