package dev.basalt.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.Basalt;
import dev.basalt.BasaltOptions;
import dev.basalt.Durability;
import dev.basalt.KeyInfo;
import dev.basalt.KvNamespace;
import dev.basalt.ListOptions;
import dev.basalt.ListResult;
import dev.basalt.PutOptions;
import dev.basalt.ValueType;
import dev.basalt.ValueWithMetadata;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExportImportTest {
    private static final int KEYS = 2_500; // three list pages

    @Test
    void aNamespaceRoundTripsIntoAFreshDirectoryByteForByte(@TempDir Path tmp) throws Exception {
        Path source = tmp.resolve("source");
        Random random = new Random(42);
        try (Basalt db = Basalt.open(source, BasaltOptions.defaults().withDurability(Durability.PERIODIC))) {
            KvNamespace ns = db.namespace("SESSIONS");
            for (int i = 0; i < KEYS; i++) {
                byte[] value = new byte[random.nextInt(300)];
                if (i % 3 == 0) {
                    random.nextBytes(value); // mostly not UTF-8: exported as base64
                } else {
                    java.util.Arrays.fill(value, (byte) ('a' + i % 26));
                }
                PutOptions options = i % 2 == 0 ? PutOptions.expirationTtl(3600 + i)
                        : PutOptions.none().withMetadata(Map.of("user", "u" + i, "n", i));
                ns.put(String.format("session:%05d", i), value, options);
            }
            ns.put("emoji 🔑 / spaces", "ünïcödé ✓");
            ns.put("empty", new byte[0]);
            db.namespace("OTHER").put("not exported", "x");
        }
        Path export = tmp.resolve("sessions.json");

        Cli exported = Cli.run("export", "-n", "SESSIONS", "--output", export.toString(), "--dir", source.toString());
        Cli imported = Cli.run("import", "-n", "RESTORED", export.toString(), "--dir", tmp.resolve("target").toString());

        assertThat(exported.code()).as(exported.toString()).isZero();
        assertThat(exported.err()).contains("exported 2,502 keys");
        assertThat(Files.readString(export)).contains("\"base64\":true");
        assertThat(imported.code()).as(imported.toString()).isZero();
        assertThat(imported.err()).contains("2,502 entries").contains("wrote 2,502 entries to namespace RESTORED");
        try (Basalt from = Basalt.open(source); Basalt to = Basalt.open(tmp.resolve("target"))) {
            assertThat(to.namespaces()).containsExactly("RESTORED");
            KvNamespace original = from.namespace("SESSIONS");
            KvNamespace restored = to.namespace("RESTORED");
            List<KeyInfo> originalKeys = all(original);
            assertThat(all(restored)).isEqualTo(originalKeys); // names, expirations and metadata
            for (KeyInfo key : originalKeys) {
                ValueWithMetadata<byte[]> a = original.getWithMetadata(key.name(), ValueType.BYTES);
                ValueWithMetadata<byte[]> b = restored.getWithMetadata(key.name(), ValueType.BYTES);
                assertThat(b.value()).as(key.name()).isEqualTo(a.value());
                assertThat(b.metadata()).as(key.name()).isEqualTo(a.metadata());
            }
        }
    }

    @Test
    void exportToStdoutIsOneJsonDocumentThatImportReadsFromStdin(@TempDir Path tmp) {
        Path source = tmp.resolve("source");
        Cli.run("kv", "key", "put", "k", "v", "--ttl", "600", "--metadata", "[1,2]", "--dir", source.toString());

        Cli exported = Cli.run("export", "--dir", source.toString());
        Cli imported = Cli.runWithInput(exported.outBytes(), "import", "-", "--dir", tmp.resolve("t").toString());

        assertThat(exported.out()).matches("\\[\n  \\{\"key\":\"k\",\"value\":\"v\",\"expiration\":\\d+,"
                + "\"metadata\":\\[1,2\\]\\}\n\\]\n");
        assertThat(imported.code()).as(imported.toString()).isZero();
        assertThat(Cli.run("kv", "key", "get", "k", "--dir", tmp.resolve("t").toString()).out()).isEqualTo("v");
    }

    private static List<KeyInfo> all(KvNamespace ns) {
        List<KeyInfo> keys = new ArrayList<>();
        ListResult page = ns.list(ListOptions.all());
        keys.addAll(page.keys());
        while (!page.listComplete()) {
            page = ns.list(ListOptions.all().withCursor(page.cursor()));
            keys.addAll(page.keys());
        }
        return keys;
    }
}
