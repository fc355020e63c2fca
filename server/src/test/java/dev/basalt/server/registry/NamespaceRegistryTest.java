package dev.basalt.server.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.Basalt;
import dev.basalt.server.envelope.ApiException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NamespaceRegistryTest {
    @Test
    void engineNamespacesAreAdoptedWithTheirNameAsTitle(@TempDir Path dir) {
        try (Basalt db = Basalt.open(dir)) {
            db.namespace("AUTH_TOKENS").put("k", "v");
            NamespaceRegistry registry = NamespaceRegistry.open(db, dir);
            List<NamespaceEntry> entries = registry.list();
            assertThat(entries).extracting(NamespaceEntry::title).containsExactly("AUTH_TOKENS");
            NamespaceEntry adopted = entries.get(0);
            assertThat(adopted.id()).matches("[0-9a-f]{32}");
            assertThat(registry.namespace(adopted.id()).get("k")).isEqualTo("v");
        }
    }

    @Test
    void idsAndTitlesSurviveARestartAndOnlyTheTitleChangesOnRename(@TempDir Path dir) throws Exception {
        String id;
        try (Basalt db = Basalt.open(dir)) {
            NamespaceRegistry registry = NamespaceRegistry.open(db, dir);
            id = registry.create("first").id();
            registry.namespace(id).put("k", "v");
            registry.rename(id, "second");
        }
        Path file = dir.resolve(NamespaceRegistry.FILE_NAME);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(dir.resolve(NamespaceRegistry.FILE_NAME + ".tmp")).doesNotExist();
        try (Basalt db = Basalt.open(dir)) {
            NamespaceRegistry registry = NamespaceRegistry.open(db, dir);
            assertThat(registry.resolve(id).title()).isEqualTo("second");
            assertThat(registry.resolve(id).engineName()).isEqualTo(id);
            assertThat(registry.namespace(id).get("k")).isEqualTo("v");
            registry.delete(id);
            assertThat(db.namespaces()).isEmpty();
            assertThatThrownBy(() -> registry.resolve(id)).isInstanceOf(ApiException.class)
                    .hasMessageContaining("namespace not found");
        }
    }

    @Test
    void aNamespaceWhoseTitleWasLostInACrashComesBackUnderItsId(@TempDir Path dir) {
        try (Basalt db = Basalt.open(dir)) {
            // The engine namespace was made, the registry file never written (the crash window of create).
            String id = "0123456789abcdef0123456789abcdef";
            db.namespace(id);
            NamespaceEntry entry = NamespaceRegistry.open(db, dir).resolve(id);
            assertThat(entry.title()).isEqualTo(id);
        }
    }

    @Test
    void malformedIdsAndDuplicateTitlesAreRefused(@TempDir Path dir) {
        try (Basalt db = Basalt.open(dir)) {
            NamespaceRegistry registry = NamespaceRegistry.open(db, dir);
            registry.create("taken");
            assertThatThrownBy(() -> registry.create("taken")).isInstanceOf(ApiException.class)
                    .hasMessageContaining("already exists");
            assertThatThrownBy(() -> registry.resolve("../../etc")).isInstanceOf(ApiException.class)
                    .hasMessageContaining("32 lowercase hex");
            assertThatThrownBy(() -> registry.create(" ")).isInstanceOf(ApiException.class)
                    .hasMessageContaining("title");
        }
    }
}
