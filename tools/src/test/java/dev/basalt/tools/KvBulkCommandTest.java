package dev.basalt.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.Basalt;
import dev.basalt.ValueType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

class KvBulkCommandTest {
    @Test
    void bulkPutWritesEveryEntryAndBulkGetAndDeleteUseTheSameFile(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("data");
        long expiration = Instant.now().getEpochSecond() + 7200;
        Path file = Files.writeString(tmp.resolve("bulk.json"), "[\n"
                + "  {\"key\": \"a\", \"value\": \"alpha\", \"metadata\": {\"n\": 1}},\n"
                + "  {\"key\": \"b\", \"value\": \"" + Base64.getEncoder().encodeToString(new byte[] {0, (byte) 0xFF, 7})
                + "\", \"base64\": true, \"expiration_ttl\": 3600},\n"
                + "  {\"key\": \"c\", \"value\": \"\", \"expiration\": " + expiration + "}\n"
                + "]\n");

        Cli put = Cli.run("kv", "bulk", "put", file.toString(), "--dir", dir.toString());

        assertThat(put.code()).as(put.toString()).isZero();
        assertThat(put.err()).contains("checked " + file + ": 3 entries").contains("wrote 3 entries to namespace DEFAULT");
        try (Basalt db = Basalt.open(dir)) {
            assertThat(db.namespace("DEFAULT").get("a")).isEqualTo("alpha");
            assertThat(db.namespace("DEFAULT").get("b", ValueType.BYTES)).containsExactly(0, 0xFF, 7);
            assertThat(db.namespace("DEFAULT").get("c")).isEmpty();
            assertThat(db.namespace("DEFAULT").list().keys().get(2).expiration()).isEqualTo(expiration);
        }

        Path keys = Files.writeString(tmp.resolve("keys.json"), "[\"a\", {\"key\": \"b\"}, {\"name\": \"missing\"}]");
        Cli get = Cli.run("kv", "bulk", "get", keys.toString(), "--dir", dir.toString());
        assertThat(get.code()).as(get.toString()).isZero();
        JsonNode entries = Json.MAPPER.readTree(get.out());
        assertThat(entries).hasSize(2);
        assertThat(entries.get(0).toString()).isEqualTo("{\"key\":\"a\",\"value\":\"alpha\",\"metadata\":{\"n\":1}}");
        assertThat(entries.get(1).toString()).isEqualTo("{\"key\":\"b\",\"value\":\"AP8H\",\"base64\":true}");
        assertThat(get.err()).contains("not found: \"missing\"").contains("2 of 3 keys found");

        Cli delete = Cli.run("kv", "bulk", "delete", file.toString(), "--dir", dir.toString());
        assertThat(delete.code()).as(delete.toString()).isZero();
        try (Basalt db = Basalt.open(dir)) {
            assertThat(db.namespace("DEFAULT").list().keys()).isEmpty();
        }
    }

    @Test
    void aBadFieldNamesTheEntryLineAndFieldAndNothingIsWritten(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("data");
        Cli.run("kv", "key", "put", "existing", "1", "--dir", dir.toString());
        Path file = Files.writeString(tmp.resolve("bulk.json"), "[\n"
                + "  {\"key\": \"k0\", \"value\": \"v\"},\n"
                + "  {\"key\": \"k1\", \"value\": \"v\"},\n"
                + "  {\"key\": \"k2\",\n"
                + "   \"value\": \"v\", \"expiration\": \"tomorrow\"},\n"
                + "  {\"key\": \"k3\", \"value\": \"v\"}\n"
                + "]\n");

        Cli put = Cli.run("kv", "bulk", "put", file.toString(), "--dir", dir.toString());

        assertThat(put.code()).isEqualTo(1);
        assertThat(put.err()).isEqualTo("basalt kv bulk put: " + file + ": entry [2] (line 4), field \"expiration\":"
                + " must be a whole number of epoch seconds, found a string; nothing was written\n");
        assertKeys(dir, "existing");
    }

    @Test
    void everyKindOfMalformedEntryIsNamedAndNothingIsWritten(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("data");
        Cli.run("kv", "key", "put", "existing", "1", "--dir", dir.toString());
        String good = "{\"key\": \"ok\", \"value\": \"v\"},\n";
        String[][] cases = {
            {"{\"value\": \"v\"}", "entry [1] (line 2), field \"key\": is missing"},
            {"{\"key\": \"k\"}", "entry [1] (line 2), field \"value\": is missing"},
            {"{\"key\": \"k\", \"value\": 5}", "entry [1] (line 2), field \"value\": must be a string, found a number"},
            {"{\"key\": \"k\", \"value\": \"v\", \"expiraton\": 1}", "entry [1] (line 2), field \"expiraton\": is not a"
                    + " field of the bulk format"},
            {"{\"key\": \"" + "x".repeat(513) + "\", \"value\": \"v\"}", "entry [1] (line 2), field \"key\": key is 513"
                    + " bytes of UTF-8; the limit is 512"},
            {"{\"key\": \"k\", \"value\": \"v\", \"expiration_ttl\": 10}", "entry [1] (line 2), field"
                    + " \"expiration_ttl\": expirationTtl is 10 seconds; the minimum is 60"},
            {"{\"key\": \"k\", \"value\": \"v\", \"expiration\": 1000}", "entry [1] (line 2), field \"expiration\":"
                    + " expiration 1000 is"},
            {"{\"key\": \"k\", \"value\": \"v\", \"metadata\": {\"s\": \"" + "m".repeat(1100) + "\"}}",
                "entry [1] (line 2), field \"metadata\": metadata is 1108 bytes of JSON; the limit is 1024"},
            {"{\"key\": \"k\", \"value\": \"%%%\", \"base64\": true}", "entry [1] (line 2), field \"value\": is not"
                    + " valid base64"},
            {"\"just a string\"", "entry [1] (line 2): expected an object"},
            {"{\"key\": \"k\", \"value\": \"v\"", "entry [1] (from line 2): not valid JSON at line"},
        };
        for (String[] c : cases) {
            Path file = Files.writeString(tmp.resolve("bulk.json"), "[" + good + c[0] + "\n]");
            Cli put = Cli.run("kv", "bulk", "put", file.toString(), "--dir", dir.toString());
            assertThat(put.code()).as(c[0]).isEqualTo(1);
            assertThat(put.err()).as(c[0]).contains(file + ": " + c[1]).endsWith("; nothing was written\n");
        }
        Path notAnArray = Files.writeString(tmp.resolve("object.json"), "{\"key\": \"k\"}");
        assertThat(Cli.run("kv", "bulk", "put", notAnArray.toString(), "--dir", dir.toString()).err())
                .contains("line 1: expected a JSON array of entries");
        assertKeys(dir, "existing");
    }

    @Test
    void bulkPutReadsStdinAndSkipsExpiredEntriesWhenAsked(@TempDir Path tmp) {
        Path dir = tmp.resolve("data");
        byte[] file = ("[{\"key\": \"old\", \"value\": \"v\", \"expiration\": 1000},"
                + " {\"key\": \"new\", \"value\": \"v\"}]").getBytes(StandardCharsets.UTF_8);

        Cli refused = Cli.runWithInput(file, "kv", "bulk", "put", "-", "--dir", dir.toString());
        Cli skipping = Cli.runWithInput(file, "kv", "bulk", "put", "-", "--skip-expired", "--dir", dir.toString());

        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.err()).contains("stdin: entry [0] (line 1), field \"expiration\"");
        assertThat(skipping.code()).as(skipping.toString()).isZero();
        assertThat(skipping.err()).contains("1 expire too soon and are skipped").contains("wrote 1 entries");
        assertKeys(dir, "new");
    }

    private static void assertKeys(Path dir, String... keys) {
        try (Basalt db = Basalt.open(dir)) {
            assertThat(db.namespace("DEFAULT").list().keys()).extracting(k -> k.name()).containsExactly(keys);
        }
    }
}
