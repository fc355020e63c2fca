package dev.basalt.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.Basalt;
import dev.basalt.BasaltOptions;
import dev.basalt.Durability;
import dev.basalt.KvNamespace;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

class VerifyCommandTest {
    /**
     * The header's length of a put with metadata and no expiration (docs/format.md): the fixed
     * 24 bytes and the metadata length. The namespace starts right after it.
     */
    private static final int RECORD_HEADER_BYTES = 26;

    @Test
    void aCleanDirectoryExitsZero(@TempDir Path tmp) {
        Path dir = store(tmp, 50);

        Cli run = Cli.run("verify", dir.toString());

        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(run.out()).contains("records checked    52 intact (50 puts, 0 tombstones, 2 namespace records)")
                .contains("clean: no damage found");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void aFlippedValueByteIsReportedWithItsExactOffsetAndExitCodeOne(@TempDir Path tmp) throws IOException {
        Path dir = store(tmp, 50);
        Path segment = dir.resolve("000000000001.seg");
        byte[] body = ("USERS" + "user:7" + "{\"n\":7}" + value(7)).getBytes(StandardCharsets.UTF_8);
        byte[] before = Files.readAllBytes(segment);
        int bodyAt = indexOf(before, body);
        long recordOffset = bodyAt - RECORD_HEADER_BYTES;
        byte[] damaged = before.clone();
        damaged[bodyAt + body.length - 3] ^= 0x20; // a byte of the value
        Files.write(segment, damaged);

        Cli text = Cli.run("verify", dir.toString());
        Cli json = Cli.run("verify", "--json", dir.toString());

        assertThat(text.code()).as(text.toString()).isEqualTo(1);
        assertThat(text.out()).contains("DAMAGED 000000000001.seg offset " + recordOffset
                + " (" + recordLength(value(7)) + " bytes): body checksum mismatch")
                .contains("1 damaged range found; nothing was changed (verify never repairs)");
        assertThat(json.code()).isEqualTo(1);
        JsonNode report = Json.MAPPER.readTree(json.out());
        assertThat(report.get("clean").asBoolean()).isFalse();
        assertThat(report.get("recordsChecked").asLong()).isEqualTo(51);
        assertThat(report.get("damage")).hasSize(1);
        JsonNode damage = report.get("damage").get(0);
        assertThat(damage.get("file").asString()).endsWith("000000000001.seg");
        assertThat(damage.get("offset").asLong()).isEqualTo(recordOffset);
        assertThat(damage.get("reason").asString()).isEqualTo("body checksum mismatch");
        assertThat(Files.readAllBytes(segment)).as("verify never repairs").isEqualTo(damaged);
    }

    @Test
    void aLockedDirectoryIsRefusedWithExitCodeTwo(@TempDir Path tmp) {
        Path dir = store(tmp, 5);
        try (Basalt db = Basalt.open(dir)) {
            Cli run = Cli.run("verify", dir.toString());

            assertThat(run.code()).isEqualTo(2);
            assertThat(run.err()).startsWith("basalt verify: cannot check " + dir).contains("already open");
            db.namespace("USERS").put("after", "verify"); // the holder still writes
        }
        assertThat(Cli.run("verify", dir.toString()).code()).isZero();
    }

    @Test
    void aMissingDirectoryOrNoArgumentIsExitCodeTwo(@TempDir Path tmp) {
        Cli missing = Cli.run("verify", tmp.resolve("nowhere").toString());
        Cli noArgument = Cli.run("verify");

        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("does not exist");
        assertThat(tmp.resolve("nowhere")).doesNotExist();
        assertThat(noArgument.code()).isEqualTo(2);
        assertThat(noArgument.err()).contains("Missing required parameter: 'DIR'");
    }

    @Test
    void dumpSegmentPrintsEveryRecordAndTheDamage(@TempDir Path tmp) throws IOException {
        Path dir = store(tmp, 3);
        Path segment = dir.resolve("000000000001.seg");
        Cli clean = Cli.run("dump-segment", segment.toString());

        assertThat(clean.code()).as(clean.toString()).isZero();
        assertThat(clean.out()).contains("segment 1 of store").contains("(store id from STORE)")
                .contains("offset=64 type=NAMESPACE_CREATE seq=1 exp=- ns=\"USERS\" crc=ok")
                .contains("type=PUT seq=2 exp=- ns=\"USERS\" key=\"user:0\" meta={\"n\":0} value=304B crc=ok")
                .contains("5 records, 0 damaged ranges");

        byte[] bytes = Files.readAllBytes(segment);
        int at = indexOf(bytes, ("user:1" + "{\"n\":1}" + value(1)).getBytes(StandardCharsets.UTF_8));
        bytes[at + 30] ^= 1;
        Files.write(segment, bytes);
        Cli damaged = Cli.run("dump-segment", segment.toString());

        assertThat(damaged.code()).isEqualTo(1);
        assertThat(damaged.out()).contains("key=\"user:1\" meta={\"n\":1} value=304B crc=body checksum mismatch")
                .containsPattern("DAMAGED offset=\\d+ length=\\d+: body checksum mismatch");
    }

    /** A closed store with {@code keys} keys "user:N" in USERS and one namespace more. */
    private static Path store(Path tmp, int keys) {
        Path dir = tmp.resolve("data");
        try (Basalt db = Basalt.open(dir, BasaltOptions.defaults().withDurability(Durability.PERIODIC))) {
            KvNamespace users = db.namespace("USERS");
            for (int i = 0; i < keys; i++) {
                users.put("user:" + i, value(i), dev.basalt.PutOptions.none().withMetadata(java.util.Map.of("n", i)));
            }
            db.namespace("OTHER");
        }
        return dir;
    }

    private static String value(int i) {
        return ("profile of user " + i + " ").repeat(20).substring(0, 300) + String.format("%04d", i);
    }

    private static long recordLength(String value) {
        long raw = RECORD_HEADER_BYTES + "USERS".length() + 6 + "{\"n\":7}".length() + value.length();
        return (raw + 7) / 8 * 8;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
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
