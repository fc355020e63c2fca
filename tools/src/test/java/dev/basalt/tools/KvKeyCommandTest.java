package dev.basalt.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.Basalt;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

class KvKeyCommandTest {
    @Test
    void putThenGetPrintsTheRawValue(@TempDir Path tmp) {
        String dir = tmp.resolve("data").toString();

        Cli put = Cli.run("kv", "key", "put", "greeting", "héllo wörld", "--dir", dir);
        Cli get = Cli.run("kv", "key", "get", "greeting", "--dir", dir);

        assertThat(put.code()).as(put.toString()).isZero();
        assertThat(put.out()).isEmpty();
        assertThat(put.err()).isEqualTo("wrote 13 bytes to key \"greeting\" in namespace DEFAULT\n");
        assertThat(get.code()).isZero();
        assertThat(get.outBytes()).isEqualTo("héllo wörld".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void binaryValuesFromStdinAndFilesComeBackByteForByte(@TempDir Path tmp) throws IOException {
        String dir = tmp.resolve("data").toString();
        byte[] binary = new byte[70_000];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) (i * 131 + (i >>> 8));
        }
        Path file = Files.write(tmp.resolve("value.bin"), binary);

        Cli fromStdin = Cli.runWithInput(binary, "kv", "key", "put", "blob:stdin", "-", "--dir", dir, "-n", "BLOBS");
        Cli fromFile = Cli.run("kv", "key", "put", "blob:file", "--path", file.toString(), "--dir", dir, "-n", "BLOBS");

        assertThat(fromStdin.code()).as(fromStdin.toString()).isZero();
        assertThat(fromStdin.err()).contains("wrote 70,000 bytes");
        assertThat(fromFile.code()).as(fromFile.toString()).isZero();
        assertThat(Cli.run("kv", "key", "get", "blob:stdin", "--dir", dir, "-n", "BLOBS").outBytes()).isEqualTo(binary);
        assertThat(Cli.run("kv", "key", "get", "blob:file", "--dir", dir, "-n", "BLOBS").outBytes()).isEqualTo(binary);
    }

    @Test
    void listPrintsNamesExpirationsAndMetadataLikeWrangler(@TempDir Path tmp) {
        String dir = tmp.resolve("data").toString();
        long before = Instant.now().getEpochSecond();
        Cli.run("kv", "key", "put", "user:1", "ada", "--ttl", "3600", "--metadata", "{\"plan\":\"pro\"}", "--dir", dir);
        Cli.run("kv", "key", "put", "user:2", "grace", "--dir", dir);
        Cli.run("kv", "key", "put", "other", "x", "--dir", dir);

        Cli list = Cli.run("kv", "key", "list", "--prefix", "user:", "--dir", dir);

        assertThat(list.code()).as(list.toString()).isZero();
        JsonNode keys = Json.MAPPER.readTree(list.out());
        assertThat(keys).hasSize(2);
        assertThat(keys.get(0).get("name").asString()).isEqualTo("user:1");
        assertThat(keys.get(0).get("expiration").asLong()).isBetween(before + 3600, Instant.now().getEpochSecond() + 3600);
        assertThat(keys.get(0).get("metadata")).isEqualTo(Json.MAPPER.readTree("{\"plan\":\"pro\"}"));
        assertThat(keys.get(1).has("expiration")).isFalse();
        assertThat(keys.get(1).has("metadata")).isFalse();
        assertThat(list.out()).as("one key a line").startsWith("[\n  {\"name\":\"user:1\"").endsWith("}\n]\n");
        assertThat(list.err()).isEmpty();
    }

    @Test
    void aLimitedListPrintsItsCursorOnStderrAndTheCursorContinues(@TempDir Path tmp) {
        String dir = tmp.resolve("data").toString();
        for (int i = 0; i < 5; i++) {
            Cli.run("kv", "key", "put", "k" + i, "v", "--dir", dir);
        }

        Cli first = Cli.run("kv", "key", "list", "--limit", "3", "--dir", dir);
        String cursor = first.err().strip().substring("cursor: ".length());
        Cli rest = Cli.run("kv", "key", "list", "--limit", "3", "--cursor", cursor, "--dir", dir);

        assertThat(Json.MAPPER.readTree(first.out()).findValuesAsString("name")).containsExactly("k0", "k1", "k2");
        assertThat(first.err()).startsWith("cursor: ");
        assertThat(Json.MAPPER.readTree(rest.out()).findValuesAsString("name")).containsExactly("k3", "k4");
        assertThat(rest.err()).as("the last page has no cursor").isEmpty();
    }

    @Test
    void deleteRemovesAndGetOfAMissingKeyExitsOne(@TempDir Path tmp) {
        String dir = tmp.resolve("data").toString();
        Cli.run("kv", "key", "put", "k", "v", "--dir", dir);

        Cli delete = Cli.run("kv", "key", "delete", "k", "--dir", dir);
        Cli get = Cli.run("kv", "key", "get", "k", "--dir", dir);
        Cli deleteAgain = Cli.run("kv", "key", "delete", "k", "--dir", dir);

        assertThat(delete.code()).isZero();
        assertThat(get.code()).isEqualTo(1);
        assertThat(get.outBytes()).isEmpty();
        assertThat(get.err()).isEqualTo("key \"k\" not found in namespace DEFAULT\n");
        assertThat(deleteAgain.code()).as("an absent key is no error").isZero();
    }

    @Test
    void readsNeverCreateADirectoryOrNamespace(@TempDir Path tmp) {
        Path dir = tmp.resolve("data");
        Cli noDirectory = Cli.run("kv", "key", "get", "k", "--dir", dir.toString());
        assertThat(noDirectory.code()).isEqualTo(1);
        assertThat(noDirectory.err()).contains("no data directory at");
        assertThat(dir).doesNotExist();

        Cli.run("kv", "key", "put", "k", "v", "--dir", dir.toString(), "-n", "A");
        Cli noNamespace = Cli.run("kv", "key", "list", "--dir", dir.toString(), "-n", "B");
        assertThat(noNamespace.code()).isEqualTo(1);
        assertThat(noNamespace.err()).contains("namespace B does not exist").contains("(namespaces: A)");
        try (Basalt db = Basalt.open(dir)) {
            assertThat(db.namespaces()).containsExactly("A");
        }
    }

    @Test
    void badInputIsAUsageErrorAndWritesNothing(@TempDir Path tmp) {
        Path dir = tmp.resolve("data");
        String d = dir.toString();

        Cli badJson = Cli.run("kv", "key", "put", "k", "v", "--metadata", "{nope", "--dir", d);
        Cli twoValues = Cli.run("kv", "key", "put", "k", "v", "--path", "x", "--dir", d);
        Cli shortTtl = Cli.run("kv", "key", "put", "k", "v", "--ttl", "5", "--dir", d);
        Cli badKey = Cli.run("kv", "key", "put", "..", "v", "--dir", d);
        Cli badLimit = Cli.run("kv", "key", "list", "--limit", "0", "--dir", d);
        Cli noSubcommand = Cli.run("kv", "key");

        assertThat(badJson.code()).isEqualTo(2);
        assertThat(badJson.err()).startsWith("basalt kv key put: --metadata is not valid JSON");
        assertThat(twoValues.code()).isEqualTo(2);
        assertThat(shortTtl.code()).isEqualTo(2);
        assertThat(shortTtl.err()).contains("expirationTtl is 5 seconds; the minimum is 60");
        assertThat(badKey.code()).isEqualTo(2);
        assertThat(badLimit.code()).isEqualTo(2);
        assertThat(badLimit.err()).contains("--limit is 0; it must be 1..1000");
        assertThat(noSubcommand.code()).isEqualTo(2);
        assertThat(noSubcommand.err()).contains("Missing required subcommand");
        assertThat(dir).as("the checks come before the store is opened").doesNotExist();
    }

    @Test
    void aLockedDirectoryIsAFailure(@TempDir Path tmp) {
        Path dir = tmp.resolve("data");
        try (Basalt db = Basalt.open(dir)) {
            Cli put = Cli.run("kv", "key", "put", "k", "v", "--dir", dir.toString());

            assertThat(put.code()).isEqualTo(1);
            assertThat(put.err()).startsWith("basalt kv key put: ").contains("already open");
            assertThat(db.namespaces()).isEmpty();
        }
    }

    @Test
    void getTextDecodesUtf8AndEndsWithANewline(@TempDir Path tmp) {
        String dir = tmp.resolve("data").toString();
        Cli.run("kv", "key", "put", "greeting", "héllo", "--dir", dir);
        Cli.runWithInput(new byte[] {'a', (byte) 0xff}, "kv", "key", "put", "binary", "-", "--dir", dir);

        Cli text = Cli.run("kv", "key", "get", "greeting", "--text", "--dir", dir);
        Cli binary = Cli.run("kv", "key", "get", "binary", "--text", "--dir", dir);
        Cli missing = Cli.run("kv", "key", "get", "nobody", "--text", "--dir", dir);

        assertThat(text.code()).as(text.toString()).isZero();
        assertThat(text.out()).isEqualTo("héllo\n");
        assertThat(binary.code()).isEqualTo(1);
        assertThat(binary.outBytes()).as("nothing on stdout when the command fails").isEmpty();
        assertThat(binary.err()).isEqualTo("basalt kv key get: the value of key \"binary\" (2 bytes) is not valid"
                + " UTF-8; without --text it prints as raw bytes\n");
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.outBytes()).isEmpty();
    }

    @Test
    void aBadCursorPrintsNothingOnStdout(@TempDir Path tmp) {
        String dir = tmp.resolve("data").toString();
        Cli.run("kv", "key", "put", "k", "v", "--dir", dir);

        Cli garbage = Cli.run("kv", "key", "list", "--cursor", "garbage", "--dir", dir);
        Cli garbageLimited = Cli.run("kv", "key", "list", "--limit", "1", "--cursor", "garbage", "--dir", dir);

        for (Cli list : java.util.List.of(garbage, garbageLimited)) {
            assertThat(list.code()).as(list.toString()).isEqualTo(2);
            assertThat(list.outBytes()).as("no [] a script would read as an empty page").isEmpty();
            assertThat(list.err()).startsWith("basalt kv key list: ").contains("cursor");
        }
    }
}
