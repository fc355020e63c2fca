package dev.basalt.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.Basalt;
import dev.basalt.BasaltOptions;
import dev.basalt.Durability;
import dev.basalt.KeyInfo;
import dev.basalt.KvNamespace;
import dev.basalt.ListOptions;
import dev.basalt.PutOptions;
import dev.basalt.ValueType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KvNamespaceCommandTest {
    @Test
    void listPrintsWranglersIdAndTitleShapeInSortedOrder(@TempDir Path tmp) {
        String dir = tmp.resolve("data").toString();
        assertThat(Cli.run("kv", "namespace", "create", "USERS", "--dir", dir).code()).isZero();
        assertThat(Cli.run("kv", "namespace", "create", "CACHE", "--dir", dir).code()).isZero();

        Cli list = Cli.run("kv", "namespace", "list", "--dir", dir);

        assertThat(list.code()).as(list.toString()).isZero();
        assertThat(list.out()).isEqualTo("[\n  {\"id\":\"CACHE\",\"title\":\"CACHE\"},\n"
                + "  {\"id\":\"USERS\",\"title\":\"USERS\"}\n]\n");
        assertThat(list.err()).isEmpty();
    }

    @Test
    void listOfAMissingDirectoryFailsAndCreatesNothing(@TempDir Path tmp) {
        Path dir = tmp.resolve("nothing-here");

        Cli list = Cli.run("kv", "namespace", "list", "--dir", dir.toString());

        assertThat(list.code()).isEqualTo(1);
        assertThat(list.out()).isEmpty();
        assertThat(list.err()).startsWith("basalt kv namespace list: no data directory at ");
        assertThat(dir).doesNotExist();
    }

    @Test
    void createRefusesANameInUseAndABadName(@TempDir Path tmp) {
        String dir = tmp.resolve("data").toString();
        Cli first = Cli.run("kv", "namespace", "create", "USERS", "--dir", dir);
        Cli again = Cli.run("kv", "namespace", "create", "USERS", "--dir", dir);
        Cli bad = Cli.run("kv", "namespace", "create", "../etc", "--dir", dir);

        assertThat(first.code()).as(first.toString()).isZero();
        assertThat(first.err()).isEqualTo("created namespace USERS in " + dir + "\n");
        assertThat(again.code()).isEqualTo(1);
        assertThat(again.err()).contains("namespace USERS already exists");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("is not 1..64 characters of [A-Za-z0-9_-]");
    }

    @Test
    void deleteWithoutATerminalNeedsForce(@TempDir Path tmp) {
        Path dir = tmp.resolve("data");
        fill(dir, "OLD", 3);

        Cli refused = Cli.run("kv", "namespace", "delete", "OLD", "--dir", dir.toString());
        assertThat(refused.code()).isEqualTo(2);
        assertThat(refused.err()).contains("there is no terminal to confirm on; pass --force");
        assertThat(namespaces(dir)).containsExactly("OLD");

        Cli forced = Cli.run("kv", "namespace", "delete", "OLD", "--force", "--dir", dir.toString());
        assertThat(forced.code()).as(forced.toString()).isZero();
        assertThat(forced.err()).isEqualTo("deleted namespace OLD (3 keys) from " + dir + "\n");
        assertThat(namespaces(dir)).isEmpty();
    }

    @Test
    void deleteOnATerminalAsksAndOnlyYesDeletes(@TempDir Path tmp) {
        Path dir = tmp.resolve("data");
        fill(dir, "OLD", 2);

        Cli declined = Cli.runOnTerminal("n\n", "kv", "namespace", "delete", "OLD", "--dir", dir.toString());
        assertThat(declined.code()).isEqualTo(1);
        assertThat(declined.err()).startsWith("Delete namespace OLD and its 2 keys from " + dir
                + "? There is no undo. [y/N] ").endsWith("not deleted\n");
        assertThat(namespaces(dir)).containsExactly("OLD");

        Cli accepted = Cli.runOnTerminal("y\n", "kv", "namespace", "delete", "OLD", "--dir", dir.toString());
        assertThat(accepted.code()).as(accepted.toString()).isZero();
        assertThat(namespaces(dir)).isEmpty();

        Cli missing = Cli.run("kv", "namespace", "delete", "OLD", "-y", "--dir", dir.toString());
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).contains("namespace OLD does not exist");
    }

    @Test
    void renameCopiesValuesMetadataAndExpirationsThenDropsTheOldName(@TempDir Path tmp) {
        Path dir = tmp.resolve("data");
        long expiration = Instant.now().getEpochSecond() + 30; // under the 60 s minimum for new writes
        try (Basalt db = Basalt.open(dir, BasaltOptions.defaults().withMinExpirationTtl(java.time.Duration.ZERO))) {
            KvNamespace old = db.namespace("OLD");
            old.put("plain", "v");
            old.put("binary", new byte[] {0, (byte) 0xff, 1});
            old.put("rich", "r", PutOptions.expiration(expiration).withMetadata(Map.of("plan", "pro")));
            db.namespace("OTHER").put("untouched", "x");
        }

        Cli rename = Cli.run("kv", "namespace", "rename", "OLD", "--new-name", "NEW", "--dir", dir.toString());

        assertThat(rename.code()).as(rename.toString()).isZero();
        assertThat(rename.out()).isEmpty();
        assertThat(rename.err()).startsWith("renamed namespace OLD to NEW: 3 keys copied in ");
        try (Basalt db = Basalt.open(dir)) {
            assertThat(db.namespaces()).containsExactly("NEW", "OTHER");
            KvNamespace renamed = db.namespace("NEW");
            assertThat(renamed.get("plain")).isEqualTo("v");
            assertThat(renamed.get("binary", ValueType.BYTES)).containsExactly(0, 0xff, 1);
            KeyInfo rich = renamed.list(ListOptions.prefix("rich")).keys().get(0);
            assertThat(rich.expiration()).isEqualTo(expiration);
            assertThat(rich.metadata().get("plan").asString()).isEqualTo("pro");
            assertThat(db.namespace("OTHER").get("untouched")).isEqualTo("x");
        }
    }

    @Test
    void renameRefusesAnExistingTargetAndResumeFinishesAnInterruptedRename(@TempDir Path tmp) {
        Path dir = tmp.resolve("data");
        fill(dir, "OLD", 1_500);
        // What a crash midway leaves: both namespaces, the new one with part of the keys.
        try (Basalt db = Basalt.open(dir)) {
            db.namespace("NEW").put("key:0000", "value 0");
        }

        Cli refused = Cli.run("kv", "namespace", "rename", "OLD", "--new-name", "NEW", "--dir", dir.toString());
        Cli resumed = Cli.run("kv", "namespace", "rename", "OLD", "--new-name", "NEW", "--resume", "--dir",
                dir.toString());

        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.err()).contains("namespace NEW already exists").contains("run this again with --resume");
        assertThat(resumed.code()).as(resumed.toString()).isZero();
        assertThat(resumed.err()).contains("1,500 keys copied");
        try (Basalt db = Basalt.open(dir)) {
            assertThat(db.namespaces()).containsExactly("NEW");
            assertThat(Namespaces.countKeys(db.namespace("NEW"))).isEqualTo(1_500);
            assertThat(db.namespace("NEW").get("key:1499")).isEqualTo("value 1499");
        }
    }

    @Test
    void renameOfAMissingNamespaceChangesNothing(@TempDir Path tmp) {
        Path dir = tmp.resolve("data");
        fill(dir, "A", 1);

        Cli rename = Cli.run("kv", "namespace", "rename", "B", "--new-name", "C", "--dir", dir.toString());

        assertThat(rename.code()).isEqualTo(1);
        assertThat(rename.err()).contains("namespace B does not exist").contains("(namespaces: A)");
        assertThat(namespaces(dir)).containsExactly("A");
        assertThat(Files.exists(dir)).isTrue();
    }

    private static void fill(Path dir, String namespace, int keys) {
        try (Basalt db = Basalt.open(dir, BasaltOptions.defaults().withDurability(Durability.PERIODIC))) {
            KvNamespace ns = db.namespace(namespace);
            for (int i = 0; i < keys; i++) {
                ns.put(String.format("key:%04d", i), "value " + i);
            }
        }
    }

    private static java.util.List<String> namespaces(Path dir) {
        try (Basalt db = Basalt.open(dir)) {
            return db.namespaces();
        }
    }
}
